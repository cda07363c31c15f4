"""Surrogate-driven vs solver-in-the-loop Bayesian calibration of the SPM (Chen2020, 1C).

1. The SPM PINN surrogate (`sciml.battery.train_spm_surrogate`, or ``--surrogate FILE``) is
   tested on ``--test`` held-out parameter pairs drawn uniformly over s_Ds,p ∈ [1, 10] ×
   s_i0,n ∈ [0.5, 4]: RMSE of the voltage at 100 times against the classical solver (40 shells,
   rtol 1e-8).
2. For three true pairs, synthetic data (solver + 3 mV noise) are calibrated twice with the same
   emcee settings: with the surrogate and with the classical solver in the loop. Reported: the
   posterior means and 95 % intervals, whether the truth is inside, the distance between the two
   posterior means in solver-posterior standard deviations, and the wall times and their ratio.

Run time: ~15 min on 2 cores (training ~5 min, solver-in-the-loop calibrations ~2-3 min each).
Command: python validation/calibration_speedup.py [--surrogate FILE] [--walkers 32]
         [--steps 1500] [--burn 500] [--test 20] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from sciml.battery import SCALES, SolverForward, SPMSurrogate, train_spm_surrogate
from sciml.calibration import UniformPrior, calibrate
from sciml.io import write_json
from solvers.battery import SPM, Mesh, chen2020

TRUTHS = [(3.0, 2.0), (1.5, 0.8), (7.0, 3.2)]
T_END = 0.92 * 3600.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--surrogate", default=None, help="trained surrogate file (else train)")
    ap.add_argument("--walkers", type=int, default=32)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--burn", type=int, default=500)
    ap.add_argument("--test", type=int, default=20)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    cell = chen2020()
    if a.surrogate:
        sur = SPMSurrogate.load(a.surrogate)
    else:
        sur = train_spm_surrogate(cell, 1.0, T_END)
    print(f"surrogate training: {sur.seconds:.0f} s", flush=True)
    t_obs = np.linspace(0.01, 0.92, 100) * 3600.0
    solver = SolverForward(SPM(cell, Mesh(r_negative=40, r_positive=40)), 1.0, t_obs,
                           method="stacked", rtol=1e-8)
    rng = np.random.default_rng(123)
    test = np.column_stack([rng.uniform(1, 10, a.test), rng.uniform(0.5, 4, a.test)])
    v_ref = solver(test)
    v_sur = sur.forward(t_obs)(test)
    rmse = 1e3 * np.sqrt(np.mean((v_ref - v_sur) ** 2, axis=1))
    out = {"surrogate_train_seconds": sur.seconds,
           "test_rmse_mV": {"mean": float(np.sqrt(np.mean(rmse ** 2))),
                            "max": float(rmse.max()), "per_set": rmse.tolist()}}
    print(f"surrogate test error on {a.test} held-out pairs: RMSE {out['test_rmse_mV']['mean']:.2f}"
          f" mV (worst set {rmse.max():.2f} mV)", flush=True)
    prior = UniformPrior(SCALES)
    # the calibrations' forward solver: the mesh and tolerances of the case script
    loop = SolverForward(SPM(cell, Mesh(r_negative=16, r_positive=16)), 1.0, t_obs,
                         method="stacked")
    rows = []
    for k, truth in enumerate(TRUTHS):
        clean = solver(np.array([truth]))[0]
        data = clean + 3e-3 * np.random.default_rng(k).standard_normal(clean.size)
        res = {}
        for label, fwd in (("surrogate", sur.forward(t_obs)), ("solver", loop)):
            t0 = time.perf_counter()
            post = calibrate(fwd, prior, data, noise=3e-3, walkers=a.walkers, steps=a.steps,
                             burn=a.burn, seed=k)
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
