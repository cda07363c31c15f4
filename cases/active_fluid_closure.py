"""Learned closures of the active-fluid moment model, against Bingham and the kinetic reference.

1. Test data: the 1D(x)+θ kinetic model (`solvers.spectral.Kinetic1D`, exact algebraic Stokes)
   at every (α, ζ) of a grid, from an isotropic state plus random plane waves; z, the strain
   rate e and the exact m₄ every 0.25 time units. None of it is used for training.
2. Training data by active learning (`sciml.closures.active_closure_learning`): kinetic runs at
   two opposite corners of the grid, then, round by round, at the grid point where a committee
   of closures fitted to the data so far disagrees most about the moment-model dynamics
   (`closure_data.nc`, with its generation settings). A design of the same size drawn at random
   is the baseline.
3. A priori: two rotation-equivariant local closures (`sciml.closures`) fitted to m₄:
   `InvariantClosure` (realizable: m₄ = z² + (1 − |z|²)γ, γ from an MLP of the invariants
   |z|², |ê|², Re zê̄) and `BinghamResidualClosure` (Bingham plus a learned correction).
   Relative L2 error of m₄ on the test data, overall and in the transient (t ≤ t_end/3) and
   late (t ≥ 2 t_end/3) parts.
4. A posteriori: `InvariantClosure` fine-tuned through the differentiable moment solver
   (one-snapshot unrolls matched to the kinetic snapshots).
5. Rollouts over the whole run (t ≤ 20 in the full run) against the kinetic trajectories: in
   1D, the moment model with each closure from every test run's initial state; in 2D, from the
   initial state of a 2D(x, y)+θ kinetic run (`solvers.spectral.Kinetic2D`, α = −2, ζ = 0.4).
   Largest error of the box-mean order parameter |z| (relative to its maximum) and relative L2
   error of the time-averaged velocity power spectrum E(k) over the second half.

Run time on 2 cores: ~25 min (``--quick`` ~1.5 min).
Command: python cases/active_fluid_closure.py [--workers N] [--quick] [--out DIR] [--seed N]
         [--device cpu|cuda]
"""

from __future__ import annotations

import copy
import functools
import sys

import numpy as np
import torch
from matplotlib.figure import Figure

from sciml.case import case_parser, number, run_case
from sciml.closures import (
    BinghamResidualClosure,
    ClosureSamples,
    InvariantClosure,
    active_closure_learning,
    fit_closure,
    relative_error,
    rollout,
    save_closure,
    train_a_posteriori,
)
from sciml.hpc import ensemble
from sciml.io import save_figure, write_dataset
from solvers.spectral import (
    ActiveFluidParams,
    Kinetic2D,
    MomentSolver2D,
    bingham,
    closure_data_params,
    energy_spectrum,
    kinetic_closure_data,
)


def build_parser():
    p = case_parser("active_fluid_closure", __doc__)
    p.add_argument("--workers", type=number(1, 1024, lo_open=False, integer=True), default=1,
                   help="processes running the kinetic simulations (Dask; default 1)")
    return p


def main(args, run):
    # Parameters
    dev = torch.device(args.device)
    if args.quick:
        alphas, zetas, nx, t_end, epochs, iters = (-1.5, -3.0), (0.3, 0.6), 32, 6.0, 150, 30
        rounds, committee, score_t, n2d, t2d, zeta2d = 1, 2, 3.0, 32, 4.0, 0.3
    else:
        alphas, zetas, nx, t_end, epochs, iters = ((-1.0, -2.5, -4.0), (0.2, 0.5, 0.8), 64,
                                                   20.0, 300, 120)
        rounds, committee, score_t, n2d, t2d, zeta2d = 4, 3, 10.0, 64, 20.0, 0.4
    candidates = [ActiveFluidParams(alpha=a, zeta=z) for a in alphas for z in zetas]
    dt, ntheta, every = 0.01, 64, 0.25
    kin = {"nx": nx, "ntheta": ntheta, "dt": dt, "t_end": t_end, "save_every": every,
           "amplitude": 0.3, "device": dev}
    if args.workers > 1:  # the parameter sets of each batch of simulations run in parallel
        kin["mapper"] = functools.partial(ensemble, workers=args.workers)

    # Problem: held-out kinetic runs at every candidate
    with run.progress(total=len(candidates), desc="kinetic test runs", unit="run") as bar:
        test_ds = kinetic_closure_data(candidates, runs=1, seed=args.seed + 1000,
                                       progress=bar.update, **kin)
    times = test_ds["time"].values
    z_test = torch.as_tensor(test_ds["z_real"].values + 1j * test_ds["z_imag"].values,
                             device=dev)

    def simulate(params, k):
        return kinetic_closure_data(params, runs=2, seed=args.seed + 100 * k, **kin)

    def make_model(seed, samples, cls=InvariantClosure):
        return cls(width=32, depth=2, e_scale=float(samples.e.abs().mean())).double().to(dev)

    def fit(model, samples, n=epochs // 2):
        fit_closure(model, samples, epochs=n, batch=1024, lr=3e-3, seed=args.seed)

    # Solve: active learning of the training design, and a random design of the same size
    with run.progress(total=rounds, desc="active learning", unit="round") as bar:
        al = active_closure_learning(candidates, simulate, make_model, fit, z_test[0, :1],
                                     initial=[0, len(candidates) - 1], rounds=rounds,
                                     committee=committee, t_end=score_t, dt=dt,
                                     progress=bar.update)
    ds = al.data
    rng = np.random.default_rng(args.seed)
    others = [i for i in range(1, len(candidates) - 1)]
    random_design = [0, len(candidates) - 1, *rng.choice(others, rounds, replace=False)]
    random_ds = simulate([candidates[i] for i in random_design], 0)

    # Solve: a priori fits on the training design, then a posteriori
    tr = ClosureSamples.from_dataset(ds, device=dev)
    models = {}
    for name, cls in (("learned", InvariantClosure), ("bingham_residual",
                                                      BinghamResidualClosure)):
        torch.manual_seed(args.seed)
        m = make_model(args.seed, tr, cls)
        with run.progress(total=epochs, desc=f"a-priori fit ({name})", unit="epoch") as bar:
            fit_closure(m, tr, epochs=epochs, batch=1024, lr=3e-3, seed=args.seed,
                        progress=bar.update)
        models[name] = m
    torch.manual_seed(args.seed)
    random_samples = ClosureSamples.from_dataset(random_ds, device=dev)
    baseline = make_model(args.seed, random_samples)
    fit(baseline, random_samples, epochs)
    apost = copy.deepcopy(models["learned"])
    with run.progress(total=iters, desc="a-posteriori training", unit="it") as bar:
        history = train_a_posteriori(apost, ds, dt=dt, iterations=iters, starts=8, lr=3e-4,
                                     seed=args.seed, progress=bar.update)
    models["learned_a_posteriori"] = apost

    # Analysis: a priori errors on the test data
    summary = {"parameter_sets": len(candidates), "parameter_sets_trained": len(al.chosen),
               "active_learning_design": [[candidates[i].alpha, candidates[i].zeta]
                                          for i in al.chosen],
               "random_design": [[candidates[i].alpha, candidates[i].zeta]
                                 for i in random_design],
               "training_cases": int(ds.sizes["case"]), "test_cases": len(candidates),
               "nx": nx, "ntheta": ntheta, "t_end": t_end,
               "a_posteriori_final_loss": history[-1]}
    parts = {"": slice(None), "_transient": times <= t_end / 3,
             "_late": times >= 2 * t_end / 3}
    with torch.no_grad():
        for suffix, sel in parts.items():
            te = ClosureSamples.from_dataset(test_ds, times=times[sel], device=dev)
            summary[f"m4_rel_error_bingham{suffix}"] = relative_error(bingham(te.z), te.m4)
            for name, m in models.items():
                summary[f"m4_rel_error_{name}{suffix}"] = relative_error(m(te.z, te.e), te.m4)
        te = ClosureSamples.from_dataset(test_ds, device=dev)
        summary["m4_rel_error_learned_random_design"] = relative_error(baseline(te.z, te.e),
                                                                       te.m4)
        summary["m4_rel_error_learned_active_design"] = relative_error(
            models["learned"](te.z, te.e), te.m4)

    # Analysis: 1D rollouts against the kinetic test runs
    closures = {"bingham": "bingham", **models}
    e_test = torch.as_tensor(test_ds["e_imag"].values, device=dev)  # = v'/2
    late = times >= t_end / 2
    s_ref, spec_ref = [], []
    s_mod, spec_mod = {k: [] for k in closures}, {k: [] for k in closures}
    with run.progress(total=len(candidates), desc="1D rollouts", unit="run") as bar:
        for c, p in enumerate(closure_data_params(test_ds)):
            s_ref.append(z_test[c].abs().mean(-1).cpu().numpy())
            spec_ref.append(_spectrum(2 * e_test[c, late], p.L))
            for name, cl in closures.items():
                with torch.no_grad():
                    _, z = rollout(cl, p, z_test[c, :1], t_end, dt, save_every=every)
                    s_mod[name].append(z[:, 0].abs().mean(-1).cpu().numpy())
                    solver = MomentSolver2D(p, n=nx, ny=8, dt=dt, closure=cl, device=dev)
                    vx = [2 * solver.fields(zz[:, :, None].expand(1, nx, 8)).e.imag[0, :, 0]
                          for zz in z[late]]
                    spec_mod[name].append(_spectrum(torch.stack(vx), p.L))
            bar.update(1)
    for name in closures:
        summary[f"rollout_order_parameter_error_{name}"] = float(np.mean(
            [_order_error(a, b) for a, b in zip(s_mod[name], s_ref, strict=True)]))
        summary[f"rollout_spectrum_error_{name}"] = float(np.mean(
            [_rel(a, b) for a, b in zip(spec_mod[name], spec_ref, strict=True)]))

    # Analysis: 2D rollouts against the 2D kinetic model
    p2 = ActiveFluidParams(alpha=-2.0, zeta=zeta2d)
    k2 = Kinetic2D(p2, n=n2d, ntheta=ntheta, dt=dt, device=dev)
    with run.progress(total=round(t2d / dt), desc="2D kinetic run", unit="step") as bar:
        kr = k2.run(k2.isotropic(1, amplitude=0.3, seed=args.seed), t2d, save_every=0.5,
                    callback=lambda k, psi: bar.update(k - bar.n))
    late2 = kr.times >= t2d / 2
    z2 = torch.stack([k2.moments(psi)["z"] for psi in kr.psi])
    s2_ref = z2.abs().mean((-2, -1))[:, 0].cpu().numpy()
    e2_ref = _spectrum2d([k2.velocity(k2.flow(k2.moments(psi))[0]) for psi in kr.psi[late2]],
                         p2.L)
    s2_mod = {}
    for name, cl in closures.items():
        solver = MomentSolver2D(p2, n=n2d, dt=dt, closure=cl, device=dev)
        with torch.no_grad():
            r2 = solver.run(z2[0], t2d, save_every=0.5)
            s2_mod[name] = r2.z.abs().mean((-2, -1))[:, 0].cpu().numpy()
            e2 = _spectrum2d([solver.fields(z).u for z in r2.z[late2]], p2.L)
        summary[f"rollout2d_order_parameter_error_{name}"] = _order_error(s2_mod[name], s2_ref)
        summary[f"rollout2d_spectrum_error_{name}"] = _rel(e2, e2_ref)
    summary.update(rollout2d_alpha=p2.alpha, rollout2d_zeta=p2.zeta, rollout2d_n=n2d,
                   rollout2d_t_end=t2d)

    # Output
    write_dataset(ds, run.path("closure_data.nc"))
    write_dataset(test_ds, run.path("closure_test_data.nc"))
    for name, m in models.items():
        save_closure(m, run.path(f"closure_{name}.pt"))
    save_figure(_rollout_figure(times, s_ref[0], {k: v[0] for k, v in s_mod.items()},
                                kr.times.numpy(), s2_ref, s2_mod),
                run.path("rollout_order_parameter.png"))
    run.write_summary(summary)
    print("a priori m4 error (test): " + ", ".join(
        f"{k} {summary[f'm4_rel_error_{k}']:.3f}" for k in ("bingham", *models))
        + "; 1D / 2D rollout order-parameter error: " + ", ".join(
        f"{k} {summary[f'rollout_order_parameter_error_{k}']:.4f} / "
        f"{summary[f'rollout2d_order_parameter_error_{k}']:.4f}" for k in closures)
        + f"; outputs in {run.out}")


def _order_error(s, s_ref) -> float:
    return float(np.abs(s - s_ref).max() / s_ref.max())


def _rel(a, b) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def _spectrum2d(us, L) -> np.ndarray:
    """Time-averaged shell spectrum E(k) of velocity snapshots (each (1, 2, n, n))."""
    _, e = energy_spectrum(torch.cat(us), L)
    return e.mean(0).cpu().numpy()


def _spectrum(vx: torch.Tensor, L: float) -> np.ndarray:
    """Time-averaged velocity power spectrum E(k) = ½|v̂|², k ≥ 1, from v′(x) (T, nx)."""
    n = vx.shape[-1]
    vh = torch.fft.rfft(vx, dim=-1) / n
    k = 2 * np.pi / L * torch.arange(vh.shape[-1], device=vx.device)
    v = vh[..., 1:] / (1j * k[1:])
    return (0.5 * v.abs() ** 2).mean(0)[: n // 3].cpu().numpy()


def _rollout_figure(t, s_ref, s_mod, t2, s2_ref, s2_mod):
    fig = Figure(figsize=(12, 4))
    axes = fig.subplots(1, 2)
    for ax, tt, ref, mod, title in ((axes[0], t, s_ref, s_mod, "1D test run"),
                                    (axes[1], t2, s2_ref, s2_mod, "2D kinetic run")):
        ax.plot(tt, ref, "k", lw=2, label="kinetic")
        for name, s in mod.items():
            ax.plot(tt, s, label=name)
        ax.set_xlabel("t")
        ax.set_ylabel("box-mean |z|")
        ax.set_title(f"{title}: moment-model rollouts")
    axes[0].legend(fontsize="small")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
