"""Surrogate-driven vs solver-in-the-loop Bayesian calibration (Chen2020, 1C), SPM or P2D.

1. The surrogate (``--surrogate FILE``, else trained here: the SPM's PINN, or the P2D's
   multi-fidelity surrogate over 0.5-2C) is tested on ``--test`` held-out parameter pairs
   drawn uniformly over s_Ds,p ∈ [1, 10] × s_i0,n ∈ [0.5, 4]: RMSE of the voltage at the 100
   observation times against the classical solver (SPM: 40 shells, rtol 1e-8; P2D: the mesh
   of its training data), at each of ``--c-rates``.
2. Its error model (`sciml.calibration.error_covariance` from 16 further draws at 1C) and the
   coverage of that model's 95 % band on the test draws.
3. For three true pairs, synthetic data (solver + 3 mV noise) are calibrated twice with the same
   emcee settings: with the surrogate (and its error model) and with the classical solver in
   the loop (the case script's mesh). Reported: posterior means and 95 % intervals, whether the
   truth is inside, the distance between the two posterior means in solver-posterior standard
   deviations, and the wall times and their ratio.

Run time on 2 cores: SPM ~15 min; P2D ~50 min (solver-in-the-loop calibrations ~13 min each),
plus training when no ``--surrogate`` is given (SPM ~8 min, P2D ~20 min).
Command: python validation/calibration_speedup.py [--model spm|p2d] [--surrogate FILE]
         [--walkers 32] [--steps N] [--burn N] [--test 20] [--c-rates 0.5,1,2] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from sciml.battery import (
    SCALES,
    P2DSurrogate,
    SolverForward,
    load_surrogate,
    train_p2d_surrogate,
    train_spm_surrogate,
)
from sciml.calibration import UniformPrior, calibrate, error_covariance
from sciml.io import write_json
from solvers.battery import P2D, SPM, Mesh, chen2020

TRUTHS = [(3.0, 2.0), (1.5, 0.8), (7.0, 3.2)]
DEPTH = 0.92
STEPS = {"spm": (1500, 500), "p2d": (500, 150)}


def _t_obs(c_rate):
    return np.linspace(0.01, DEPTH, 100) * 3600.0 / c_rate


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=("spm", "p2d"), default="spm")
    ap.add_argument("--surrogate", default=None, help="trained surrogate file (else train)")
    ap.add_argument("--walkers", type=int, default=32)
    ap.add_argument("--steps", type=int, default=None, help="default: spm 1500, p2d 500")
    ap.add_argument("--burn", type=int, default=None, help="default: spm 500, p2d 150")
    ap.add_argument("--test", type=int, default=20)
    ap.add_argument("--c-rates", default="0.5,1,2", help="C-rates of the surrogate test")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    steps, burn = a.steps or STEPS[a.model][0], a.burn or STEPS[a.model][1]
    cell = chen2020()
    if a.surrogate:
        sur = load_surrogate(a.surrogate)
    elif a.model == "spm":
        sur = train_spm_surrogate(cell, 1.0, DEPTH * 3600.0)
    else:
        sur = train_p2d_surrogate(cell)
    if (a.model == "p2d") != isinstance(sur, P2DSurrogate):
        ap.error(f"--surrogate does not hold a {a.model.upper()} surrogate")
    print(f"surrogate training: {sur.seconds:.0f} s", flush=True)
    if a.model == "spm":
        def reference(c):
            return SolverForward(SPM(cell, Mesh(r_negative=40, r_positive=40)), c, _t_obs(c),
                                 method="stacked", rtol=1e-8)
        loop = SolverForward(SPM(cell, Mesh(r_negative=16, r_positive=16)), 1.0, _t_obs(1.0),
                             method="stacked")
    else:
        def reference(c):
            return SolverForward(P2D(cell, Mesh(*sur.config.mesh)), c, _t_obs(c))
        loop = SolverForward(P2D(cell, Mesh(16, 8, 16, 16, 16)), 1.0, _t_obs(1.0))
    rng = np.random.default_rng(123)
    test = np.column_stack([rng.uniform(1, 10, a.test), rng.uniform(0.5, 4, a.test)])
    out = {"model": a.model, "surrogate_train_seconds": sur.seconds, "test_rmse_mV": {},
           "walkers": a.walkers, "steps": steps, "burn": burn}
    for c in (float(x) for x in a.c_rates.split(",")):
        rmse = 1e3 * np.sqrt(np.nanmean((reference(c)(test) - sur.forward(_t_obs(c), c)(test))
                                        ** 2, axis=1))
        out["test_rmse_mV"][f"{c:g}C"] = {"mean": float(np.sqrt(np.mean(rmse ** 2))),
                                          "max": float(rmse.max()), "per_set": rmse.tolist()}
        print(f"{c:g}C: surrogate test error on {a.test} held-out pairs: RMSE "
              f"{np.sqrt(np.mean(rmse ** 2)):.2f} mV (worst set {rmse.max():.2f} mV)", flush=True)
    # the surrogate's error model at the calibrations' rate, and its coverage on the test draws
    t_obs = _t_obs(1.0)
    solver, forward = reference(1.0), sur.forward(t_obs, 1.0)
    fit = np.column_stack([rng.uniform(1, 10, 16), rng.uniform(0.5, 4, 16)])
    cov = error_covariance(forward(fit) - solver(fit))
    band = 1.959964 * np.sqrt(np.diag(cov))
    out["error_model_coverage95"] = float(np.mean(np.abs(forward(test) - solver(test)) <= band))
    print(f"error model: 95 % band covers {out['error_model_coverage95']:.3f} of the test "
          "errors", flush=True)
    prior = UniformPrior(SCALES)
    rows = []
    for k, truth in enumerate(TRUTHS):
        clean = solver(np.array([truth]))[0]
        data = clean + 3e-3 * np.random.default_rng(k).standard_normal(clean.size)
        res = {}
        for label, fwd, c in (("surrogate", forward, cov), ("solver", loop, None)):
            t0 = time.perf_counter()
            post = calibrate(fwd, prior, data, noise=3e-3, error_covariance=c,
                             walkers=a.walkers, steps=steps, burn=burn, seed=k)
            res[label] = {"seconds": time.perf_counter() - t0,
                          "mean": [post.mean(n) for n in prior.names],
                          "std": [post.std(n) for n in prior.names],
                          "ci95": [post.interval(n) for n in prior.names],
                          "rhat": post.rhat(), "ess": post.ess()}
            res[label]["truth_in_ci95"] = all(lo <= x <= hi for (lo, hi), x in
                                              zip(res[label]["ci95"], truth, strict=True))
        d = [abs(ms - mo) / so for ms, mo, so in zip(res["surrogate"]["mean"],
                                                     res["solver"]["mean"],
                                                     res["solver"]["std"], strict=True)]
        row = {"truth": truth, **res, "mean_shift_in_solver_std": d,
               "speedup": res["solver"]["seconds"] / res["surrogate"]["seconds"]}
        rows.append(row)
        print(f"truth {truth}: surrogate mean {np.round(res['surrogate']['mean'], 3)} "
              f"({res['surrogate']['seconds']:.1f} s, truth in CI "
              f"{res['surrogate']['truth_in_ci95']}); solver mean "
              f"{np.round(res['solver']['mean'], 3)} ({res['solver']['seconds']:.1f} s, truth "
              f"in CI {res['solver']['truth_in_ci95']}); shift {np.round(d, 2)} σ; speed-up "
              f"{row['speedup']:.0f}×", flush=True)
    out["calibrations"] = rows
    if a.out:
        write_json(out, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
