"""2D scalar wave equation u_tt = ∇·(c² ∇u) + f by finite elements (P1 triangles or Q1
quadrilaterals), leapfrog with lumped mass or Newmark average acceleration.

Problems:
- ``standing-mode``: the unit square with u = 0 on the boundary, u(0) = sin(mπx) sin(nπy),
  u_t(0) = 0; exact u = sin(mπx) sin(nπy) cos(π√(m²+n²) t). Default: one period. The summary
  gives the max nodal error at t_end (``max_error``) and over every step (``max_error_all_steps``).
- ``ricker``: a Ricker point source of peak frequency ``--frequency`` at the centre, c = 1,
  first-order absorbing boundaries; the trace at a receiver is compared with the free-space
  Green's function until the first boundary reflection can arrive (``receiver_rel_l2``).

``--mesh FILE`` reads any 2D mesh meshio reads (Gmsh .msh with physical groups, XDMF, VTU);
``--boundary TAG=dirichlet|neumann|absorbing`` (repeatable) overrides the problem's boundary
on the edges with that tag. Outputs: XDMF time series (ParaView), fields.nc, a PNG snapshot.

Run time: a few seconds (after ~10 s of one-off JIT compilation); ``--quick`` caps n at 16
(standing-mode) or 48 (ricker).
Command: python cases/wave_fe_2d.py [--element p1|q1] [--n N] [--scheme leapfrog|newmark]
         [--problem standing-mode|ricker] [--mode-m M] [--mode-n N] [--t-end T] [--cfl C]
         [--dt DT] [--frequency F] [--boundary TAG=KIND ...] [--mesh FILE] [--quick] [--out DIR]
"""

from __future__ import annotations

import math
import sys

import numpy as np
from matplotlib.figure import Figure
from matplotlib.tri import Triangulation

from sciml.case import UserInputError, case_parser, number, run_case
from sciml.io import read_mesh, save_figure, write_dataset, write_mesh_series
from solvers.fem import (
    Absorbing,
    Dirichlet,
    Neumann,
    Ricker,
    WaveProblem,
    interpolation_matrix,
    mesh_from_meshio,
    ricker_green,
    solve_wave,
    standing_mode,
    unit_square_mesh,
)

BOUNDARY_KINDS = {"dirichlet": Dirichlet, "neumann": Neumann, "absorbing": Absorbing}


def build_parser():
    p = case_parser("wave_fe_2d", __doc__)
    p.add_argument("--element", choices=("p1", "q1"), default="p1",
                   help="P1 triangles or Q1 quadrilaterals (default p1)")
    p.add_argument("--n", type=number(2, 4096, lo_open=False, integer=True), default=32,
                   help="squares per side of the unit-square mesh, h = 1/n (default 32)")
    p.add_argument("--scheme", choices=("leapfrog", "newmark"), default="leapfrog",
                   help="time integrator (default leapfrog)")
    p.add_argument("--problem", choices=("standing-mode", "ricker"), default="standing-mode")
    p.add_argument("--mode-m", type=number(1, 64, lo_open=False, integer=True), default=1)
    p.add_argument("--mode-n", type=number(1, 64, lo_open=False, integer=True), default=1)
    p.add_argument("--t-end", type=number(0.0), default=None,
                   help="end time [s] (default one period / 1 s for ricker)")
    p.add_argument("--cfl", type=number(0.0, 1.0), default=0.9,
                   help="time step as a fraction of the leapfrog stability limit (default 0.9)")
    p.add_argument("--dt", type=number(0.0), default=None,
                   help="time step [s] instead of --cfl (leapfrog: at most the stability limit)")
    p.add_argument("--frequency", type=number(0.0, 1e4), default=4.0,
                   help="Ricker peak frequency [Hz] (default 4)")
    p.add_argument("--boundary", action="append", default=[], metavar="TAG=KIND",
                   help="boundary condition on a tagged part: dirichlet, neumann or absorbing")
    p.add_argument("--mesh", default=None, help="mesh file read by meshio instead of --n")
    p.add_argument("--frames", type=number(2, 10000, lo_open=False, integer=True), default=41,
                   help="frames written to the XDMF series (default 41)")
    return p


def _boundary(items, default):
    if not items:
        return default
    spec = {}
    for item in items:
        tag, sep, kind = item.partition("=")
        if not sep or kind not in BOUNDARY_KINDS:
            raise UserInputError(f"argument --boundary: {item!r} is not TAG=KIND with KIND one "
                                 f"of {', '.join(BOUNDARY_KINDS)}")
        spec[int(tag) if tag.isdigit() else tag] = BOUNDARY_KINDS[kind]()
    return spec


def main(args, run):
    # Parameters
    standing = args.problem == "standing-mode"
    n = min(args.n, 16 if standing else 48) if args.quick else args.n
    m_, n_ = args.mode_m, args.mode_n
    if args.mesh is not None:
        try:
            m = read_mesh(args.mesh)
        except Exception as exc:  # meshio raises many kinds
            raise UserInputError(f"argument --mesh: cannot read {args.mesh!r}: {exc}") from None
        try:
            mesh = mesh_from_meshio(m)
        except ValueError as exc:  # inverted or degenerate elements, unsupported cells
            raise UserInputError(f"argument --mesh: {exc}") from None
        if mesh.element != args.element:
            raise UserInputError(f"argument --element: {args.element} but --mesh has "
                                 f"{mesh.cell_type} cells; use --element {mesh.element}")
    else:
        mesh = unit_square_mesh(n, args.element)
    lo, hi = mesh.points.min(axis=0), mesh.points.max(axis=0)
    if standing and not (np.allclose(lo, 0.0) and np.allclose(hi, 1.0)):
        raise UserInputError("argument --mesh: the standing-mode problem needs the unit square")
    period = 2.0 / math.hypot(m_, n_)
    t_end = args.t_end if args.t_end is not None else (period if standing else 1.0)

    # Problem
    try:
        if standing:
            problem = WaveProblem(
                mesh, boundary=_boundary(args.boundary, Dirichlet(0.0)),
                u0=lambda x, y: standing_mode(x, y, 0.0, m_, n_))
        else:
            source = Ricker(tuple(0.5 * (lo + hi)), args.frequency)
            problem = WaveProblem(mesh, boundary=_boundary(args.boundary, Absorbing()),
                                  sources=[source])
    except ValueError as exc:  # the only user input checked here is the boundary spec
        raise UserInputError(f"argument --boundary: {exc}") from None
    x, y = mesh.points.T
    worst = [0.0]
    trace = []
    if standing:
        def observe(t, u):
            worst[0] = max(worst[0], float(np.abs(u - standing_mode(x, y, t, m_, n_)).max()))
    else:
        receiver = source.position[0] + 0.25 * (hi[0] - lo[0]), source.position[1]
        R = interpolation_matrix(mesh, [receiver])

        def observe(t, u):
            trace.append((t, float((R @ u)[0])))

    # Solve
    with run.progress(total=None, desc="steps", unit="step") as bar, \
            run.user_input({"dt": "--dt", "t_end": "--t-end"}):
        sol = solve_wave(problem, t_end, scheme=args.scheme, dt=args.dt, cfl=args.cfl,
                         n_frames=args.frames, progress=bar.update, observer=observe)

    # Analysis
    summary = {"problem": args.problem, "element": args.element, "scheme": args.scheme,
               "dofs": mesh.n_nodes, "cells": mesh.n_cells, "h": mesh.h(), "steps": sol.steps,
               "dt": sol.dt, "dt_max_leapfrog": sol.dt_max, "t_end": t_end,
               "solve_seconds": sol.seconds,
               "energy_initial": float(sol.energy[0]), "energy_final": float(sol.energy[-1])}
    if standing:
        exact = standing_mode(x, y, t_end, m_, n_)
        summary.update(mode=[m_, n_], max_error=float(np.abs(sol.u[-1] - exact).max()),
                       max_error_all_steps=worst[0])
    else:
        t_tr = np.array([a for a, _ in trace])
        u_tr = np.array([b for _, b in trace])
        # Reflections cannot reach the receiver before d(source, ∂Ω) + d(receiver, ∂Ω).
        wall = min(source.position[0] - lo[0], hi[0] - source.position[0],
                   source.position[1] - lo[1], hi[1] - source.position[1])
        wall_r = min(receiver[0] - lo[0], hi[0] - receiver[0], receiver[1] - lo[1],
                     hi[1] - receiver[1])
        clean = t_tr <= wall + wall_r
        ref = np.array([ricker_green(source, [receiver], t)[0] for t in t_tr[clean]])
        summary.update(frequency_Hz=args.frequency, receiver=list(receiver),
                       receiver_window_s=float(wall + wall_r),
                       receiver_rel_l2=float(np.linalg.norm(u_tr[clean] - ref)
                                             / np.linalg.norm(ref)))

    # Output
    write_mesh_series(run.path("wave.xdmf"), mesh.points, mesh.to_meshio_cells(), sol.times,
                      {"u": sol.u})
    write_dataset(sol.to_xarray(), run.path("fields.nc"))
    fig = _figure(sol, mesh, summary, trace if not standing else None,
                  None if standing else (t_tr[clean], ref))
    save_figure(fig, run.path("snapshot.png"))
    run.write_summary(summary)
    err = (f"max error {summary['max_error']:.3e} at t_end, {worst[0]:.3e} over all steps"
           if standing else
           f"receiver rel. L2 vs Green's function {summary['receiver_rel_l2']:.3e}")
    print(f"{args.problem}, {args.element} {args.scheme}: {mesh.n_nodes} dofs, {sol.steps} steps "
          f"of {sol.dt:.3g} s; {err}; outputs in {run.out}")


def _figure(sol, mesh, summary, trace, ref):
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots(1, 2)
    cells = mesh.cells if mesh.element == "p1" else np.concatenate(
        [mesh.cells[:, [0, 1, 2]], mesh.cells[:, [0, 2, 3]]])
    tri = Triangulation(mesh.points[:, 0], mesh.points[:, 1], cells)
    k = len(sol.times) // 2 if trace is not None else len(sol.times) - 1
    im = ax[0].tripcolor(tri, sol.u[k], shading="gouraud", cmap="RdBu_r")
    fig.colorbar(im, ax=ax[0])
    ax[0].set_aspect("equal")
    ax[0].set_title(f"u at t = {sol.times[k]:.3g} s ({summary['element']}, {summary['scheme']})")
    if trace is None:
        ax[1].plot(sol.times, sol.energy / sol.energy[0])
        ax[1].set_ylabel("discrete energy / initial")
        ax[1].set_title(f"max error {summary['max_error']:.2e} after {summary['steps']} steps")
    else:
        ax[1].plot([a for a, _ in trace], [b for _, b in trace], label="FE")
        ax[1].plot(*ref, "--", label="free-space Green's function")
        ax[1].set_ylabel("u at the receiver")
        ax[1].legend(fontsize="small")
    ax[1].set_xlabel("t [s]")
    ax[1].grid(alpha=0.3)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
