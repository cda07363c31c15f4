"""Numba kernels of the FE wave solver, each with its NumPy twin (``*_numpy``) for the tests.

Element matrices are computed for all elements at once, then scattered into a CSR matrix
whose sparsity pattern is built once per mesh (node → element adjacency, O(nnz)); the
explicit time step is one fused pass over the CSR rows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
from numba import njit, prange

# Q1 on the reference square [-1, 1]²: nodes counter-clockwise, 2 × 2 Gauss points.
_Q1_NODES = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
_G = 1.0 / np.sqrt(3.0)
_Q1_GAUSS = np.array([[-_G, -_G], [_G, -_G], [_G, _G], [-_G, _G]])


def _q1_tables():
    """Shape functions (4 points × 4 nodes) and their reference gradients (4 × 4 × 2)."""
    xi, eta = _Q1_GAUSS[:, 0:1], _Q1_GAUSS[:, 1:2]
    xa, ea = _Q1_NODES[:, 0][None], _Q1_NODES[:, 1][None]
    N = 0.25 * (1 + xi * xa) * (1 + eta * ea)
    dN = np.stack([0.25 * xa * (1 + eta * ea), 0.25 * ea * (1 + xi * xa)], axis=2)
    return N, dN


Q1_N, Q1_DN = _q1_tables()


# --- element matrices -----------------------------------------------------------------------

@njit(parallel=True, cache=True)
def p1_element_matrices(points, cells, k_coef, m_coef):
    """Stiffness ∫ k ∇φa·∇φb and consistent mass ∫ m φa φb of every triangle, (n_cells, 9) each
    (row-major local a, b), for per-element coefficients k_coef, m_coef."""
    ne = cells.shape[0]
    K = np.empty((ne, 9))
    M = np.empty((ne, 9))
    for e in prange(ne):
        i0, i1, i2 = cells[e, 0], cells[e, 1], cells[e, 2]
        x0, y0 = points[i0, 0], points[i0, 1]
        x1, y1 = points[i1, 0], points[i1, 1]
        x2, y2 = points[i2, 0], points[i2, 1]
        det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
        area = 0.5 * det
        gx0, gy0 = (y1 - y2) / det, (x2 - x1) / det
        gx1, gy1 = (y2 - y0) / det, (x0 - x2) / det
        gx2, gy2 = (y0 - y1) / det, (x1 - x0) / det
        gx = (gx0, gx1, gx2)
        gy = (gy0, gy1, gy2)
        ka = k_coef[e] * area
        ma = m_coef[e] * area / 12.0
        for a in range(3):
            for b in range(3):
                K[e, 3 * a + b] = ka * (gx[a] * gx[b] + gy[a] * gy[b])
                M[e, 3 * a + b] = ma * (2.0 if a == b else 1.0)
    return K, M


def p1_element_matrices_numpy(points, cells, k_coef, m_coef):
    """NumPy twin of `p1_element_matrices`."""
    x = points[cells]
    d1, d2 = x[:, 1] - x[:, 0], x[:, 2] - x[:, 0]
    det = d1[:, 0] * d2[:, 1] - d2[:, 0] * d1[:, 1]
    # Gradients of the barycentric coordinates: rows of the inverse Jacobian.
    Jinv = np.stack([np.stack([d2[:, 1], -d2[:, 0]], 1), np.stack([-d1[:, 1], d1[:, 0]], 1)],
                    1) / det[:, None, None]
    g = np.concatenate([-Jinv.sum(axis=1, keepdims=True), Jinv], axis=1)  # (ne, 3, 2)
    area = 0.5 * det
    K = (k_coef * area)[:, None, None] * np.einsum("eai,ebi->eab", g, g)
    M = (m_coef * area / 12.0)[:, None, None] * (np.ones((3, 3)) + np.eye(3))
    return K.reshape(-1, 9), M.reshape(-1, 9)


@njit(parallel=True, cache=True)
def q1_element_matrices(points, cells, k_coef, m_coef, N, dN):
    """Stiffness and consistent mass of every bilinear quadrilateral by 2 × 2 Gauss
    quadrature, (n_cells, 16) each."""
    ne = cells.shape[0]
    K = np.zeros((ne, 16))
    M = np.zeros((ne, 16))
    for e in prange(ne):
        for q in range(4):
            j00 = 0.0
            j01 = 0.0
            j10 = 0.0
            j11 = 0.0
            for a in range(4):
                px, py = points[cells[e, a], 0], points[cells[e, a], 1]
                j00 += px * dN[q, a, 0]
                j01 += px * dN[q, a, 1]
                j10 += py * dN[q, a, 0]
                j11 += py * dN[q, a, 1]
            det = j00 * j11 - j01 * j10  # weight 1 per Gauss point
            gx = np.empty(4)
            gy = np.empty(4)
            for a in range(4):
                # J^{-T} ∇_ξ N_a
                gx[a] = (j11 * dN[q, a, 0] - j10 * dN[q, a, 1]) / det
                gy[a] = (-j01 * dN[q, a, 0] + j00 * dN[q, a, 1]) / det
            for a in range(4):
                for b in range(4):
                    K[e, 4 * a + b] += k_coef[e] * det * (gx[a] * gx[b] + gy[a] * gy[b])
                    M[e, 4 * a + b] += m_coef[e] * det * N[q, a] * N[q, b]
    return K, M


def q1_element_matrices_numpy(points, cells, k_coef, m_coef, N=Q1_N, dN=Q1_DN):
    """NumPy twin of `q1_element_matrices`."""
    x = points[cells]  # (ne, 4, 2)
    J = np.einsum("eai,qaj->eqij", x, dN)  # dx_i/dξ_j
    det = J[..., 0, 0] * J[..., 1, 1] - J[..., 0, 1] * J[..., 1, 0]
    Jinv = np.linalg.inv(J)  # dξ_j/dx_i as [j, i]
    g = np.einsum("qaj,eqji->eqai", dN, Jinv)
    K = np.einsum("e,eq,eqai,eqbi->eab", k_coef, det, g, g)
    M = np.einsum("e,eq,qa,qb->eab", m_coef, det, N, N)
    return K.reshape(-1, 16), M.reshape(-1, 16)


# --- sparse assembly ----------------------------------------------------------------------

@njit(cache=True)
def csr_pattern(cells, n_nodes):
    """CSR sparsity of the node-node coupling of `cells`, and for every element the position
    of each local (a, b) entry in the CSR data array: (indptr, indices, emap)."""
    ne, k = cells.shape
    start = np.zeros(n_nodes + 1, dtype=np.int64)
    for e in range(ne):
        for a in range(k):
            start[cells[e, a] + 1] += 1
    for i in range(n_nodes):
        start[i + 1] += start[i]
    fill = start[:-1].copy()
    node_cells = np.empty(ne * k, dtype=np.int64)
    for e in range(ne):
        for a in range(k):
            i = cells[e, a]
            node_cells[fill[i]] = e
            fill[i] += 1
    marker = np.full(n_nodes, -1, dtype=np.int64)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for i in range(n_nodes):
        c = 0
        for p in range(start[i], start[i + 1]):
            e = node_cells[p]
            for b in range(k):
                j = cells[e, b]
                if marker[j] != i:
                    marker[j] = i
                    c += 1
        indptr[i + 1] = indptr[i] + c
    indices = np.empty(indptr[n_nodes], dtype=np.int64)
    marker[:] = -1
    for i in range(n_nodes):
        c = indptr[i]
        for p in range(start[i], start[i + 1]):
            e = node_cells[p]
            for b in range(k):
                j = cells[e, b]
                if marker[j] != i:
                    marker[j] = i
                    indices[c] = j
                    c += 1
        for p in range(indptr[i] + 1, indptr[i + 1]):  # insertion sort: rows are short
            v = indices[p]
            q = p - 1
            while q >= indptr[i] and indices[q] > v:
                indices[q + 1] = indices[q]
                q -= 1
            indices[q + 1] = v
    emap = np.empty((ne, k * k), dtype=np.int64)
    for e in range(ne):
        for a in range(k):
            i = cells[e, a]
            for b in range(k):
                j = cells[e, b]
                p = indptr[i]
                while indices[p] != j:  # linear search: rows are short
                    p += 1
                emap[e, k * a + b] = p
    return indptr, indices, emap


@njit(cache=True)
def scatter(emap, values, nnz):
    """CSR data from element values: data[emap[e, ab]] += values[e, ab]."""
    data = np.zeros(nnz)
    ne, kk = emap.shape
    for e in range(ne):
        for ab in range(kk):
            data[emap[e, ab]] += values[e, ab]
    return data


def assemble_numpy(cells, values, n_nodes):
    """NumPy twin of `csr_pattern` + `scatter`: COO → CSR with scipy (duplicates summed)."""
    k = cells.shape[1]
    rows = np.repeat(cells, k, axis=1).ravel()
    cols = np.tile(cells, (1, k)).ravel()
    A = scipy.sparse.coo_matrix((values.ravel(), (rows, cols)), shape=(n_nodes, n_nodes)).tocsr()
    A.sum_duplicates()
    A.sort_indices()
    return A


# --- explicit time step --------------------------------------------------------------------

@njit(parallel=True, cache=True)
def leapfrog_step(indptr, indices, data, u, u_old, two_m, b, inv_a, dt2, f, out):
    """One central-difference step with a diagonal mass and damping, fused with K u:
    out = (2 M u − B u_old + dt² (f − K u)) / A, with A = M + dt/2 C, B = M − dt/2 C (two_m =
    2 M, all diagonal)."""
    n = u.shape[0]
    for i in prange(n):
        s = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            s += data[p] * u[indices[p]]
        out[i] = inv_a[i] * (two_m[i] * u[i] - b[i] * u_old[i] + dt2 * (f[i] - s))


def leapfrog_step_numpy(K, u, u_old, two_m, b, inv_a, dt2, f):
    """NumPy twin of `leapfrog_step` (scipy.sparse matrix-vector product)."""
    return inv_a * (two_m * u - b * u_old + dt2 * (f - K @ u))
