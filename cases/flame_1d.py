"""1D laminar premixed flames: flame speed or strain eigenvalue, and flame structure.

Physics (see `solvers.flame`): steady conservation equations on a non-uniform grid, refined
adaptively and then bisected uniformly, solved by damped Newton with pseudo-transient
continuation. The eigenvalue on the last three grids gives the observed convergence order and a
Richardson error estimate.

- ``simple``: Case 1 of FlamePINN-1D, one-step chemistry with constant properties; only the
  energy equation is solved and the flame speed s_L is its eigenvalue. ``--mode free`` pins the
  flame with an interior temperature (as Cantera does), ``--mode gradient`` with T'(0) = 1e5 K/m
  (as FlamePINN-1D does).
- ``ch4``: freely propagating CH4/air flame, one-step 1S_CH4_MP1 chemistry, NASA7 thermodynamics
  and mixture-averaged transport (Cantera's data, this project's solver).
- ``counterflow``: the same mixture issued against an opposed N2 jet (1 kg/m²/s each, 20 mm);
  the eigenvalue is the radial pressure curvature Λ.

Run time: ~1 s (simple), ~2 s (ch4), ~15 s (counterflow); ``--quick`` under 10 s.
Command: python cases/flame_1d.py [--case simple|ch4|counterflow] [--mode free|gradient]
         [--phi F] [--T-in K] [--pressure-atm P] [--quick] [--out DIR]
"""

from __future__ import annotations

import sys

from sciml.case import CaseFailure, UserInputError, case_parser, number, run_case
from sciml.io import save_figure, write_dataset
from sciml.plot import profile_figure
from solvers.flame import (
    ONE_ATM,
    CounterflowParams,
    FlameError,
    PremixedFlameParams,
    SimpleFlameParams,
    reaction_rate,
    solve_counterflow_flame,
    solve_premixed_flame,
    solve_simple_flame,
)

DEFAULTS = {"simple": (0.42, 298.0), "ch4": (1.0, 300.0), "counterflow": (1.0, 300.0)}


def build_parser():
    p = case_parser("flame_1d", __doc__)
    p.add_argument("--case", choices=tuple(DEFAULTS), default="simple",
                   help="which flame (default simple)")
    p.add_argument("--mode", choices=("free", "gradient"), default="free",
                   help="how the simple flame is pinned (default free)")
    # Ranges of φ and T_in are checked by the parameter classes (one source of truth).
    p.add_argument("--phi", type=number(), default=None,
                   help="equivalence ratio (default 0.42 for simple, 1.0 otherwise)")
    p.add_argument("--T-in", type=number(), default=None,
                   help="unburnt temperature [K] (default 298 for simple, 300 otherwise)")
    p.add_argument("--pressure-atm", type=number(0.0, 100.0), default=1.0,
                   help="pressure [atm] (default 1)")
    return p


def main(args, run):
    # Parameters
    if args.mode == "gradient" and args.case != "simple":
        raise UserInputError(f"argument --mode: gradient applies to --case simple only, "
                             f"not --case {args.case}")
    phi, T_in = (v if v is not None else d
                 for v, d in zip((args.phi, args.T_in), DEFAULTS[args.case], strict=True))
    flags = {"phi": "--phi", "T_in": "--T-in"}
    with run.user_input(flags):
        if args.case == "simple":
            params = SimpleFlameParams(phi=phi, T_in=T_in, pressure=args.pressure_atm * ONE_ATM)
        else:
            params = PremixedFlameParams(phi=phi, T_in=T_in,
                                         pressure=args.pressure_atm * ONE_ATM)
    bisections = {"simple": (3, 5), "ch4": (2, 3), "counterflow": (2, 3)}[args.case]
    bisections = bisections[0] if args.quick else bisections[1]

    # Problem
    if args.case == "simple":
        def solve(progress):
            return solve_simple_flame(params, mode=args.mode, bisections=bisections,
                                      progress=progress)
    elif args.case == "ch4":
        def solve(progress):
            return solve_premixed_flame(params, bisections=bisections, progress=progress)
    else:
        def solve(progress):
            return solve_counterflow_flame(CounterflowParams(flame=params),
                                           bisections=bisections, progress=progress)

    # Solve
    with run.progress(desc=f"{args.case} flame", unit="grid") as bar:
        def report(points, eigenvalue):
            bar.set_postfix(points=points, eigenvalue=f"{eigenvalue:.6g}")
            bar.update()

        try:
            sol = solve(report)
        except FlameError as exc:
            raise CaseFailure(str(exc)) from None

    # Analysis
    ds = sol.to_xarray()
    summary = {
        "flame_case": args.case,
        "T_max_K": sol.T_max,
        "grid_points": sol.grid_points,
        "newton_iterations": sol.newton_iterations,
        "observed_order": sol.attrs["observed_order"],
        "phi": phi,
        "T_in_K": T_in,
        "pressure_Pa": params.pressure,
    }
    if args.case == "counterflow":
        summary["strain_eigenvalue_Pa_m2"] = sol.strain_eigenvalue
        summary["strain_eigenvalue_error_estimate_Pa_m2"] = sol.attrs[
            "strain_eigenvalue_error_estimate_Pa_m2"]
        headline = f"Λ = {sol.strain_eigenvalue:.2f} Pa/m²"
    else:
        summary["flame_speed_m_s"] = sol.flame_speed
        summary["flame_speed_error_estimate_m_s"] = sol.attrs["flame_speed_error_estimate_m_s"]
        headline = f"s_L = {sol.flame_speed:.6f} m/s"
    if args.case == "simple":
        summary["mode"] = args.mode
        summary["T_adiabatic_K"] = params.T_ad
        ds["omega"] = ("x_m", reaction_rate(sol.T, params),
                       {"units": "kg/m^3/s", "long_name": "fuel consumption rate"})
        panels = [["T"], ["Y_F", "Y_P"], ["omega"]]
    else:
        panels = [["T"], ["Y_CH4", "Y_O2", "Y_CO2", "Y_H2O"], ["u"]]
        if args.case == "counterflow":
            panels.append(["V"])

    # Output
    write_dataset(ds, run.path("fields.nc"))
    fig = profile_figure(ds, panels, title=f"{args.case} flame: φ={phi:g}, T_in={T_in:g} K, "
                                           f"{headline}")
    save_figure(fig, run.path("flame_structure.png"))
    run.write_summary(summary)
    print(f"{args.case}: {headline} ({sol.grid_points} points, observed order "
          f"{summary['observed_order']:.2f}); outputs in {run.out}")


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
