"""FlamePINN: physics-informed networks solve 1D premixed flames for their eigenvalue and fields.

``--case simple`` (default; Case 1): ρ_in s_L c_p T' = λ T'' + q_F ω(T) (see `solvers.flame`),
the same residual function as the classical solver. The network predicts T(x) with the boundary
conditions built into its output transform; s_L is eliminated by variable projection (the
least-squares optimum for the current network at every step), so ``--s-guess`` does not steer
the result. Training: a warm-up fit of a tanh profile, Adam, residual-based extra collocation
points, then L-BFGS, in float64.
``--inverse`` infers s_L, λ and E_a from ``--n-obs`` noisy observations of T and u of the
classical gradient-mode solution, with 95 % intervals (Laplace posterior).
``--case ch4`` (Case 2): the CH4/air flame with one-step chemistry, NASA7 thermodynamics and
mixture-averaged transport; the network gives T and the mass fractions (a softmax: positive,
summing to one), s_L by variable projection, free mode on a 3 mm domain.
``--case counterflow`` (Case 3): the premixed CH4/air jet against N2 (20 mm); the network gives
T, Y, ρu and V with the nozzle values built in, and Λ by variable projection.
The result is compared with the classical solver in the same mode, on the same domain.
Training is checkpointed to ``checkpoint.pt`` in the output directory; ``--resume`` continues
an interrupted run from it.

Run time on 2 CPU cores: simple about 5 minutes, ch4 about 6, counterflow about 10
(``--quick``: about a minute each, a loose answer).
Command: python cases/flame_pinn.py [--case simple|ch4|counterflow] [--mode gradient|free]
         [--inverse] [--phi F] [--T-in K] [--s-guess S] [--noise REL] [--n-obs N]
         [--iterations N] [--lbfgs N] [--quick] [--resume] [--out DIR] [--seed N]
         [--device cpu|cuda]
"""

from __future__ import annotations

import sys

import numpy as np

from sciml.case import UserInputError, case_parser, number, run_case
from sciml.io import save_figure, write_dataset
from sciml.metrics import relative_l2
from sciml.pinn import (
    FlameObservations,
    FlamePINNConfig,
    PremixedPINNConfig,
    Schedule,
    infer_simple_flame,
    train_ch4_flame_pinn,
    train_counterflow_pinn,
    train_flame_pinn,
)
from sciml.plot import history_figure, profile_figure
from solvers.flame import (
    CounterflowParams,
    PremixedFlameParams,
    SimpleFlameParams,
    solve_counterflow_flame,
    solve_premixed_flame,
    solve_simple_flame,
)

INFERRED = (("flame_speed", "flame_speed_m_s"), ("conductivity", "conductivity_W_mK"),
            ("activation_energy", "activation_energy_J_mol"))


def build_parser():
    p = case_parser("flame_pinn", __doc__)
    p.add_argument("--case", choices=("simple", "ch4", "counterflow"), default="simple",
                   help="which flame: simplified (Case 1), CH4/air (Case 2), counterflow "
                        "(Case 3); default simple")
    p.add_argument("--mode", choices=("gradient", "free"), default="gradient",
                   help="how the flame is pinned (default gradient, as FlamePINN-1D)")
    p.add_argument("--inverse", action="store_true",
                   help="infer s_L, λ and E_a from noisy T and u observations (gradient mode)")
    p.add_argument("--phi", type=number(), default=None,
                   help="equivalence ratio (default 0.42; 0.46 with --inverse; 0.8 for ch4 "
                        "and counterflow)")
    p.add_argument("--T-in", type=number(), default=None,
                   help="unburnt temperature [K] (default 298; 300 for ch4 and counterflow)")
    p.add_argument("--s-guess", type=number(0.0, 10.0), default=0.4,
                   help="starting flame speed [m/s] (default 0.4)")
    p.add_argument("--iterations", type=number(0, 10**7, lo_open=False, integer=True),
                   default=None, help="Adam iterations (default 5000, ch4 and counterflow "
                                      "3000; --quick 1500, 300)")
    p.add_argument("--lbfgs", type=number(0, 10**7, lo_open=False, integer=True),
                   default=None, help="L-BFGS iterations (default 3000, ch4 1000, "
                                      "counterflow 2000; --quick 300, 100)")
    p.add_argument("--resume", action="store_true",
                   help="continue from checkpoint.pt in the output directory")
    p.add_argument("--noise", type=number(0.0, 0.5), default=0.02,
                   help="--inverse: relative noise of the observations (default 0.02)")
    p.add_argument("--n-obs", type=number(3, 10_000, lo_open=False, integer=True), default=10,
                   help="--inverse: number of observation points (default 10)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="network precision (default float64)")
    return p


def _checkpoint(args, run) -> str:
    path = run.path("checkpoint.pt")
    if not args.resume and path.exists():
        path.unlink()  # a fresh run: never mix in an old training
    return str(path)


def main(args, run):
    if args.case != "simple":
        return _premixed(args, run)
    # Parameters
    phi = args.phi if args.phi is not None else (0.46 if args.inverse else 0.42)
    T_in = args.T_in if args.T_in is not None else 298.0
    with run.user_input({"phi": "--phi", "T_in": "--T-in"}):
        params = SimpleFlameParams(phi=phi, T_in=T_in)
    if args.inverse and args.mode != "gradient":
        raise UserInputError(f"argument --mode: {args.mode!r} with --inverse; the inverse "
                             "problem uses the gradient mode")
    schedule = Schedule()
    adam = args.iterations if args.iterations is not None else (
        1500 if args.quick else schedule.adam)
    lbfgs = args.lbfgs if args.lbfgs is not None else (300 if args.quick else schedule.lbfgs)
    config = FlamePINNConfig(
        mode=args.mode, schedule=Schedule(adam=adam, lbfgs=lbfgs),
        collocation=500 if args.quick else 1000, adaptive=250 if args.quick else 1000,
        dtype=args.dtype,
    )

    # Problem: the classical solution in the same mode, on the same domain
    if args.mode == "free":
        x_fix, T_fix = config.pin(params)
        reference = solve_simple_flame(params, mode="free", width=config.domain, x_fix=x_fix,
                                       T_fix=T_fix, bisections=4)
    else:
        reference = solve_simple_flame(params, mode="gradient", width=config.domain,
                                       bisections=4)

    # Solve
    summary = {"case": "simple", "mode": args.mode, "phi": phi, "T_in_K": T_in,
               "adam_iterations": adam,
               "lbfgs_iterations": lbfgs, "dtype": args.dtype, "device": args.device}
    with run.progress(total=config.warmup + adam + lbfgs, desc="FlamePINN",
                      unit="it") as bar:
        if args.inverse:
            obs = FlameObservations.synthetic(reference, args.n_obs, args.noise, seed=args.seed)
            result = infer_simple_flame(obs, params, config=config, device=args.device,
                                        seed=args.seed, progress=bar.update)
        else:
            result = train_flame_pinn(params, config=config, s_guess=args.s_guess,
                                      device=args.device, seed=args.seed,
                                      checkpoint=_checkpoint(args, run), progress=bar.update)
            summary["s_guess_m_s"] = args.s_guess

    # Analysis
    T_pinn = result.temperature(reference.x)
    ds = reference.to_xarray()[["T"]].rename({"T": "T_classical"})
    ds["T_pinn"] = ("x_m", T_pinn, {"units": "K", "long_name": "temperature (PINN)"})
    ds["T_classical"].attrs["long_name"] = "temperature (classical solver)"
    rel = result.flame_speed / reference.flame_speed - 1.0
    l2 = relative_l2(reference.x, T_pinn, reference.T)
    summary.update({
        "flame_speed_m_s": result.flame_speed,
        "classical_flame_speed_m_s": reference.flame_speed,
        "flame_speed_rel_error": rel,
        "T_rel_l2": l2,
        "train_seconds": result.train_seconds,
    })
    if args.inverse:
        ds["T_observed"] = ("x_obs_m", obs.T, {"units": "K", "long_name": "observed T"})
        ds["u_observed"] = ("x_obs_m", obs.u, {"units": "m/s", "long_name": "observed u"})
        ds = ds.assign_coords(x_obs_m=("x_obs_m", obs.x, {"units": "m"}))
        summary.update({"noise": args.noise, "n_obs": args.n_obs})
        truth = {"flame_speed": reference.flame_speed, "conductivity": params.conductivity,
                 "activation_energy": params.activation_energy}
        for name, key in INFERRED:
            lo, hi = result.interval(name)
            value = getattr(result, name)
            summary[key] = value
            summary[f"{key}_rel_error"] = value / truth[name] - 1.0
            summary[f"{key}_posterior_mode"] = result.posterior_mode(name)
            summary[f"{key}_95"] = [lo, hi]
            summary[f"{key}_95_covers_truth"] = bool(lo <= truth[name] <= hi)

    # Output
    write_dataset(ds, run.path("fields.nc"))
    write_dataset(result.history, run.path("history.nc"))
    kind = "inverse" if args.inverse else args.mode
    save_figure(profile_figure(ds, [["T_pinn", "T_classical"]],
                               title=f"FlamePINN ({kind}): s_L = {result.flame_speed:.5f} "
                                     f"m/s ({100 * rel:+.3f} %), T rel. L2 {l2:.1e}"),
                run.path("profiles.png"))
    save_figure(history_figure(result.history, "flame_speed_m_s",
                               reference=reference.flame_speed), run.path("history.png"))
    run.write_summary(summary)
    print(f"PINN s_L = {result.flame_speed:.6f} m/s ({100 * rel:+.4f} % vs classical), "
          f"T rel. L2 {l2:.2e}, {result.train_seconds:.0f} s; outputs in {run.out}")
    if args.inverse:
        for _, key in INFERRED[1:]:
            print(f"{key} = {summary[key]:.6g} ({100 * summary[key + '_rel_error']:+.2f} %), "
                  f"95 % interval [{summary[key + '_95'][0]:.6g}, {summary[key + '_95'][1]:.6g}]")


def _premixed(args, run):
    """Cases 2 and 3: the CH4/air free flame and the counterflow flame."""
    if args.inverse:
        raise UserInputError(f"argument --inverse: not available with --case {args.case} "
                             "(the inverse problem is Case 1's)")
    phi = args.phi if args.phi is not None else 0.8
    T_in = args.T_in if args.T_in is not None else 300.0
    with run.user_input({"phi": "--phi", "T_in": "--T-in"}):
        flame = PremixedFlameParams(phi=phi, T_in=T_in)
    adam = args.iterations if args.iterations is not None else (300 if args.quick else 3000)
    counterflow = args.case == "counterflow"
    lbfgs = args.lbfgs if args.lbfgs is not None else (
        100 if args.quick else (2000 if counterflow else 1000))
    collocation = (300 if args.quick else 600) if counterflow else (
        300 if args.quick else 500)
    config = PremixedPINNConfig(schedule=Schedule(adam=adam, lbfgs=lbfgs),
                                collocation=collocation, warmup=500 if args.quick else 1500,
                                dtype=args.dtype)

    # Problem: the classical solution on the same domain (and, for Case 2, the same pin)
    if counterflow:
        params = CounterflowParams(flame=flame)
        reference = solve_counterflow_flame(params)
        eig_key, eig_ref = "strain_eigenvalue_Pa_m2", reference.strain_eigenvalue
    else:
        params = flame
        reference = None  # solved after training, with the pin the PINN used
        eig_key = "flame_speed_m_s"

    summary = {"case": args.case, "phi": phi, "T_in_K": T_in, "adam_iterations": adam,
               "lbfgs_iterations": lbfgs, "collocation": collocation, "dtype": args.dtype,
               "device": args.device}
    with run.progress(total=config.warmup + adam + lbfgs, desc=f"FlamePINN {args.case}",
                      unit="it") as bar:
        kw = dict(config=config, device=args.device, seed=args.seed,
                  checkpoint=_checkpoint(args, run), progress=bar.update)
        if counterflow:
            result = train_counterflow_pinn(params, **kw)
        else:
            result = train_ch4_flame_pinn(params, s_guess=args.s_guess, **kw)
            summary["s_guess_m_s"] = args.s_guess
    if reference is None:
        x_fix, T_fix = result.pin
        reference = solve_premixed_flame(params, width=result.width, x_fix=x_fix, T_fix=T_fix)
        eig_ref = reference.flame_speed

    # Analysis
    pinn = result.fields(reference.x)
    ds = reference.to_xarray()
    names = ["T", *[f"Y_{k}" for k in result.species]]
    for name, values in zip(names, [pinn["T"], *pinn["Y"]], strict=True):
        ds[f"{name}_pinn"] = ("x_m", values, {**ds[name].attrs,
                                              "long_name": ds[name].attrs["long_name"] + " (PINN)"})
    if counterflow:
        ds["V_pinn"] = ("x_m", pinn["V"], {**ds["V"].attrs, "long_name": "V (PINN)"})
    rel = result.eigenvalue / eig_ref - 1.0
    l2 = relative_l2(reference.x, pinn["T"], reference.T)
    summary.update({
        eig_key: result.eigenvalue,
        f"classical_{eig_key}": eig_ref,
        f"{eig_key.rsplit('_', 2)[0]}_rel_error": rel,
        "T_rel_l2": l2,
        "Y_max_abs_error": float(np.max(np.abs(pinn["Y"] - reference.Y))),
        "train_seconds": result.train_seconds,
    })

    # Output
    write_dataset(ds, run.path("fields.nc"))
    write_dataset(result.history, run.path("history.nc"))
    panels = [["T_pinn", "T"], [f"Y_{k}_pinn" for k in ("CH4", "O2", "CO2", "H2O")]
              + [f"Y_{k}" for k in ("CH4", "O2", "CO2", "H2O")]]
    if counterflow:
        panels.append(["V_pinn", "V"])
    label = "Λ" if counterflow else "s_L"
    save_figure(profile_figure(ds, panels, title=f"FlamePINN ({args.case}): {label} = "
                               f"{result.eigenvalue:.6g} ({100 * rel:+.2f} %), T rel. L2 "
                               f"{l2:.1e}"), run.path("profiles.png"))
    save_figure(history_figure(result.history, eig_key, reference=eig_ref),
                run.path("history.png"))
    run.write_summary(summary)
    print(f"PINN {label} = {result.eigenvalue:.6g} ({100 * rel:+.3f} % vs classical "
          f"{eig_ref:.6g}), T rel. L2 {l2:.2e}, {result.train_seconds:.0f} s; outputs in "
          f"{run.out}")


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
