"""SPM and P2D (DFN) against PyBaMM: accuracy of the discharge curves, and speed.

Accuracy: a constant-current discharge of the Chen2020 cell at each C-rate, solved by this
project and by PyBaMM (`pybamm.lithium_ion.SPM()` / `DFN()`, IDAKLU at rtol 1e-8 / atol 1e-10)
on the same refined finite-volume mesh (``--points`` cells per domain and per particle). The
table gives max |ΔV| up to 98 % of PyBaMM's time to the 2.5 V cut-off, the relative difference
of that time, and the largest relative differences of the x-averaged particle surface
concentrations and of the electrolyte concentration on PyBaMM's nodes.

Performance (solve only, after warm-up, both codes on PyBaMM's default mesh of 20 cells per
domain and particle at rtol = atol = 1e-6, whose accuracy is printed against a tight solve):
a single 1C DFN discharge, best of ``--repeat``; and a batch of ``--batch`` parameter sets
(s_Ds,p ∈ [1, 10] × s_i0,n ∈ [0.5, 4]) solved by PyBaMM one by one (input parameters, built
once) and by `simulate_batch`. Ratios are ours / PyBaMM.

Run time: about 2-4 minutes on 2 cores.
Command: python validation/battery_vs_pybamm.py [--points 40] [--batch 64] [--repeat 5]
         [--skip-accuracy] [--skip-performance] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from sciml.io import write_json
from solvers.battery import CC, P2D, SPM, Mesh, chen2020, discharge, simulate_batch
from solvers.battery._reference import pybamm_discharge, pybamm_scaled_discharges

C_RATES = (0.5, 1.0, 2.0)


def _model(kind: str, n: int, params=None):
    params = params or chen2020()
    if kind == "spm":
        return SPM(params, Mesh(r_negative=n, r_positive=n))
    return P2D(params, Mesh(n, n, n, n, n))


def compare(kind: str, c_rate: float, n: int) -> dict:
    """One accuracy row: ours and PyBaMM on the same mesh of `n` cells per domain/particle."""
    ref = pybamm_discharge("spm" if kind == "spm" else "dfn", c_rate, var_pts=n,
                           n_eval=2001, repeats=1)
    t_cut = ref.cutoff_time_s
    keep = ref.time_s <= 0.98 * t_cut
    t = ref.time_s[keep]
    run = discharge(_model(kind, n), c_rate, rtol=1e-8, atol=1e-8, t_eval=t[1:])
    # samples of ours at the reference's times (the first is the consistent state at t = 0)
    idx = np.searchsorted(run.time_s, t)
    idx[0] = 0
    assert np.allclose(run.time_s[idx], t)

    def rel(ours, theirs):
        return float(np.max(np.abs(ours - theirs) / np.abs(theirs)))

    row = {
        "model": kind, "c_rate": c_rate, "points": n,
        "max_abs_dV_mV": 1e3 * float(np.max(np.abs(run.voltage_V[idx] - ref.voltage_V[keep]))),
        "cutoff_time_s": float(run.time_s[-1]), "pybamm_cutoff_time_s": t_cut,
        "cutoff_rel_diff": float(run.time_s[-1] / t_cut - 1.0),
        "neg_surface_rel_diff": rel(run.negative_surface_concentration[idx],
                                    ref.negative_surface_concentration[keep]),
        "pos_surface_rel_diff": rel(run.positive_surface_concentration[idx],
                                    ref.positive_surface_concentration[keep]),
        "termination": run.termination,
    }
    if kind == "p2d":
        ce = np.array([np.interp(ref.x_m, run.x_m, c)
                       for c in run.electrolyte_concentration[idx]])
        row["electrolyte_rel_diff"] = rel(ce, ref.electrolyte_concentration[keep])
    return row


def accuracy(n: int) -> list[dict]:
    rows = []
    for kind in ("spm", "p2d"):
        for c in C_RATES:
            row = compare(kind, c, n)
            rows.append(row)
            print(f"{kind:4s} {c:4.1f}C  max|dV| {row['max_abs_dV_mV']:7.4f} mV  "
                  f"t_cut {row['cutoff_time_s']:9.2f} s vs {row['pybamm_cutoff_time_s']:9.2f} s "
                  f"({100 * row['cutoff_rel_diff']:+.4f} %)  c_s,surf n/p "
                  f"{100 * row['neg_surface_rel_diff']:.4f} / "
                  f"{100 * row['pos_surface_rel_diff']:.4f} %"
                  + (f"  c_e {100 * row['electrolyte_rel_diff']:.4f} %" if kind == "p2d"
                     else ""), flush=True)
    return rows


def _best(fn, repeat):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def single(repeat: int) -> dict:
    """Solve-only time of one 1C DFN discharge, ours vs PyBaMM's IDAKLU, matched settings."""
    n = 20
    ref = pybamm_discharge("dfn", 1.0, var_pts=n, rtol=1e-6, atol=1e-6, repeats=repeat,
                           n_eval=2001)
    tight = pybamm_discharge("dfn", 1.0, var_pts=n, rtol=1e-10, atol=1e-10, repeats=1,
                             n_eval=2001)
    model = _model("p2d", n)
    discharge(model, 1.0)  # compile and build the Jacobian structure
    ours = _best(lambda: discharge(model, 1.0), repeat)
    # time-integration error of each code: against its own solve at rtol = atol = 1e-10
    keep = tight.time_s <= 0.98 * tight.cutoff_time_s
    t = tight.time_s[keep]
    run = discharge(model, 1.0, t_eval=t[1:])
    own = discharge(model, 1.0, rtol=1e-10, atol=1e-10, t_eval=t[1:])
    err_ours = np.max(np.abs(run.voltage_V[:t.size] - own.voltage_V[:t.size]))
    err_ref = np.max(np.abs(np.interp(t, ref.time_s, ref.voltage_V) - tight.voltage_V[keep]))
    row = {"ours_s": ours, "pybamm_s": ref.solve_seconds, "ratio": ours / ref.solve_seconds,
           "ours_err_vs_tight_mV": 1e3 * err_ours, "pybamm_err_vs_tight_mV": 1e3 * err_ref,
           "steps": discharge(model, 1.0).solver_steps}
    print(f"single 1C DFN (20 cells/domain, rtol 1e-6): ours {1e3 * ours:.1f} ms, "
          f"PyBaMM IDAKLU {1e3 * ref.solve_seconds:.1f} ms, ratio {row['ratio']:.2f}; "
          f"max|dV| vs own tight solve: ours {row['ours_err_vs_tight_mV']:.3f} mV, "
          f"PyBaMM {row['pybamm_err_vs_tight_mV']:.3f} mV", flush=True)
    return row


def batch(size: int) -> dict:
    """Per-discharge time of `size` DFN discharges: PyBaMM one by one vs `simulate_batch`."""
    rng = np.random.default_rng(0)
    scales = list(zip(rng.uniform(1, 10, size), rng.uniform(0.5, 4, size), strict=True))
    t_eval = np.linspace(0, 3000, 61)
    v_ref, ref_s = pybamm_scaled_discharges("dfn", 1.0, scales, var_pts=20, t_eval=t_eval)
    q = chen2020()
    sets = [q.scaled(positive_diffusivity=a, negative_exchange_current=b) for a, b in scales]
    model = _model("p2d", 20)
    experiment = [CC(c_rate=1.0, duration=1.3 * 3600)]
    simulate_batch(model, sets[:4], experiment)  # start and warm the worker processes
    t0 = time.perf_counter()
    runs = simulate_batch(model, sets, experiment, t_eval=t_eval)
    ours_s = time.perf_counter() - t0
    dv = max(np.nanmax(np.abs(np.interp(t_eval, r.time_s, r.voltage_V) - v))
             for r, v in zip(runs, v_ref, strict=True))
    row = {"size": size, "ours_per_discharge_s": ours_s / size,
           "pybamm_per_discharge_s": ref_s / size, "ratio": ours_s / ref_s,
           "max_abs_dV_mV": 1e3 * float(dv)}
    print(f"batch of {size} DFN 1C discharges: ours {1e3 * row['ours_per_discharge_s']:.1f} "
          f"ms/discharge, PyBaMM one by one {1e3 * row['pybamm_per_discharge_s']:.1f} "
          f"ms/discharge, ratio {row['ratio']:.2f}; max|dV| between them "
          f"{row['max_abs_dV_mV']:.2f} mV", flush=True)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=40)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--skip-performance", action="store_true")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    out = {}
    if not a.skip_accuracy:
        out["accuracy"] = accuracy(a.points)
    if not a.skip_performance:
        out["single"] = single(a.repeat)
        out["batch"] = batch(a.batch)
    if a.out:
        write_json(out, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
