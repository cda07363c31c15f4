"""FlamePINN (Case 1) against the classical solver: flame-speed and temperature errors, times.

Forward rows train `sciml.pinn.train_flame_pinn` from a given starting flame speed and compare
it with `solvers.flame.solve_simple_flame` in the same mode on the same domain (converged,
second order, 4 bisections). Acceptance: |s_L error| ≤ 0.1 %, T relative L2 ≤ 2e-3 (integral
norm), within 10 minutes of CPU wall time per run.

The inverse row observes the classical gradient-mode solution at φ = 0.46 at 10 points with
2 % multiplicative noise and infers s_L, λ and E_a with `sciml.pinn.infer_simple_flame`.
Acceptance: s_L within 1 %, E_a within 2 %, λ within 5 %, 95 % intervals covering the truth.

The Case 2 row trains `sciml.pinn.train_ch4_flame_pinn` (CH4/air, φ = 0.8, free mode on a 3 mm
domain) against `solvers.flame.solve_premixed_flame` with the same pin (acceptance: s_L within
2 %); the Case 3 row `sciml.pinn.train_counterflow_pinn` against `solve_counterflow_flame`
(acceptance: Λ within 5 %).

Run time: about 5 minutes per row on 2 cores (``--quick``: one short forward row, a minute).
Command: python validation/flame_pinn_vs_classical.py [--quick] [--rows N] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from sciml.io import write_json
from sciml.metrics import relative_l2
from sciml.pinn import (
    COUNTERFLOW_CONFIG,
    FlameObservations,
    FlamePINNConfig,
    PremixedPINNConfig,
    Schedule,
    infer_simple_flame,
    train_ch4_flame_pinn,
    train_counterflow_pinn,
    train_flame_pinn,
)
from solvers.flame import (
    CounterflowParams,
    PremixedFlameParams,
    SimpleFlameParams,
    solve_counterflow_flame,
    solve_premixed_flame,
    solve_simple_flame,
)

# (mode, φ, starting s_L [m/s]); "inverse" rows: (mode, φ, noise seed)
ROWS = [("gradient", 0.40, 0.1), ("gradient", 0.46, 0.8), ("gradient", 0.50, 0.4),
        ("inverse", 0.46, 0), ("free", 0.42, 0.1), ("gradient", 0.42, 0.1)]
QUICK = FlamePINNConfig(schedule=Schedule(adam=1500, lbfgs=300), collocation=500, adaptive=250)
TRUE_CONSTANTS = {"conductivity": 0.026, "activation_energy": 1.214172e5}


def _reference(params: SimpleFlameParams, config: FlamePINNConfig):
    if config.mode == "free":
        x_fix, T_fix = config.pin(params)
        return solve_simple_flame(params, mode="free", width=config.domain, x_fix=x_fix,
                                  T_fix=T_fix, bisections=4)
    return solve_simple_flame(params, mode="gradient", width=config.domain, bisections=4)


def compare(mode: str, phi: float, s_guess: float, config: FlamePINNConfig,
            seed: int = 0) -> dict:
    """Train one forward PINN and compare it with the classical solver; returns a table row."""
    params = SimpleFlameParams(phi=phi)
    config = replace(config, mode=mode)
    ref = _reference(params, config)
    res = train_flame_pinn(params, config=config, s_guess=s_guess, seed=seed)
    return {
        "mode": mode, "phi": phi, "s_guess_m_s": s_guess,
        "flame_speed_m_s": res.flame_speed, "classical_flame_speed_m_s": ref.flame_speed,
        "flame_speed_rel_error": res.flame_speed / ref.flame_speed - 1.0,
        "T_rel_l2": relative_l2(ref.x, res.temperature(ref.x), ref.T),
        "train_seconds": res.train_seconds,
    }


def invert(phi: float = 0.46, noise_seed: int = 0, *, n_obs: int = 10, noise: float = 0.02,
           config: FlamePINNConfig | None = None, seed: int = 0) -> dict:
    """Infer s_L, λ, E_a from synthetic observations of the classical solution; a table row."""
    config = config if config is not None else FlamePINNConfig()
    params = SimpleFlameParams(phi=phi, **TRUE_CONSTANTS)
    ref = _reference(params, config)
    obs = FlameObservations.synthetic(ref, n_obs, noise, seed=noise_seed)
    res = infer_simple_flame(obs, params, config=config, seed=seed)
    truth = {"flame_speed": ref.flame_speed, **TRUE_CONSTANTS}
    row = {"mode": "inverse", "phi": phi, "n_obs": n_obs, "noise": noise,
           "noise_seed": noise_seed, "train_seconds": res.train_seconds,
           "T_rel_l2": relative_l2(ref.x, res.temperature(ref.x), ref.T)}
    for name, value in truth.items():
        lo, hi = res.interval(name)
        est = getattr(res, name)
        row[name] = {"estimate": est, "truth": value, "rel_error": est / value - 1.0,
                     "posterior_mode": res.posterior_mode(name),
                     "interval_95": [lo, hi], "covers": bool(lo <= value <= hi)}
    return row


#: Cases 2 and 3: (case, φ), trained with the library's default configurations
PREMIXED_ROWS = [("ch4", 0.8), ("counterflow", 0.8)]
PREMIXED_CONFIG = {"ch4": PremixedPINNConfig(), "counterflow": COUNTERFLOW_CONFIG}


def compare_premixed(case: str, phi: float, config: PremixedPINNConfig | None = None,
                     seed: int = 0) -> dict:
    """Train a Case 2 (``"ch4"``) or Case 3 (``"counterflow"``) PINN and compare its eigenvalue
    and temperature with the classical solver on the same domain; returns a table row."""
    config = PREMIXED_CONFIG[case] if config is None else config
    flame = PremixedFlameParams(phi=phi)
    if case == "counterflow":
        params = CounterflowParams(flame=flame)
        res = train_counterflow_pinn(params, config=config, seed=seed)
        ref = solve_counterflow_flame(params)
        eig = ref.strain_eigenvalue
    else:
        res = train_ch4_flame_pinn(flame, config=config, seed=seed)
        x_fix, T_fix = res.pin
        ref = solve_premixed_flame(flame, width=res.width, x_fix=x_fix, T_fix=T_fix)
        eig = ref.flame_speed
    fields = res.fields(ref.x)
    return {
        "mode": case, "phi": phi, "eigenvalue": res.eigenvalue, "classical_eigenvalue": eig,
        "eigenvalue_rel_error": res.eigenvalue / eig - 1.0,
        "T_rel_l2": relative_l2(ref.x, fields["T"], ref.T),
        "Y_sum_max_deviation": float(abs(fields["Y"].sum(axis=0) - 1.0).max()),
        "Y_min": float(fields["Y"].min()),
        "train_seconds": res.train_seconds,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one short forward row")
    ap.add_argument("--rows", type=int, default=len(ROWS), help="run the first N Case 1 rows")
    ap.add_argument("--premixed", type=int, default=len(PREMIXED_ROWS),
                    help="run the first N Case 2/3 rows (default all)")
    ap.add_argument("--out", type=Path,
                    default=Path("results") / "validation" / "flame_pinn_vs_classical.json")
    args = ap.parse_args(argv)
    if args.quick:
        rows = [compare("gradient", 0.42, 0.4, QUICK)]
    else:
        rows = [invert(phi, s0) if m == "inverse" else compare(m, phi, s0, FlamePINNConfig())
                for m, phi, s0 in ROWS[:args.rows]]
        rows += [compare_premixed(case, phi) for case, phi in PREMIXED_ROWS[:args.premixed]]
    forward = [r for r in rows if r["mode"] in ("gradient", "free")]
    print(f"{'mode':<9} {'phi':>5} {'s start':>8} {'s_L PINN':>10} {'s_L classical':>13} "
          f"{'rel err':>10} {'T rel L2':>9} {'train [s]':>9}")
    for r in forward:
        print(f"{r['mode']:<9} {r['phi']:>5.2f} {r['s_guess_m_s']:>8.2f} "
              f"{r['flame_speed_m_s']:>10.6f} {r['classical_flame_speed_m_s']:>13.6f} "
              f"{r['flame_speed_rel_error']:>10.2e} {r['T_rel_l2']:>9.2e} "
              f"{r['train_seconds']:>9.1f}")
    premixed = [r for r in rows if r["mode"] in ("ch4", "counterflow")]
    if premixed:
        print(f"\n{'case':<12} {'phi':>5} {'eigenvalue':>13} {'classical':>13} {'rel err':>10} "
              f"{'T rel L2':>9} {'|ΣY-1|':>8} {'min Y':>9} {'train [s]':>9}")
    for r in premixed:
        print(f"{r['mode']:<12} {r['phi']:>5.2f} {r['eigenvalue']:>13.6g} "
              f"{r['classical_eigenvalue']:>13.6g} {r['eigenvalue_rel_error']:>10.2e} "
              f"{r['T_rel_l2']:>9.2e} {r['Y_sum_max_deviation']:>8.1e} {r['Y_min']:>9.1e} "
              f"{r['train_seconds']:>9.1f}")
    for r in (r for r in rows if r["mode"] == "inverse"):
        print(f"\ninverse, phi = {r['phi']}, {r['n_obs']} observations of T and u, "
              f"{100 * r['noise']:g} % noise (seed {r['noise_seed']}), "
              f"{r['train_seconds']:.0f} s, T rel L2 {r['T_rel_l2']:.1e}")
        print(f"{'quantity':<18} {'PINN':>12} {'truth':>12} {'rel err':>9} {'mode':>12} "
              f"{'95 % interval':>27} {'covers':>6}")
        for name in ("flame_speed", "conductivity", "activation_energy"):
            q = r[name]
            lo, hi = q["interval_95"]
            print(f"{name:<18} {q['estimate']:>12.6g} {q['truth']:>12.6g} "
                  f"{q['rel_error']:>9.2e} {q['posterior_mode']:>12.6g} "
                  f"{f'[{lo:.6g}, {hi:.6g}]':>27} {q['covers']!s:>6}")
    write_json({"quick": args.quick, "rows": rows}, args.out)
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
