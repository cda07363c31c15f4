"""FE assembly and time stepping against scikit-fem and a plain scipy.sparse leapfrog.

Agreement: P1 (and Q1) mass and stiffness matrices assembled by `solvers.fem.assemble` and by
scikit-fem (`asm(laplace, ·)`, `asm(mass, ·)` on `Basis(MeshTri(p, t), ElementTriP1())`) on the
same meshes (structured, and with randomly displaced interior nodes): max entry difference
relative to the largest entry.

Assembly speed: both matrices on a ~10⁶-element P1 mesh of the unit square, ours (numba
element kernels + CSR pattern + scatter, after JIT warm-up, on a fresh mesh so the pattern is
rebuilt) against scikit-fem (Basis + two asm calls), best of ``--repeat``; ratio ours /
scikit-fem.

Time stepping: leapfrog with lumped mass on a P1 mesh of ``--step-n``² squares, our fused
numba step (as `solve_wave` runs it) against the textbook scipy.sparse update
u⁺ = 2u − u⁻ + dt² (F − K u)/m on the same matrices and initial state; dof-steps per second,
and the difference of the final fields.

Run time: about 1-2 minutes on 2 cores.
Command: python validation/fem_vs_skfem.py [--elements 1000000] [--step-n 512] [--steps 200]
         [--repeat 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from sciml.io import write_json
from solvers.fem import Mesh, assemble, rectangle_mesh
from solvers.fem import _kernels as kern


def _skfem(mesh: Mesh):
    import skfem
    from skfem.models.poisson import laplace, mass

    if mesh.element == "p1":
        m, e = skfem.MeshTri(mesh.points.T.copy(), mesh.cells.T.copy()), skfem.ElementTriP1()
    else:
        m, e = skfem.MeshQuad(mesh.points.T.copy(), mesh.cells.T.copy()), skfem.ElementQuad1()
    basis = skfem.Basis(m, e)
    return skfem.asm(laplace, basis), skfem.asm(mass, basis)


def _perturbed(mesh: Mesh, amount: float, seed: int = 0) -> Mesh:
    rng = np.random.default_rng(seed)
    p = mesh.points.copy()
    inner = np.ones(len(p), dtype=bool)
    inner[mesh.boundary_nodes()] = False
    p[inner] += rng.uniform(-amount, amount, (inner.sum(), 2))
    return Mesh(p, mesh.cells, mesh.boundary_edges, mesh.boundary_tags, mesh.tag_names)


def agreement() -> list[dict]:
    rows = []
    for element, name, mesh in [
        ("p1", "structured 40²", rectangle_mesh(40, element="p1")),
        ("p1", "perturbed 40²", _perturbed(rectangle_mesh(40, element="p1"), 0.3 / 40)),
        ("q1", "structured 40²", rectangle_mesh(40, element="q1")),
    ]:
        K, M, _ = assemble(mesh)
        Ks, Ms = _skfem(mesh)
        row = {"element": element, "mesh": name, "n_cells": mesh.n_cells,
               "stiffness_rel_diff": float(abs(K - Ks).max() / abs(Ks).max()),
               "mass_rel_diff": float(abs(M - Ms).max() / abs(Ms).max())}
        rows.append(row)
        print(f"{element}  {name:16s}  K: {row['stiffness_rel_diff']:.2e}   "
              f"M: {row['mass_rel_diff']:.2e}", flush=True)
    return rows


def _best(fn, repeat):
    best = math.inf
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def assembly_speed(elements: int, repeat: int) -> dict:
    n = int(round(math.sqrt(elements / 2)))
    base = rectangle_mesh(n, element="p1")
    assemble(rectangle_mesh(4, element="p1"))  # JIT warm-up

    def ours():
        mesh = Mesh(base.points, base.cells, base.boundary_edges, base.boundary_tags)
        return assemble(mesh)

    t_ours, (K, M, _) = _best(ours, repeat)
    t_sk, (Ks, Ms) = _best(lambda: _skfem(base), repeat)
    row = {"n_cells": base.n_cells, "n_nodes": base.n_nodes, "ours_s": t_ours,
           "skfem_s": t_sk, "ratio": t_ours / t_sk,
           "stiffness_rel_diff": float(abs(K - Ks).max() / abs(Ks).max()),
           "mass_rel_diff": float(abs(M - Ms).max() / abs(Ms).max())}
    print(f"assembly, {base.n_cells} P1 elements (K and M): ours {t_ours:.3f} s, scikit-fem "
          f"{t_sk:.3f} s, ratio {row['ratio']:.3f}  (matrices agree to "
          f"{max(row['stiffness_rel_diff'], row['mass_rel_diff']):.1e})", flush=True)
    return row


def stepping_speed(n: int, steps: int, repeat: int) -> dict:
    mesh = rectangle_mesh(n, element="p1")
    K, _, ml = assemble(mesh)
    x, y = mesh.points.T
    u0 = np.sin(np.pi * x) * np.sin(np.pi * y)
    dt = 0.5 / n
    dt2 = dt * dt
    f = np.zeros(mesh.n_nodes)
    two_m, inv_m = 2 * ml, 1 / ml

    def ours():
        u_old, u, out = u0.copy(), u0.copy(), np.empty_like(u0)
        for _ in range(steps):
            kern.leapfrog_step(K.indptr, K.indices, K.data, u, u_old, two_m, ml, inv_m, dt2, f,
                               out)
            u_old, u, out = u, out, u_old
        return u

    def scipy_leapfrog():
        u_old, u = u0.copy(), u0.copy()
        for _ in range(steps):
            u_old, u = u, 2 * u - u_old + dt2 * (f - K @ u) * inv_m
        return u

    ours()  # JIT warm-up
    t_ours, u_a = _best(ours, repeat)
    t_sp, u_b = _best(scipy_leapfrog, repeat)
    work = mesh.n_nodes * steps
    row = {"n_nodes": mesh.n_nodes, "steps": steps,
           "ours_dof_steps_per_s": work / t_ours, "scipy_dof_steps_per_s": work / t_sp,
           "speedup": t_sp / t_ours,
           "max_abs_diff": float(np.abs(u_a - u_b).max())}
    print(f"leapfrog, {mesh.n_nodes} dofs × {steps} steps: ours {work / t_ours:.3g} dof-steps/s, "
          f"scipy.sparse {work / t_sp:.3g} dof-steps/s, ours/scipy throughput "
          f"{row['speedup']:.2f}  (fields differ by {row['max_abs_diff']:.1e})", flush=True)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elements", type=int, default=1_000_000)
    ap.add_argument("--step-n", type=int, default=512)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    out = {"agreement": agreement(),
           "assembly": assembly_speed(a.elements, a.repeat),
           "stepping": stepping_speed(a.step_n, a.steps, a.repeat)}
    if a.out:
        write_json(out, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
