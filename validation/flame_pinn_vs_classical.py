"""FlamePINN (Case 1) against the classical solver: flame-speed and temperature errors, times.

Each row trains `sciml.pinn.train_flame_pinn` from a given starting flame speed and compares it
with `solvers.flame.solve_simple_flame` in the same mode on the same domain (converged, second
order, 4 bisections). Acceptance for the forward problem: |s_L error| ≤ 0.1 %, T relative
L2 ≤ 2e-3, within 10 minutes of CPU wall time per run.

Run time: about 5 minutes per row on 2 cores (``--quick``: one short row, about a minute).
Command: python validation/flame_pinn_vs_classical.py [--quick] [--rows N] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from sciml.io import write_json
from sciml.pinn import FlamePINNConfig, Schedule, train_flame_pinn
from solvers.flame import SimpleFlameParams, solve_simple_flame

# (mode, φ, starting s_L [m/s])
ROWS = [("gradient", 0.42, 0.4), ("gradient", 0.42, 0.1), ("gradient", 0.46, 0.8),
        ("gradient", 0.40, 0.4), ("gradient", 0.50, 0.4), ("free", 0.42, 0.4)]
QUICK = FlamePINNConfig(schedule=Schedule(adam=1500, lbfgs=300), collocation=500, adaptive=250)


def compare(mode: str, phi: float, s_guess: float, config: FlamePINNConfig,
            seed: int = 0) -> dict:
    """Train one PINN and compare it with the classical solver; returns a table row."""
    params = SimpleFlameParams(phi=phi)
    config = replace(config, mode=mode)
    if mode == "free":
        x_fix, T_fix = config.pin(params)
        ref = solve_simple_flame(params, mode="free", width=config.domain, x_fix=x_fix,
                                 T_fix=T_fix, bisections=4)
    else:
        ref = solve_simple_flame(params, mode="gradient", width=config.domain, bisections=4)
    res = train_flame_pinn(params, config=config, s_guess=s_guess, seed=seed)
    T = res.temperature(ref.x)
    return {
        "mode": mode, "phi": phi, "s_guess_m_s": s_guess,
        "flame_speed_m_s": res.flame_speed, "classical_flame_speed_m_s": ref.flame_speed,
        "flame_speed_rel_error": res.flame_speed / ref.flame_speed - 1.0,
        "T_rel_l2": float(np.linalg.norm(T - ref.T) / np.linalg.norm(ref.T)),
        "train_seconds": res.train_seconds,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one short row")
    ap.add_argument("--rows", type=int, default=len(ROWS), help="run the first N rows")
    ap.add_argument("--out", type=Path,
                    default=Path("results") / "validation" / "flame_pinn_vs_classical.json")
    args = ap.parse_args(argv)
    rows = ([compare("gradient", 0.42, 0.4, QUICK)] if args.quick
            else [compare(m, phi, s0, FlamePINNConfig()) for m, phi, s0 in ROWS[:args.rows]])
    print(f"{'mode':<9} {'phi':>5} {'s start':>8} {'s_L PINN':>10} {'s_L classical':>13} "
          f"{'rel err':>10} {'T rel L2':>9} {'train [s]':>9}")
    for r in rows:
        print(f"{r['mode']:<9} {r['phi']:>5.2f} {r['s_guess_m_s']:>8.2f} "
              f"{r['flame_speed_m_s']:>10.6f} {r['classical_flame_speed_m_s']:>13.6f} "
              f"{r['flame_speed_rel_error']:>10.2e} {r['T_rel_l2']:>9.2e} "
              f"{r['train_seconds']:>9.1f}")
    write_json({"quick": args.quick, "rows": rows}, args.out)
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
