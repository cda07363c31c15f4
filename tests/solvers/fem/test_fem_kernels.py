"""The numba FE kernels against their NumPy twins."""

import numpy as np
import pytest

from solvers.fem import Mesh, assemble, mass_matrix, rectangle_mesh, stiffness_matrix
from solvers.fem import _kernels as kern


def _distorted(element, seed=0, n=7):
    mesh = rectangle_mesh(n, n + 2, element=element, lx=2.0, ly=1.5)
    rng = np.random.default_rng(seed)
    p = mesh.points.copy()
    inner = (p[:, 0] > 0) & (p[:, 0] < 2.0) & (p[:, 1] > 0) & (p[:, 1] < 1.5)
    p[inner] += rng.uniform(-0.04, 0.04, (inner.sum(), 2))
    return Mesh(p, mesh.cells, mesh.boundary_edges, mesh.boundary_tags, mesh.tag_names), rng


@pytest.mark.parametrize("element", ["p1", "q1"])
def test_element_matrices_match_numpy_twin(element):
    mesh, rng = _distorted(element)
    k, m = rng.uniform(0.5, 2.0, mesh.n_cells), rng.uniform(0.5, 2.0, mesh.n_cells)
    if element == "p1":
        fast = kern.p1_element_matrices(mesh.points, mesh.cells, k, m)
        twin = kern.p1_element_matrices_numpy(mesh.points, mesh.cells, k, m)
    else:
        fast = kern.q1_element_matrices(mesh.points, mesh.cells, k, m, kern.Q1_N, kern.Q1_DN)
        twin = kern.q1_element_matrices_numpy(mesh.points, mesh.cells, k, m)
    for a, b in zip(fast, twin, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-13 * np.abs(b).max())


@pytest.mark.parametrize("element", ["p1", "q1"])
def test_csr_assembly_matches_scipy_coo(element):
    mesh, rng = _distorted(element, seed=1)
    vals = rng.normal(size=(mesh.n_cells, mesh.cells.shape[1] ** 2))
    indptr, indices, emap = kern.csr_pattern(mesh.cells, mesh.n_nodes)
    data = kern.scatter(emap, vals, len(indices))
    ref = kern.assemble_numpy(mesh.cells, vals, mesh.n_nodes)
    np.testing.assert_array_equal(indptr, ref.indptr)
    np.testing.assert_array_equal(indices, ref.indices)
    np.testing.assert_allclose(data, ref.data, rtol=0, atol=1e-13)
    K, M, ml = assemble(mesh, 1.0)
    K2, M2, ml2 = assemble(mesh, 1.0, backend="numpy")
    assert abs(K - K2).max() < 1e-13 * abs(K2).max()
    assert abs(M - M2).max() < 1e-15
    c = rng.uniform(1, 2, mesh.n_cells)
    K3, M3, ml3 = assemble(mesh, c, c)
    assert abs(stiffness_matrix(mesh, c) - K3).max() == 0.0
    assert abs(mass_matrix(mesh, c) - M3).max() == 0.0
    np.testing.assert_array_equal(mass_matrix(mesh, c, lumped=True), ml3)
    np.testing.assert_allclose(ml, ml2, rtol=1e-14)


def test_leapfrog_step_matches_numpy_twin():
    mesh, rng = _distorted("p1", seed=2)
    K, _, ml = assemble(mesh, rng.uniform(1, 4, mesh.n_cells))
    n = mesh.n_nodes
    u, u_old, f = rng.normal(size=(3, n))
    damping = rng.uniform(0, 1, n)
    dt = 0.01
    a, b = ml + 0.5 * dt * damping, ml - 0.5 * dt * damping
    out = np.empty(n)
    kern.leapfrog_step(K.indptr, K.indices, K.data, u, u_old, 2 * ml, b, 1 / a, dt * dt, f, out)
    twin = kern.leapfrog_step_numpy(K, u, u_old, 2 * ml, b, 1 / a, dt * dt, f)
    np.testing.assert_allclose(out, twin, rtol=1e-13, atol=1e-13 * np.abs(twin).max())
