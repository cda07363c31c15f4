"""Sparse finite-difference Jacobians of 1D boundary-value residuals, by column colouring."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class BandedFDJacobian:
    """Jacobian of a residual whose equations at point ``j`` involve only points ``j-1, j, j+1``.

    Unknowns are ordered point-major, ``nv`` per point. Eigenvalues are carried as one more
    field per point with trivial equations (``Λ_j = Λ_{j-1}``), as Cantera does, so the Jacobian
    stays block-tridiagonal. Columns three or more points apart never share a row, so ``3 nv``
    perturbed residual evaluations give the whole matrix.
    """

    def __init__(self, n_points: int, nv: int):
        self.N, self.nv = n_points, nv
        pj = np.arange(n_points)
        rows, cols = [], []
        for d in (-1, 0, 1):
            q = pj + d
            ok = (q >= 0) & (q < n_points)
            r = pj[ok, None, None] * nv + np.arange(nv)[None, :, None]
            c = q[ok, None, None] * nv + np.arange(nv)[None, None, :]
            shape = (int(ok.sum()), nv, nv)
            rows.append(np.broadcast_to(r, shape).ravel())
            cols.append(np.broadcast_to(c, shape).ravel())
        self.rows = np.concatenate(rows)
        self.cols = np.concatenate(cols)
        self.n_colors = 3 * nv
        self.color = self.cols % self.n_colors
        idx = np.arange(n_points * nv)
        self.groups = [idx[idx % self.n_colors == g] for g in range(self.n_colors)]

    def __call__(self, F, z: np.ndarray, typical: np.ndarray, f0: np.ndarray | None = None):
        """Jacobian of `F` at `z` as CSC; `typical` sets the perturbation scale per unknown."""
        if f0 is None:
            f0 = F(z)
        h = 1e-7 * np.maximum(np.abs(z), typical)
        df = np.empty((self.n_colors, f0.size))
        for g, cols in enumerate(self.groups):
            zp = z.copy()
            zp[cols] += h[cols]
            df[g] = F(zp) - f0
        vals = df[self.color, self.rows] / h[self.cols]
        n = z.size
        return sp.csc_matrix((vals, (self.rows, self.cols)), shape=(n, n))
