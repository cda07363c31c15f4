"""Bayesian calibration of Li-ion scale factors from a noisy discharge curve.

Synthetic data: the classical solver (`solvers.battery`, Chen2020) discharges the cell at
``--c-rate`` with the true scale factors (cathode solid diffusivity s_Ds,p ∈ [1, 10], anode
exchange current s_i0,n ∈ [0.5, 4], the NREL surrogate study's pair) and the voltage at 100
times is perturbed by Gaussian noise of ``--noise-mV``. Calibration: uniform priors on the two
factors, Gaussian likelihood with the known noise level, emcee ensemble MCMC with batched
forward calls; ``--forward solver`` puts the classical solver in the loop (the ground truth
that a surrogate's posterior is compared with), ``--forward surrogate`` the SPM's PINN surrogate
(`sciml.battery.train_spm_surrogate`; trained here unless ``--surrogate FILE`` is given), whose
own error, measured against the solver at 8 held-out prior draws, is added in quadrature to the
noise of the likelihood.

Run time: SPM ~1 min (``--quick`` ~15 s); P2D ~20 min on 2 cores (``--quick`` ~3 min).
Command: python cases/battery_calibration.py [--model spm|p2d] [--true-scale NAME=VALUE ...]
         [--noise-mV S] [--c-rate R] [--forward solver|surrogate] [--surrogate FILE]
         [--resume] [--quick] [--out DIR] [--device cpu|cuda]
"""

from __future__ import annotations

import sys

import numpy as np
from matplotlib.figure import Figure

from sciml.battery import SCALES, SolverForward
from sciml.calibration import UniformPrior, calibrate
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
                   help="forward model in the likelihood: the classical solver or the PINN "
                        "surrogate (SPM only; default solver)")
    p.add_argument("--surrogate", default=None, metavar="FILE",
                   help="trained surrogate (SPMSurrogate.save); default: train one, saved as "
                        "OUT/surrogate.pt")
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
    if args.forward == "surrogate" and args.model != "spm":
        raise UserInputError("argument --forward: the surrogate exists for --model spm only")
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
    surrogate_rmse = heldout_rmse = None
    rng = np.random.default_rng(args.seed)
    sigma = args.noise_mV * 1e-3
    noise = max(sigma, 1e-4)
    if args.forward == "surrogate":
        sur = _surrogate(args, run, cell, t_obs)
        forward = sur.forward(t_obs, args.c_rate)
        surrogate_rmse = 1e3 * float(np.sqrt(np.mean((forward(theta_true)[0] - clean) ** 2)))
        # the surrogate's own error, measured against the solver on held-out prior draws,
        # enters the likelihood as a further independent Gaussian term
        held = prior.sample(8, np.random.default_rng(args.seed + 1))
        heldout_rmse = float(np.sqrt(np.nanmean((forward(held) - solver(held)) ** 2)))
        noise = float(np.hypot(noise, heldout_rmse))
        heldout_rmse *= 1e3
    else:
        forward = solver
    data = clean + sigma * rng.standard_normal(clean.size)

    # Solve
    run.out.mkdir(parents=True, exist_ok=True)
    post = calibrate(forward, prior, data, noise=noise, walkers=walkers,
                     steps=steps, burn=burn, seed=args.seed, progress=not args.quick,
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
    summary["surrogate_rmse_mV"] = surrogate_rmse
    summary["surrogate_heldout_rmse_mV"] = heldout_rmse
    summary["likelihood_noise_mV"] = 1e3 * noise
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
    from sciml.battery import SPMSurrogate, SPMSurrogateConfig, train_spm_surrogate
    from sciml.pinn import Schedule

    if args.surrogate:
        sur = SPMSurrogate.load(args.surrogate, device=args.device)
        if (sur.c_rate != args.c_rate and not sur.linear) or sur.t_end < t_obs[-1]:
            raise UserInputError(f"argument --surrogate: trained at {sur.c_rate:g}C up to "
                                 f"{sur.t_end:g} s; it cannot serve {args.c_rate:g}C up to "
                                 f"{t_obs[-1]:g} s")
        return sur
    config = SPMSurrogateConfig()
    if args.quick:
        config = SPMSurrogateConfig(layers=(32, 32, 32), collocation=800, boundary=400,
                                    data_sets=3, data_times=30,
                                    schedule=Schedule(adam=400, lr=2e-3, decay=0.7,
                                                      decay_every=100, lbfgs=200))
    with run.progress(total=config.schedule.adam + config.schedule.lbfgs,
                      desc="surrogate training", unit="it") as bar:
        sur = train_spm_surrogate(cell, args.c_rate, float(t_obs[-1]), config,
                                  device=args.device, seed=args.seed,
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
