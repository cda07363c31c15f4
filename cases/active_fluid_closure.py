"""Learned closures of the active-fluid moment model, against Bingham and the kinetic reference.

1. Data: the 1D(x)+θ kinetic model (`solvers.spectral.Kinetic1D`, exact algebraic Stokes) from
   an isotropic state plus random plane waves, over a grid of (α, ζ), two runs each; z, the
   strain rate e and the exact m₄ every 0.25 time units (`closure_data.nc`, with its generation
   settings). A quarter of the runs is held out.
2. A priori: two rotation-equivariant local closures (`sciml.closures`) fitted to m₄:
   `InvariantClosure` (MLP of the invariants |z|², |ê|², Re zê̄ → coefficients of z², zê, ê²)
   and `BinghamResidualClosure` (Bingham plus a learned correction). Relative L2 error of m₄ on
   the held-out runs, overall and in the transient (t ≤ t_end/3) and late (t ≥ 2 t_end/3) parts.
3. A posteriori: `InvariantClosure` fine-tuned through the differentiable moment solver
   (one-snapshot unrolls matched to the kinetic snapshots).
4. Rollouts: the moment model with each closure from the held-out runs' initial states over the
   whole run, against the kinetic trajectories: largest error of the box-mean order parameter
   |z| (relative to its maximum) and relative L2 error of the time-averaged velocity power
   spectrum E(k) over the second half.

Run time on 2 cores: ~6 min (``--quick`` ~1 min).
Command: python cases/active_fluid_closure.py [--quick] [--out DIR] [--seed N]
         [--device cpu|cuda]
"""

from __future__ import annotations

import copy
import sys

import numpy as np
import torch
from matplotlib.figure import Figure

from sciml.case import case_parser, run_case
from sciml.closures import (
    BinghamResidualClosure,
    ClosureSamples,
    InvariantClosure,
    fit_closure,
    relative_error,
    rollout,
    split_cases,
    train_a_posteriori,
)
from sciml.io import save_figure, write_dataset
from solvers.spectral import ActiveFluidParams, MomentSolver2D, bingham, kinetic_closure_data

FIELDS = ("alpha", "beta", "zeta", "dT", "dR", "L")


def build_parser():
    return case_parser("active_fluid_closure", __doc__)


def main(args, run):
    # Parameters
    dev = torch.device(args.device)
    if args.quick:
        alphas, zetas, nx, t_end, epochs, iters = (-1.5, -3.0), (0.3, 0.6), 32, 6.0, 150, 30
    else:
        alphas, zetas, nx, t_end, epochs, iters = ((-1.0, -2.0, -3.0, -4.0), (0.2, 0.4, 0.6),
                                                   64, 12.0, 300, 120)
    params = [ActiveFluidParams(alpha=a, zeta=z) for a in alphas for z in zetas]
    dt = 0.01

    # Problem: kinetic data
    with run.progress(total=len(params), desc="kinetic runs", unit="run") as bar:
        ds = kinetic_closure_data(params, nx=nx, ntheta=64, dt=dt, t_end=t_end,
                                  save_every=0.25, amplitude=0.3, runs=2, seed=args.seed,
                                  device=dev, progress=bar.update)
    train, test = split_cases(ds, 0.25, seed=args.seed)
    tr = ClosureSamples.from_dataset(ds, cases=train, device=dev)
    e_scale = float(tr.e.abs().mean())

    # Solve: a priori, then a posteriori
    models = {}
    for name, cls in (("learned", InvariantClosure), ("bingham_residual",
                                                      BinghamResidualClosure)):
        torch.manual_seed(args.seed)
        m = cls(width=32, depth=2, e_scale=e_scale).double().to(dev)
        with run.progress(total=epochs, desc=f"a-priori fit ({name})", unit="epoch") as bar:
            fit_closure(m, tr, epochs=epochs, batch=1024, lr=3e-3, seed=args.seed,
                        progress=bar.update)
        models[name] = m
    apost = copy.deepcopy(models["learned"])
    with run.progress(total=iters, desc="a-posteriori training", unit="it") as bar:
        history = train_a_posteriori(apost, ds, cases=train, dt=dt, iterations=iters,
                                     starts=8, lr=3e-4, seed=args.seed, progress=bar.update)
    models["learned_a_posteriori"] = apost

    # Analysis: a priori errors on held-out runs
    times = ds["time"].values
    summary = {"parameter_sets": len(params), "cases": int(ds.sizes["case"]),
               "held_out_cases": len(test), "nx": nx, "ntheta": 64, "t_end": t_end,
               "a_posteriori_final_loss": history[-1]}
    parts = {"": slice(None), "_transient": times <= t_end / 3,
             "_late": times >= 2 * t_end / 3}
    with torch.no_grad():
        for suffix, sel in parts.items():
            te = ClosureSamples.from_dataset(ds, cases=test, times=times[sel], device=dev)
            summary[f"m4_rel_error_bingham{suffix}"] = relative_error(bingham(te.z), te.m4)
            for name, m in models.items():
                summary[f"m4_rel_error_{name}{suffix}"] = relative_error(m(te.z, te.e), te.m4)

    # Analysis: rollouts against the kinetic reference
    closures = {"bingham": "bingham", **models}
    z_kin = torch.as_tensor(ds["z_real"].values + 1j * ds["z_imag"].values, device=dev)
    e_kin = torch.as_tensor(ds["e_imag"].values, device=dev)  # = v'/2
    s_ref, spec_ref, s_mod, spec_mod = [], [], {k: [] for k in closures}, \
        {k: [] for k in closures}
    late = times >= t_end / 2
    for c in test:
        p = ActiveFluidParams(**{k: float(ds[k].values[c]) for k in FIELDS})
        s_ref.append(z_kin[c].abs().mean(-1).cpu().numpy())
        spec_ref.append(_spectrum(2 * e_kin[c, late], p.L))
        for name, cl in closures.items():
            with torch.no_grad():
                _, z = rollout(cl, p, z_kin[c, :1], t_end, dt, save_every=0.25)
                s_mod[name].append(z[:, 0].abs().mean(-1).cpu().numpy())
                solver = MomentSolver2D(p, n=nx, ny=8, dt=dt, closure=cl, device=dev)
                vx = [2 * solver.fields(zz[:, :, None].expand(1, nx, 8)).e.imag[0, :, 0]
                      for zz in z[late]]
                spec_mod[name].append(_spectrum(torch.stack(vx), p.L))
    for name in closures:
        s_err = [np.abs(a - b).max() / b.max() for a, b in zip(s_mod[name], s_ref,
                                                               strict=True)]
        e_err = [np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(spec_mod[name],
                                                                          spec_ref,
                                                                          strict=True)]
        summary[f"rollout_order_parameter_error_{name}"] = float(np.mean(s_err))
        summary[f"rollout_spectrum_error_{name}"] = float(np.mean(e_err))

    # Output
    write_dataset(ds, run.path("closure_data.nc"))
    for name, m in models.items():
        torch.save(m.state_dict(), run.path(f"closure_{name}.pt"))
    save_figure(_rollout_figure(times, s_ref[0], {k: v[0] for k, v in s_mod.items()}),
                run.path("rollout_order_parameter.png"))
    run.write_summary(summary)
    print("a priori m4 error (held out): " + ", ".join(
        f"{k} {summary[f'm4_rel_error_{k}']:.3f}" for k in ("bingham", *models))
        + "; rollout order-parameter error: " + ", ".join(
        f"{k} {summary[f'rollout_order_parameter_error_{k}']:.4f}" for k in closures)
        + f"; outputs in {run.out}")


def _spectrum(vx: torch.Tensor, L: float) -> np.ndarray:
    """Time-averaged velocity power spectrum E(k) = ½|v̂|², k ≥ 1, from v′(x) (T, nx)."""
    n = vx.shape[-1]
    vh = torch.fft.rfft(vx, dim=-1) / n
    k = 2 * np.pi / L * torch.arange(vh.shape[-1], device=vx.device)
    v = vh[..., 1:] / (1j * k[1:])
    return (0.5 * v.abs() ** 2).mean(0)[: n // 3].cpu().numpy()


def _rollout_figure(t, s_ref, s_mod):
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.plot(t, s_ref, "k", lw=2, label="kinetic")
    for name, s in s_mod.items():
        ax.plot(t, s, label=name)
    ax.set_xlabel("t")
    ax.set_ylabel("box-mean |z|")
    ax.set_title("held-out run: moment-model rollouts")
    ax.legend(fontsize="small")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
