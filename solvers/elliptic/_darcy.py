"""2D Darcy flow −∇·(a∇u) = f on (0,1)², u = 0 on the boundary: the operator-learning
benchmark of Li et al. (FNO, 2021), generated here.

The coefficient is piecewise constant, a = a_high where a Gaussian random field with covariance
(−Δ + τ²)^(−α) is ≥ 0 and a_low elsewhere (the field is drawn through a discrete cosine
transform, so its normal derivative vanishes at the boundary). The equation is discretised by
the 5-point finite-difference scheme on the nodes x_i = i h, h = 1/(n−1), with the coefficient at
the cell faces the mean of its two nodes (second order for smooth a), and solved by sparse LU.
A sample is solved on a grid `refine` times finer and restricted to every `refine`-th node.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.fft
import scipy.sparse
import scipy.sparse.linalg

from .._checks import check_integer


@dataclass(frozen=True)
class DarcyParams:
    """Darcy data set parameters (dimensionless).

    alpha, tau: smoothness and inverse length of the random field, covariance (−Δ + τ²)^(−α);
    a_high, a_low: the coefficient where the field is ≥ 0 and < 0; f: the constant source.
    """

    alpha: float = 2.0
    tau: float = 3.0
    a_high: float = 12.0
    a_low: float = 3.0
    f: float = 1.0

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        for name, lo in (("alpha", 0.5), ("tau", 0.0), ("a_high", 0.0), ("a_low", 0.0)):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > lo):
                raise ValueError(f"{name}={v!r} must be a number > {lo:g}")
        if not math.isfinite(self.f):
            raise ValueError(f"f={self.f!r} must be a finite number")


def gaussian_random_field(n: int, rng: np.random.Generator, *, alpha: float = 2.0,
                          tau: float = 3.0) -> np.ndarray:
    """A zero-mean random field on n × n nodes of the unit square with covariance
    (−Δ + τ²)^(−α) (Neumann eigenfunctions, i.e. cosines; the constant mode removed)."""
    check_integer("n", n, 2)
    k = np.arange(n)
    k2 = k[:, None] ** 2 + k[None, :] ** 2
    coef = tau ** (alpha - 1) * (np.pi ** 2 * k2 + tau ** 2) ** (-alpha / 2)
    modes = n * coef * rng.standard_normal((n, n))
    modes[0, 0] = 0.0
    return scipy.fft.idctn(modes, type=2, norm="ortho")


def darcy_coefficient(n: int, rng: np.random.Generator, params: DarcyParams = DarcyParams()
                      ) -> np.ndarray:
    """The thresholded random coefficient on n × n nodes."""
    g = gaussian_random_field(n, rng, alpha=params.alpha, tau=params.tau)
    return np.where(g >= 0.0, params.a_high, params.a_low)


def darcy_matrix(a: np.ndarray) -> scipy.sparse.csc_matrix:
    """The 5-point matrix of −∇·(a∇·) on the interior nodes (row-major, index i·m + j, m =
    n − 2) of an n × n node grid on the unit square with u = 0 on the boundary."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 3:
        raise ValueError(f"a has shape {a.shape}; it must be square with at least 3 × 3 nodes")
    if not (np.isfinite(a).all() and (a > 0).all()):
        raise ValueError("a must be finite and > 0 everywhere")
    n = a.shape[0]
    m = n - 2
    h2 = (1.0 / (n - 1)) ** 2
    c = a[1:-1, 1:-1]
    east = 0.5 * (c + a[2:, 1:-1]) / h2    # face between node (i, j) and (i + 1, j)
    west = 0.5 * (c + a[:-2, 1:-1]) / h2
    north = 0.5 * (c + a[1:-1, 2:]) / h2   # face between (i, j) and (i, j + 1)
    south = 0.5 * (c + a[1:-1, :-2]) / h2
    diag = (east + west + north + south).ravel()
    up_j = -north.copy()
    up_j[:, -1] = 0.0  # no coupling across the end of a row
    up_i = -east[:-1].ravel()
    offsets = [0, 1, -1, m, -m]
    bands = [diag, up_j.ravel()[:-1], up_j.ravel()[:-1], up_i, up_i]
    return scipy.sparse.diags(bands, offsets, shape=(m * m, m * m), format="csc")


def solve_darcy(a: np.ndarray, f: float | np.ndarray = 1.0) -> np.ndarray:
    """Solve −∇·(a∇u) = f, u = 0 on the boundary, for `a` (and `f`, a constant or an array)
    given on the n × n nodes of the unit square; returns u on the same nodes."""
    A = darcy_matrix(a)
    n = a.shape[0]
    rhs = np.broadcast_to(np.asarray(f, dtype=np.float64), a.shape)[1:-1, 1:-1].ravel()
    u = np.zeros((n, n))
    u[1:-1, 1:-1] = scipy.sparse.linalg.spsolve(A, rhs).reshape(n - 2, n - 2)
    return u


def darcy_sample(seed: int, index: int, *, resolution: int = 64, refine: int = 2,
                 params: DarcyParams = DarcyParams()) -> tuple[np.ndarray, np.ndarray]:
    """Sample `index` of the data set `seed`: (a, u) on resolution × resolution nodes, solved on
    refine·(resolution − 1) + 1 nodes. The random stream depends only on (seed, index), so a
    data set is the same however its samples are spread over processes."""
    check_integer("resolution", resolution, 3)
    check_integer("refine", refine, 1)
    n = refine * (resolution - 1) + 1
    rng = np.random.default_rng([seed, index])
    a = darcy_coefficient(n, rng, params)
    u = solve_darcy(a, params.f)
    return a[::refine, ::refine].copy(), u[::refine, ::refine].copy()
