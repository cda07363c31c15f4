"""1D laminar premixed flames: flame speed and structure, checked for grid convergence.

Physics (see solvers.flame): steady flame-frame conservation equations on a non-uniform grid with
adaptive refinement, solved by damped Newton with pseudo-transient continuation.

- ``simple``: Case 1 of FlamePINN-1D, one-step chemistry with constant properties; only the
  energy equation is solved and the flame speed s_L is its eigenvalue. ``--mode free`` pins the
  flame with an interior temperature (as Cantera does), ``--mode gradient`` with T'(0) = 1e5 K/m
  (as FlamePINN-1D does).

The solution is refined adaptively, then bisected uniformly; the flame speed on the last three
grids gives the observed convergence order and a Richardson error estimate.

Run time: about 1 s (``--quick``: under 1 s).
Command: python cases/flame_1d.py [--case simple] [--mode free|gradient] [--phi F] [--T-in K]
         [--pressure-atm P] [--quick] [--out DIR]
"""

from __future__ import annotations

import sys

import numpy as np

from sciml.case import CaseFailure, case_parser, number, run_case
from sciml.io import save_figure, write_dataset
from sciml.plot import profile_figure
from solvers.flame import (
    FlameConvergenceError,
    SimpleFlameParams,
    reaction_rate,
    solve_simple_flame,
)

ONE_ATM = 101325.0


def build_parser():
    p = case_parser("flame_1d", __doc__)
    p.add_argument("--case", choices=("simple",), default="simple",
                   help="which flame (default simple)")
    p.add_argument("--mode", choices=("free", "gradient"), default="free",
                   help="how the freely propagating flame is pinned (default free)")
    p.add_argument("--phi", type=number(0.0, 10.0), default=0.42,
                   help="equivalence ratio (default 0.42)")
    p.add_argument("--T-in", type=number(0.0, 3000.0), default=298.0,
                   help="unburnt temperature [K] (default 298)")
    p.add_argument("--pressure-atm", type=number(0.0, 100.0), default=1.0,
                   help="pressure [atm] (default 1)")
    return p


def main(args, run):
    # Parameters
    with run.user_input({"phi": "--phi", "T_in": "--T-in", "pressure": "--pressure-atm"}):
        params = SimpleFlameParams(phi=args.phi, T_in=args.T_in,
                                   pressure=args.pressure_atm * ONE_ATM)
    bisections = 3 if args.quick else 5

    # Problem
    # Case 1: energy equation with the flame speed as eigenvalue (see module docstring).

    # Solve
    with run.progress(total=1, desc=f"{args.case} flame ({args.mode})") as bar:
        try:
            sol = solve_simple_flame(params, mode=args.mode, bisections=bisections)
        except FlameConvergenceError as exc:
            raise CaseFailure(str(exc)) from None
        bar.update()

    # Analysis
    ds = sol.to_xarray()
    dTdx = np.gradient(sol.T, sol.x)
    thickness = (sol.T.max() - sol.T[0]) / dTdx.max()
    summary = {
        "flame_speed_m_s": sol.flame_speed,
        "flame_speed_error_estimate_m_s": sol.attrs["flame_speed_error_estimate_m_s"],
        "observed_order": sol.attrs["observed_order"],
        "T_max_K": sol.T_max,
        "T_adiabatic_K": params.T_ad,
        "flame_thickness_m": float(thickness),
        "grid_points": sol.grid_points,
        "newton_iterations": sol.newton_iterations,
        "flame_case": args.case,
        "mode": args.mode,
        "phi": args.phi,
        "T_in_K": args.T_in,
        "pressure_Pa": params.pressure,
    }
    ds["omega"] = ("x_m", reaction_rate(sol.T, params),
                   {"units": "kg/m^3/s", "long_name": "fuel consumption rate"})

    # Output
    write_dataset(ds, run.path("fields.nc"))
    fig = profile_figure(
        ds, [["T"], ["Y_F", "Y_P"], ["omega"]],
        title=f"Case 1 ({args.mode} mode): φ={args.phi:g}, T_in={args.T_in:g} K, "
              f"s_L={sol.flame_speed:.5f} m/s",
    )
    save_figure(fig, run.path("flame_structure.png"))
    run.write_summary(summary)
    print(f"s_L = {sol.flame_speed:.6f} m/s ({args.mode} mode, {sol.grid_points} points, "
          f"observed order {summary['observed_order']:.2f}); outputs in {run.out}")


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
