"""Li-ion cell discharge with the single-particle model (SPM) or the P2D (Doyle–Fuller–Newman).

Physics (see `solvers.battery`): Fickian diffusion in spherical particles, Butler–Volmer
kinetics, and for the P2D concentrated-solution electrolyte transport and ohmic potentials
across negative electrode, separator and positive electrode; finite volumes in x and r, an
index-1 DAE integrated by SUNDIALS IDA (variable-order BDF). The run is a constant-current
discharge at ``--c-rate`` from the parameter set's initial state until the lower cut-off voltage
or ``--t-end``. ``--scale NAME=FACTOR`` multiplies any scalar parameter of the set (e.g.
``positive_diffusivity=3``, ``negative_exchange_current=0.5``).

Run time: ~1 s (spm) / ~3 s (p2d) after a one-off ~10 s compilation; ``--quick`` uses a coarser
mesh.
Command: python cases/battery_discharge.py [--model spm|p2d] [--c-rate R] [--params chen2020]
         [--scale NAME=VALUE ...] [--t-end S] [--quick] [--out DIR]
"""

from __future__ import annotations

import sys

import numpy as np
from matplotlib.figure import Figure

from sciml.case import CaseFailure, UserInputError, case_parser, number, run_case
from sciml.io import save_figure, write_dataset
from solvers.battery import (
    P2D,
    PARAMETER_SETS,
    SPM,
    BatterySolverError,
    Mesh,
    discharge,
    parameter_set,
)


def build_parser():
    p = case_parser("battery_discharge", __doc__)
    p.add_argument("--model", choices=("spm", "p2d"), default="spm",
                   help="single-particle model or P2D/DFN (default spm)")
    p.add_argument("--c-rate", type=number(), default=1.0,
                   help="discharge rate in C, > 0 (default 1)")
    p.add_argument("--params", choices=tuple(PARAMETER_SETS), default="chen2020",
                   help="parameter set (default chen2020)")
    p.add_argument("--scale", action="append", default=[], metavar="NAME=VALUE",
                   help="multiply parameter NAME by VALUE > 0 (repeatable)")
    p.add_argument("--kinetics", choices=("butler-volmer", "linear"), default="butler-volmer",
                   help="Butler-Volmer or linearised kinetics (default butler-volmer)")
    p.add_argument("--t-end", type=number(0.0), default=None,
                   help="end time [s] if the cut-off is not reached first (default 1.5 h/C)")
    return p


def _scales(items):
    factors = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise UserInputError(f"argument --scale: {item!r} is not NAME=VALUE")
        try:
            factors[name.strip()] = float(value)
        except ValueError:
            raise UserInputError(f"argument --scale: {value!r} is not a number") from None
    return factors


def main(args, run):
    # Parameters
    if not 0 < args.c_rate <= 20:
        raise UserInputError(f"argument --c-rate: {args.c_rate:g} is outside the valid range "
                             "(0, 20] for a discharge")
    factors = _scales(args.scale)
    with run.user_input():
        params = parameter_set(args.params).scaled(factors)
        n = 8 if args.quick else 20
        mesh = Mesh(n, max(3, n // 2), n, n, n)
        model = (SPM if args.model == "spm" else P2D)(params, mesh, kinetics=args.kinetics)

    # Problem
    def solve():
        return discharge(model, args.c_rate, t_end=args.t_end)

    # Solve
    with run.user_input():
        try:
            res = solve()
        except BatterySolverError as exc:
            raise CaseFailure(str(exc)) from None

    # Analysis
    ds = res.to_xarray()
    summary = {
        "model": args.model, "params": args.params, "c_rate": args.c_rate,
        "scales": factors, "kinetics": args.kinetics,
        "capacity_Ah": res.discharged_capacity_Ah,
        "final_voltage_V": res.final_voltage_V,
        "initial_voltage_V": float(res.voltage_V[0]),
        "end_time_s": float(res.time_s[-1]),
        "termination": res.termination,
        "solver_steps": res.solver_steps,
        "mesh": [mesh.x_negative, mesh.x_separator, mesh.x_positive, mesh.r_negative,
                 mesh.r_positive] if args.model == "p2d" else [mesh.r_negative, mesh.r_positive],
    }

    # Output
    write_dataset(ds, run.path("fields.nc"))
    save_figure(_figure(res, args, params), run.path("discharge.png"))
    run.write_summary(summary)
    print(f"{args.model} {args.c_rate:g}C ({args.params}): {res.discharged_capacity_Ah:.4f} A h "
          f"to {res.final_voltage_V:.3f} V ({res.termination}, {res.solver_steps} steps); "
          f"outputs in {run.out}")


def _figure(res, args, params):
    panels = 3 if res.electrolyte_concentration is not None else 2
    fig = Figure(figsize=(7, 2.8 * panels))
    ax = fig.subplots(panels, 1, squeeze=False)[:, 0]
    ax[0].plot(res.capacity_Ah, res.voltage_V)
    ax[0].set_xlabel("discharged capacity [A h]")
    ax[0].set_ylabel("voltage [V]")
    ax[0].set_title(f"{args.model.upper()} {args.c_rate:g}C discharge, {params.name}")
    ax[1].plot(res.time_s, res.negative_surface_concentration / params.negative_max_concentration,
               label="negative")
    ax[1].plot(res.time_s, res.positive_surface_concentration / params.positive_max_concentration,
               label="positive")
    ax[1].set_xlabel("time [s]")
    ax[1].set_ylabel("surface stoichiometry [-]")
    ax[1].legend(fontsize="small")
    if panels == 3:
        for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
            k = int(np.searchsorted(res.time_s, frac * res.time_s[-1]))
            k = min(k, res.time_s.size - 1)
            ax[2].plot(1e6 * res.x_m, res.electrolyte_concentration[k],
                       label=f"t = {res.time_s[k]:.0f} s")
        ax[2].set_xlabel("x [µm]")
        ax[2].set_ylabel("c_e [mol/m³]")
        ax[2].legend(fontsize="small")
    for a in ax:
        a.grid(alpha=0.3)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
