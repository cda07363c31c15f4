"""The numba.cuda FE kernels against their NumPy twins, on the CPU with numba's CUDA simulator
(``NUMBA_ENABLE_CUDASIM=1``, set before numba is imported, hence a fresh interpreter)."""

import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import numpy as np
    from numba import cuda
    assert cuda.is_available()
    from solvers.fem import Mesh, assemble, rectangle_mesh
    from solvers.fem import _cuda, _kernels as kern

    def distorted(element, seed, n=4):
        mesh = rectangle_mesh(n, n + 1, element=element, lx=2.0, ly=1.5)
        rng = np.random.default_rng(seed)
        p = mesh.points.copy()
        inner = (p[:, 0] > 0) & (p[:, 0] < 2.0) & (p[:, 1] > 0) & (p[:, 1] < 1.5)
        p[inner] += rng.uniform(-0.04, 0.04, (inner.sum(), 2))
        return Mesh(p, mesh.cells, mesh.boundary_edges, mesh.boundary_tags,
                    mesh.tag_names), rng

    worst = 0.0
    for element in ("p1", "q1"):
        mesh, rng = distorted(element, 0)
        k, m = rng.uniform(0.5, 2.0, (2, mesh.n_cells))
        if element == "p1":
            gpu = _cuda.p1_element_matrices_cuda(mesh.points, mesh.cells, k, m)
            twin = kern.p1_element_matrices_numpy(mesh.points, mesh.cells, k, m)
        else:
            gpu = _cuda.q1_element_matrices_cuda(mesh.points, mesh.cells, k, m,
                                                 kern.Q1_N, kern.Q1_DN)
            twin = kern.q1_element_matrices_numpy(mesh.points, mesh.cells, k, m)
        for a, b in zip(gpu, twin):
            worst = max(worst, np.abs(a - b).max() / np.abs(b).max())
        K, M, ml = assemble(mesh, k, m, backend="cuda")
        K2, M2, ml2 = assemble(mesh, k, m, backend="numpy")
        worst = max(worst, abs(K - K2).max() / abs(K2).max(), abs(M - M2).max() / abs(M2).max())

    mesh, rng = distorted("p1", 2)
    K, _, ml = assemble(mesh, rng.uniform(1, 4, mesh.n_cells), backend="numpy")
    n = mesh.n_nodes
    u, u_old, f = rng.normal(size=(3, n))
    damping = rng.uniform(0, 1, n)
    dt = 1e-3
    a, b = ml + 0.5 * dt * damping, ml - 0.5 * dt * damping
    out = _cuda.leapfrog_step_cuda(K.indptr, K.indices, K.data, u, u_old, 2 * ml, b, 1 / a,
                                   dt * dt, f).copy_to_host()
    twin = kern.leapfrog_step_numpy(K, u, u_old, 2 * ml, b, 1 / a, dt * dt, f)
    worst = max(worst, np.abs(out - twin).max() / np.abs(twin).max())
    print(f"WORST {worst:.3e}")
""")


def test_cuda_kernels_match_numpy_twins_in_the_simulator(simulated_worst):
    worst = simulated_worst(SCRIPT)
    assert worst < 1e-13, worst


def test_cuda_backend_without_a_gpu_says_so():
    from solvers._gpu import available
    from solvers.fem import assemble, rectangle_mesh

    if available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(RuntimeError, match="backend 'cuda' needs a CUDA GPU"):
        assemble(rectangle_mesh(2, 2), backend="cuda")
