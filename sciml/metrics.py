"""Error measures for comparing fields with references."""

from __future__ import annotations

import numpy as np


def relative_l2(x: np.ndarray, f: np.ndarray, f_ref: np.ndarray) -> float:
    """Relative L2 error ``‖f - f_ref‖ / ‖f_ref‖`` of fields on the grid `x`.

    The norms are integrals (trapezoidal rule on `x`), not sums over nodes: on a grid refined
    around a flame front a node sum would weigh the front by its point count rather than by
    its length.
    """
    x, f, f_ref = (np.asarray(a, dtype=float) for a in (x, f, f_ref))
    if not (x.ndim == 1 and f.shape == x.shape == f_ref.shape and x.size >= 2):
        raise ValueError("x, f and f_ref must be 1D arrays of the same length (>= 2)")
    if np.any(np.diff(x) <= 0.0):
        raise ValueError("x must be strictly increasing")
    den = np.trapezoid(f_ref**2, x)
    if den <= 0.0:
        raise ValueError("f_ref is zero: the relative error is undefined")
    return float(np.sqrt(np.trapezoid((f - f_ref) ** 2, x) / den))
