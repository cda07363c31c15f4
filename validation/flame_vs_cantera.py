"""Flame solvers against Cantera: agreement of eigenvalues and temperature fields, and speed.

Accuracy: each case is solved by this project (second-order central differences, bisected grids)
and by Cantera (first-order upwind, Richardson-extrapolated over nested grids, see
`solvers.flame.cantera_free_flame`); the table gives the relative difference of the eigenvalue
(s_L or Λ) and the relative L2 difference of the temperature profiles after aligning the flames.

Performance: for Cases 1 and 2 each code is run from scratch at increasing resolution until its
flame speed is within ``--tol`` of the extrapolated Cantera value; the cheapest such run of each
is timed (best of ``--repeat``) and the ratio ours / Cantera is printed.

Run time: about 1-2 minutes on 2 cores.
Command: python validation/flame_vs_cantera.py [--tol 1e-3] [--repeat 3] [--skip-accuracy]
         [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sciml.io import write_json
from solvers.flame import (
    ONE_ATM,
    CounterflowParams,
    PremixedFlameParams,
    SimpleFlameParams,
    aligned_temperature_difference,
    cantera_counterflow,
    cantera_free_flame,
    cantera_free_flame_at,
    case1_solution,
    solve_counterflow_flame,
    solve_premixed_flame,
    solve_simple_flame,
    unburnt_ch4_gas,
)

CASE1_POINTS = [(0.42, 298.0, 1.0), (0.40, 600.0, 1.2), (0.50, 450.0, 1.0)]
CASE2_PHIS = [0.8, 1.0]


def _ch4_gas(phi):
    return unburnt_ch4_gas(PremixedFlameParams(phi=phi))


def accuracy() -> list[dict]:
    rows = []
    for phi, T_in, p_atm in CASE1_POINTS:
        params = SimpleFlameParams(phi=phi, T_in=T_in, pressure=p_atm * ONE_ATM)
        ours = solve_simple_flame(params)
        ref = cantera_free_flame(case1_solution(params), width=0.01)
        rows.append(_row("simple (free)", f"phi={phi} T_in={T_in:g} K p={p_atm} atm",
                         ours.flame_speed, ref, ours, (-5e-4, 1e-3), 2e-3))
    for phi in CASE2_PHIS:
        ours = solve_premixed_flame(PremixedFlameParams(phi=phi))
        ref = cantera_free_flame(_ch4_gas(phi), width=0.02)
        rows.append(_row("ch4", f"phi={phi} T_in=300 K p=1 atm", ours.flame_speed, ref, ours,
                         (-1.5e-3, 3e-3), 5e-3))
    params = CounterflowParams()
    ours = solve_counterflow_flame(params)
    ref = cantera_counterflow(params)
    rows.append(_row("counterflow", "phi=1 mdot=1|1 kg/m2/s L=20 mm", ours.strain_eigenvalue,
                     ref, ours, (0.0, params.width), 5e-3, align=False))
    return rows


def _row(case, point, value, ref, ours, window, tol, align=True):
    diff = value / ref.eigenvalue - 1.0
    l2 = aligned_temperature_difference(ours.x, ours.T, ref.x, ref.T, window=window,
                                        align=align)
    return {"case": case, "point": point, "ours": value, "cantera_extrapolated": ref.eigenvalue,
            "rel_diff": diff, "T_rel_L2": l2, "tolerance": tol,
            "passed": abs(diff) <= tol and l2 <= 1e-2}


def _best_time(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def performance(tol: float, repeat: int) -> list[dict]:
    cases = [
        ("simple (free) phi=0.42", lambda: case1_solution(SimpleFlameParams()), 0.01,
         lambda k: solve_simple_flame(SimpleFlameParams(), bisections=k).flame_speed),
        ("ch4 phi=0.8", lambda: _ch4_gas(0.8), 0.02,
         lambda k: solve_premixed_flame(PremixedFlameParams(phi=0.8),
                                        bisections=k).flame_speed),
        ("ch4 phi=1.0", lambda: _ch4_gas(1.0), 0.02,
         lambda k: solve_premixed_flame(PremixedFlameParams(phi=1.0),
                                        bisections=k).flame_speed),
    ]
    rows = []
    for name, make_gas, width, ours_at in cases:
        s_ref = cantera_free_flame(make_gas(), width=width).eigenvalue
        for k in range(8):
            t_ours, s_ours = _best_time(lambda k=k, f=ours_at: f(k), repeat)
            if abs(s_ours / s_ref - 1.0) <= tol:
                break
        for slope in (0.1, 0.05, 0.02, 0.01, 0.005, 0.003, 0.002, 0.0015, 0.001, 7e-4, 5e-4,
                      3.5e-4, 2.5e-4):
            gas = make_gas()
            t_ct, (s_ct, n_ct, _) = _best_time(
                lambda gas=gas, slope=slope, width=width: cantera_free_flame_at(
                    gas, width=width, ratio=2.0, slope=slope, curve=2 * slope, tolerances=None),
                repeat)
            if abs(s_ct / s_ref - 1.0) <= tol:
                break
        matched = abs(s_ours / s_ref - 1.0) <= tol and abs(s_ct / s_ref - 1.0) <= tol
        rows.append({"case": name, "tolerance": tol, "matched": matched, "reference_m_s": s_ref,
                     "ours_m_s": s_ours, "ours_bisections": k, "ours_seconds": t_ours,
                     "cantera_m_s": s_ct, "cantera_points": n_ct, "cantera_slope": slope,
                     "cantera_seconds": t_ct, "ratio_ours_over_cantera": t_ours / t_ct})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tol", type=float, default=1e-3,
                    help="matched accuracy: relative flame-speed error (default 1e-3)")
    ap.add_argument("--repeat", type=int, default=3, help="timing repeats (default 3)")
    ap.add_argument("--out", type=Path,
                    default=Path("results") / "validation" / "flame_vs_cantera.json")
    ap.add_argument("--skip-accuracy", action="store_true", help="timings only")
    args = ap.parse_args(argv)

    acc = [] if args.skip_accuracy else accuracy()
    print(f"{'case':<15} {'operating point':<34} {'ours':>12} {'Cantera (extr.)':>15} "
          f"{'rel diff':>10} {'T rel L2':>9} {'ok':>3}")
    for r in acc:
        print(f"{r['case']:<15} {r['point']:<34} {r['ours']:>12.6g} "
              f"{r['cantera_extrapolated']:>15.6g} {r['rel_diff']:>10.2e} {r['T_rel_L2']:>9.2e} "
              f"{'yes' if r['passed'] else 'NO':>3}")
    perf = performance(args.tol, args.repeat)
    print(f"\nTime to reach |s_L / s_ref - 1| <= {args.tol:g} (best of {args.repeat}):")
    print(f"{'case':<24} {'ours [s]':>9} {'(bisections)':>12} {'Cantera [s]':>11} "
          f"{'(points)':>9} {'ours/Cantera':>12} {'matched':>8}")
    for r in perf:
        print(f"{r['case']:<24} {r['ours_seconds']:>9.3f} {r['ours_bisections']:>12d} "
              f"{r['cantera_seconds']:>11.3f} {r['cantera_points']:>9d} "
              f"{r['ratio_ours_over_cantera']:>12.3f} {'yes' if r['matched'] else 'NO':>8}")
    write_json({"accuracy": acc, "performance": perf}, args.out)
    print(f"\nwritten {args.out}")
    ok = all(r["passed"] for r in acc) and all(r["matched"] for r in perf)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
