"""numba.cuda versions of the FE kernels (`_kernels.py`): element matrices with one thread per
element, and the fused explicit step with one thread per matrix row.

They are tested on the CPU under ``NUMBA_ENABLE_CUDASIM=1`` (numba's CUDA simulator) against
the NumPy twins, and run on a GPU where numba finds one. The host wrappers take and return NumPy
arrays; `leapfrog_step_cuda` also accepts device arrays (``numba.cuda.to_device``), so a time
loop can keep its state on the GPU.
"""

from __future__ import annotations

import numpy as np
from numba import cuda, float64

from .._gpu import THREADS, blocks, require


@cuda.jit
def _p1_kernel(points, cells, k_coef, m_coef, K, M):
    e = cuda.grid(1)
    if e >= cells.shape[0]:
        return
    i0, i1, i2 = cells[e, 0], cells[e, 1], cells[e, 2]
    x0, y0 = points[i0, 0], points[i0, 1]
    x1, y1 = points[i1, 0], points[i1, 1]
    x2, y2 = points[i2, 0], points[i2, 1]
    det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    area = 0.5 * det
    gx = cuda.local.array(3, float64)
    gy = cuda.local.array(3, float64)
    gx[0], gy[0] = (y1 - y2) / det, (x2 - x1) / det
    gx[1], gy[1] = (y2 - y0) / det, (x0 - x2) / det
    gx[2], gy[2] = (y0 - y1) / det, (x1 - x0) / det
    ka = k_coef[e] * area
    ma = m_coef[e] * area / 12.0
    for a in range(3):
        for b in range(3):
            K[e, 3 * a + b] = ka * (gx[a] * gx[b] + gy[a] * gy[b])
            M[e, 3 * a + b] = ma * (2.0 if a == b else 1.0)


@cuda.jit
def _q1_kernel(points, cells, k_coef, m_coef, N, dN, K, M):
    e = cuda.grid(1)
    if e >= cells.shape[0]:
        return
    gx = cuda.local.array(4, float64)
    gy = cuda.local.array(4, float64)
    for ab in range(16):
        K[e, ab] = 0.0
        M[e, ab] = 0.0
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
        det = j00 * j11 - j01 * j10
        for a in range(4):
            gx[a] = (j11 * dN[q, a, 0] - j10 * dN[q, a, 1]) / det
            gy[a] = (-j01 * dN[q, a, 0] + j00 * dN[q, a, 1]) / det
        for a in range(4):
            for b in range(4):
                K[e, 4 * a + b] += k_coef[e] * det * (gx[a] * gx[b] + gy[a] * gy[b])
                M[e, 4 * a + b] += m_coef[e] * det * N[q, a] * N[q, b]


@cuda.jit
def _leapfrog_kernel(indptr, indices, data, u, u_old, two_m, b, inv_a, dt2, f, out):
    i = cuda.grid(1)
    if i >= u.shape[0]:
        return
    s = 0.0
    for p in range(indptr[i], indptr[i + 1]):
        s += data[p] * u[indices[p]]
    out[i] = inv_a[i] * (two_m[i] * u[i] - b[i] * u_old[i] + dt2 * (f[i] - s))




def _device(a):
    """`a` on the GPU (copied there unless it already is a device array)."""
    return a if hasattr(a, "copy_to_host") else cuda.to_device(np.ascontiguousarray(a))


def _element_matrices(kernel, nodes, points, cells, k_coef, m_coef, *tables):
    require()
    ne = cells.shape[0]
    K = cuda.device_array((ne, nodes * nodes), dtype=np.float64)
    M = cuda.device_array((ne, nodes * nodes), dtype=np.float64)
    args = [_device(a) for a in (points, cells, np.asarray(k_coef, float),
                                 np.asarray(m_coef, float), *tables)]
    kernel[blocks(ne), THREADS](*args, K, M)
    return K.copy_to_host(), M.copy_to_host()


def p1_element_matrices_cuda(points, cells, k_coef, m_coef):
    """`_kernels.p1_element_matrices` on the GPU: (n_cells, 9) stiffness and mass."""
    return _element_matrices(_p1_kernel, 3, points, cells, k_coef, m_coef)


def q1_element_matrices_cuda(points, cells, k_coef, m_coef, N, dN):
    """`_kernels.q1_element_matrices` on the GPU: (n_cells, 16) stiffness and mass."""
    return _element_matrices(_q1_kernel, 4, points, cells, k_coef, m_coef, N, dN)


def leapfrog_step_cuda(indptr, indices, data, u, u_old, two_m, b, inv_a, dt2, f, out=None):
    """`_kernels.leapfrog_step` on the GPU. Arguments may be NumPy or device arrays; returns
    `out` (a new device array when not given; ``.copy_to_host()`` for NumPy)."""
    require()
    dev = [_device(a) for a in (indptr, indices, data, u, u_old, two_m, b, inv_a, f)]
    if out is None:
        out = cuda.device_array(len(u), dtype=np.float64)
    _leapfrog_kernel[blocks(len(u)), THREADS](*dev[:8], float(dt2), dev[8], out)
    return out
