"""Bayesian calibration of Li-ion scale factors from a noisy discharge curve.

Synthetic data: the classical solver (`solvers.battery`, Chen2020) discharges the cell at
``--c-rate`` with the true scale factors (cathode solid diffusivity s_Ds,p ∈ [1, 10], anode
exchange current s_i0,n ∈ [0.5, 4], the NREL surrogate study's pair) and the voltage at 100
times is perturbed by Gaussian noise of ``--noise-mV``. Calibration: uniform priors on the two
factors, Gaussian likelihood with the known noise level, emcee ensemble MCMC with batched
forward calls. ``--forward solver`` puts the classical solver in the loop (the ground truth
that a surrogate's posterior is compared with); ``--forward surrogate`` a surrogate, trained
here unless ``--surrogate FILE`` is given: for the SPM its PINN
(`sciml.battery.train_spm_surrogate`), for the P2D the multi-fidelity surrogate (that PINN plus
a learned P2D correction, `sciml.battery.train_p2d_surrogate`, serving 0.5-2C).

The surrogate's own error enters the likelihood as a correlated Gaussian term: its covariance
is the second moment of the surrogate-minus-solver voltages at 16 held-out prior draws
(`sciml.calibration.error_covariance`). How well that error model is calibrated is measured on
16 further draws: the fraction of their errors inside the model's pointwise 95 % band
(``surrogate_error_coverage95``, ideally 0.95).

Run time on 2 cores: SPM solver ~1 min, surrogate ~8 min with training (``--quick`` ~1 min);
P2D solver ~40 min (``--quick`` ~3 min), surrogate ~20 min with training, ~1 min with
``--surrogate FILE``.
Command: python cases/battery_calibration.py [--model spm|p2d] [--true-scale NAME=VALUE ...]
         [--noise-mV S] [--c-rate R] [--forward solver|surrogate] [--surrogate FILE]
         [--resume] [--quick] [--out DIR] [--device cpu|cuda]
"""

from __future__ import annotations

import sys

import numpy as np
from matplotlib.figure import Figure

from sciml.battery import SCALES, SolverForward
from sciml.calibration import UniformPrior, calibrate, error_covariance
from sciml.case import UserInputError, case_parser, number, run_case
from sciml.io import save_figure, write_dataset
from solvers.battery import P2D, SPM, Mesh, chen2020

DEFAULT_TRUTH = {"positive_diffusivity_scale": 3.0, "negative_exchange_current_scale": 2.0}


def build_parser():
    p = case_parser("battery_calibration", __doc__)
    p.add_argument("--model", choices=("spm", "p2d"), default="spm",
                   help="forward model (default spm)")
    p.add_argument("--true-scale", action="append", default=[], metavar="NAME=VALUE",
                   help="true value of a scale factor (default positive_diffusivity_scale=3, "
                        "negative_exchange_current_scale=2)")
    p.add_argument("--noise-mV", type=number(), default=3.0,
                   help="standard deviation of the voltage noise [mV], >= 0 (default 3)")
    p.add_argument("--c-rate", type=number(), default=1.0,
                   help="discharge rate in C, in (0, 3] (default 1)")
    p.add_argument("--forward", choices=("solver", "surrogate"), default="solver",
                   help="forward model in the likelihood: the classical solver or its "
                        "surrogate (default solver)")
    p.add_argument("--surrogate", default=None, metavar="FILE",
                   help="trained surrogate of --model (SPMSurrogate.save or P2DSurrogate.save);"
                        " default: train one, saved as OUT/surrogate.pt")
    p.add_argument("--resume", action="store_true",
                   help="continue the chain saved in OUT/chain.h5 by an interrupted run")
    return p


def _truth(items):
    truth = dict(DEFAULT_TRUTH)
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise UserInputError(f"argument --true-scale: {item!r} is not NAME=VALUE")
        if name not in SCALES:
            raise UserInputError(f"argument --true-scale: unknown parameter {name!r}; "
                                 f"choose from {', '.join(SCALES)}")
        try:
            truth[name] = float(value)
        except ValueError:
            raise UserInputError(f"argument --true-scale: {value!r} is not a number") from None
    return truth


def main(args, run):
    # Parameters
    truth = _truth(args.true_scale)
    prior = UniformPrior(SCALES)
    with run.user_input():
        prior.check(truth)
    if args.noise_mV < 0:
        raise UserInputError(f"argument --noise-mV: {args.noise_mV:g} must be >= 0")
    if not 0 < args.c_rate <= 3:
        raise UserInputError(f"argument --c-rate: {args.c_rate:g} is outside the valid range "
                             "(0, 3]")
    walkers, steps, burn = (16, 250, 100) if args.quick else (32, 1500, 500)
    n = 8 if args.quick else 16
    cell = chen2020()
    if args.model == "spm":
        model, method = SPM(cell, Mesh(r_negative=n, r_positive=n)), "stacked"
    else:
        model, method = P2D(cell, Mesh(n, max(3, n // 2), n, n, n)), "parallel"

    # Problem
    # 100 observations until 92 % of the nominal discharge time, before the final voltage drop
    t_obs = np.linspace(0.01, 0.92, 100) * 3600.0 / args.c_rate
    solver = SolverForward(model, args.c_rate, t_obs, prior.names, method=method)
    theta_true = np.array([[truth[k] for k in prior.names]])
    clean = solver(theta_true)[0]
    surrogate = {}
    rng = np.random.default_rng(args.seed)
    sigma = args.noise_mV * 1e-3
    noise = max(sigma, 1e-4)
    model_error = None
    if args.forward == "surrogate":
        sur = _surrogate(args, run, cell, t_obs)
        forward = sur.forward(t_obs, args.c_rate)
        # the surrogate's own error: its covariance from held-out prior draws, and how well
        # that covers the errors at further draws
        held = prior.sample(32, np.random.default_rng(args.seed + 1))
        errors = forward(held) - solver(held)
        model_error = error_covariance(errors[:16])
        band = 1.959964 * np.sqrt(np.diag(model_error))
        test = errors[16:][np.all(np.isfinite(errors[16:]), axis=1)]
        surrogate = {
            "surrogate_rmse_mV": 1e3 * float(np.sqrt(np.mean((forward(theta_true)[0]
                                                              - clean) ** 2))),
            "surrogate_heldout_rmse_mV": 1e3 * float(np.sqrt(np.nanmean(errors ** 2))),
            "surrogate_error_coverage95": float(np.mean(np.abs(test) <= band)),
            "surrogate_train_seconds": sur.seconds}
    else:
        forward = solver
    data = clean + sigma * rng.standard_normal(clean.size)

    # Solve
    run.out.mkdir(parents=True, exist_ok=True)
    post = calibrate(forward, prior, data, noise=noise, error_covariance=model_error,
                     walkers=walkers, steps=steps, burn=burn, seed=args.seed,
                     progress=not args.quick,
                     checkpoint=str(run.path("chain.h5")), resume=args.resume)

    # Analysis
    summary = {"model": args.model, "forward": args.forward, "c_rate": args.c_rate,
               "noise_mV": args.noise_mV, "walkers": walkers, "steps": steps, "burn": burn}
    inside = []
    for name in prior.names:
        lo, hi = post.interval(name)
        summary[f"{name}_mean"] = post.mean(name)
        summary[f"{name}_std"] = post.std(name)
        summary[f"{name}_ci95_low"], summary[f"{name}_ci95_high"] = lo, hi
        summary[f"{name}_true"] = truth[name]
        inside.append(lo <= truth[name] <= hi)
    summary["truth_in_ci95"] = bool(all(inside))
    summary["surrogate_rmse_mV"] = None  # the solver itself: no surrogate error
    summary.update(surrogate)
    summary["calibration_seconds"] = post.seconds
    summary["forward_evaluations"] = post.forward_evaluations
    ess = post.ess()
    summary["effective_sample_size"] = min(ess.values())
    summary["rhat_max"] = max(post.rhat().values())
    summary["acceptance"] = post.acceptance
    draws = post.samples[rng.choice(len(post.samples), size=40, replace=False)]
    predictive = forward(draws)
    summary["posterior_predictive_rmse_mV"] = 1e3 * float(
        np.sqrt(np.nanmean((np.nanmean(predictive, axis=0) - clean) ** 2)))

    # Output
    write_dataset(post.to_xarray(), run.path("posterior.nc"))
    save_figure(_corner(post, truth), run.path("posterior_corner.png"))
    save_figure(_predictive(t_obs, data, predictive, args), run.path("posterior_predictive.png"))
    run.write_summary(summary)
    print("; ".join(f"{k}: {summary[k + '_mean']:.3f} [{summary[k + '_ci95_low']:.3f}, "
                    f"{summary[k + '_ci95_high']:.3f}] (true {truth[k]:g})"
                    for k in prior.names)
          + f"; truth in 95 % intervals: {summary['truth_in_ci95']}; outputs in {run.out}")


def _surrogate(args, run, cell, t_obs):
    from sciml.battery import (
        P2DSurrogate,
        P2DSurrogateConfig,
        SPMSurrogateConfig,
        load_surrogate,
        train_p2d_surrogate,
        train_spm_surrogate,
    )
    from sciml.pinn import Schedule

    if args.surrogate:
        sur = load_surrogate(args.surrogate, device=args.device)
        kind = "p2d" if isinstance(sur, P2DSurrogate) else "spm"
        if kind != args.model:
            raise UserInputError(f"argument --surrogate: holds a {kind.upper()} surrogate, "
                                 f"not one of --model {args.model}")
        if kind == "spm" and ((sur.c_rate != args.c_rate and not sur.linear)
                              or sur.t_end * sur.c_rate < t_obs[-1] * args.c_rate):
            raise UserInputError(f"argument --surrogate: trained at {sur.c_rate:g}C up to "
                                 f"{sur.t_end:g} s; it cannot serve {args.c_rate:g}C up to "
                                 f"{t_obs[-1]:g} s")
        if kind == "p2d" and not (sur.config.c_rates[0] <= args.c_rate
                                  <= sur.config.c_rates[1]):
            raise UserInputError(f"argument --surrogate: serves {sur.config.c_rates[0]:g}-"
                                 f"{sur.config.c_rates[1]:g}C, not {args.c_rate:g}C")
        return sur
    base = SPMSurrogateConfig()
    if args.quick:
        base = SPMSurrogateConfig(layers=(32, 32, 32), collocation=800, boundary=400,
                                  data_sets=3, data_times=30,
                                  schedule=Schedule(adam=400, lr=2e-3, decay=0.7,
                                                    decay_every=100, lbfgs=200))
    if args.model == "spm":
        total = base.schedule.adam + base.schedule.lbfgs
    else:
        # one surrogate for a C-rate range around the requested one
        config = P2DSurrogateConfig(c_rates=(min(0.5, args.c_rate), max(2.0, args.c_rate)))
        if args.quick:
            config = P2DSurrogateConfig(
                layers=(32, 32), c_rates=(args.c_rate, args.c_rate), c_levels=1, pairs=16,
                times=30, mesh=(8, 4, 8, 8, 8),
                schedule=Schedule(adam=1000, lr=3e-3, decay=0.7, decay_every=200, lbfgs=300))
        total = sum(s.adam + s.lbfgs for s in (base.schedule, config.schedule))
    with run.progress(total=total, desc="surrogate training", unit="it") as bar:
        if args.model == "spm":
            sur = train_spm_surrogate(cell, args.c_rate, float(t_obs[-1]), base,
                                      device=args.device, seed=args.seed,
                                      checkpoint=run.path("surrogate_checkpoint.pt"),
                                      progress=bar.update)
        else:
            sur = train_p2d_surrogate(cell, None, config, base, device=args.device,
                                      seed=args.seed,
                                      checkpoint=run.path("surrogate_checkpoint.pt"),
                                      progress=bar.update)
    sur.save(run.path("surrogate.pt"))
    return sur


def _corner(post, truth):
    import corner

    fig = Figure(figsize=(6, 6))
    corner.corner(post.samples, labels=["$s_{D_s,p}$", "$s_{i_0,n}$"],
                  truths=[truth[k] for k in post.names], fig=fig, quantiles=[0.025, 0.975])
    return fig


def _predictive(t, data, predictive, args):
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    lo, hi = np.nanpercentile(predictive, [2.5, 97.5], axis=0)
    ax.fill_between(t, lo, hi, alpha=0.4, label="posterior predictive 95 %")
    ax.plot(t, data, ".", ms=3, label=f"data ({args.noise_mV:g} mV noise)")
    ax.set_xlabel("time [s]")
    ax.set_ylabel("voltage [V]")
    ax.set_title(f"{args.model.upper()} {args.c_rate:g}C, forward: {args.forward}")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
