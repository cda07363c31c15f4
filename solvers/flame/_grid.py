"""Non-uniform 1D grids: finite-difference weights and adaptive refinement."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import GridRefinementError
from ._params import _check


def central_weights(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Three-point weights of d/dx and d²/dx² at the interior nodes of a non-uniform grid.

    **Returns**

    ``(w1, w2)``, each of shape ``(3, N - 2)``: rows multiply ``f[i-1], f[i], f[i+1]``. ``w1`` is
    exact for quadratics (second order); ``w2`` is first order in the local grid-size jump and
    second order on the smooth grids produced by `refine` (supraconvergence).
    """
    h1 = np.diff(x)[:-1]
    h2 = np.diff(x)[1:]
    s = h1 + h2
    w1 = np.stack([-h2 / (h1 * s), (h2 - h1) / (h1 * h2), h1 / (h2 * s)])
    w2 = np.stack([2.0 / (h1 * s), -2.0 / (h1 * h2), 2.0 / (h2 * s)])
    return w1, w2


@dataclass(frozen=True)
class RefineCriteria:
    """Where to add grid points, as in Cantera's ``set_refine_criteria``.

    **Arguments**

    - `ratio`: largest allowed ratio of neighbouring interval lengths (≥ 1).
    - `slope`: largest jump of any refined component between neighbours, relative to its range.
    - `curve`: largest jump of its slope between neighbouring intervals, relative to the
      range of the slope.
    - `max_points`: refinement stops with an error beyond this many points.
    - `min_range`: components whose range is below this fraction of their magnitude are
      treated as constant.
    """

    ratio: float = 2.5
    slope: float = 0.04
    curve: float = 0.08
    max_points: int = 20000
    min_range: float = 1e-6

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field outside its valid range."""
        _check("ratio", self.ratio, 1.0, 1e6, lo_open=False)
        _check("slope", self.slope, 0.0, 1.0)
        _check("curve", self.curve, 0.0, 1.0)
        _check("max_points", self.max_points, 3, 1e7, lo_open=False)
        _check("min_range", self.min_range, 0.0, 1.0, lo_open=False)


def refine(x: np.ndarray, components: list[np.ndarray], criteria: RefineCriteria) -> np.ndarray:
    """Return ``x`` with midpoints inserted wherever a refinement criterion is violated.

    The returned array is ``x`` itself (same object) when nothing needs refining.
    """
    n = x.size
    split = np.zeros(n - 1, dtype=bool)
    dx = np.diff(x)
    for v in components:
        span = np.ptp(v)
        if span <= criteria.min_range * np.max(np.abs(v)):
            continue  # (nearly) constant, e.g. an inert species: do not refine on round-off
        dv = np.diff(v)
        split |= np.abs(dv) > criteria.slope * span
        s = dv / dx
        sspan = np.ptp(s)
        if sspan > criteria.min_range * np.max(np.abs(s)):  # not a straight line
            bad = np.abs(np.diff(s)) > criteria.curve * sspan
            split[:-1] |= bad
            split[1:] |= bad
    r = dx[1:] / dx[:-1]
    split[1:] |= r > criteria.ratio
    split[:-1] |= r < 1.0 / criteria.ratio
    if not split.any():
        return x
    if n + split.sum() > criteria.max_points:
        raise GridRefinementError(
            f"grid refinement needs more than max_points={criteria.max_points} points"
        )
    mid = 0.5 * (x[:-1] + x[1:])[split]
    return np.sort(np.concatenate([x, mid]))


def bisect(x: np.ndarray) -> np.ndarray:
    """Split every interval of ``x`` in two (halves every grid spacing)."""
    out = np.empty(2 * x.size - 1)
    out[0::2] = x
    out[1::2] = 0.5 * (x[:-1] + x[1:])
    return out


@dataclass
class AdaptiveResult:
    """Outcome of `solve_adaptive`: the final grid and state, and the work it took."""

    x: np.ndarray
    U: np.ndarray
    eig: np.ndarray
    iterations: int
    levels: int
    residual: float
    history: list[tuple[int, float]]  # (grid points, first eigenvalue) on each bisected grid

    @property
    def error_estimate(self) -> float:
        """Richardson estimate of the eigenvalue's error on the finest grid (second order)."""
        return richardson_error(self.history)

    @property
    def observed_order(self) -> float:
        """Convergence order of the eigenvalue observed on the last three grids."""
        return observed_order(self.history)


def solve_adaptive(solve_on, x, U, eig, *, monitor, criteria, bisections, progress=None):
    """Solve on a grid, refine adaptively until `criteria` hold, then bisect `bisections` times.

    **Arguments**

    - `solve_on(x, U, eig) -> (U, eig, iterations, residual)`: a converged solve on grid ``x``
      from the initial state ``U`` (fields, shape ``(n_fields, N)``) and eigenvalues ``eig``.
    - `monitor(x, U)`: the components whose slope and curvature drive refinement.
    - `criteria`: `RefineCriteria`, or ``None`` to keep the grid (bisections still apply).
    - `bisections`: uniform refinements after the adaptive phase; the eigenvalue on the last
      two grids gives a Richardson error estimate for a second-order scheme.
    - `progress`: called as ``progress(grid_points, eigenvalue)`` after each converged solve.
    """

    def interp(x_new, x_old, U_old):
        return np.stack([np.interp(x_new, x_old, u) for u in U_old])

    total = levels = 0
    while True:
        U, eig, it, residual = solve_on(x, U, eig)
        total += it
        levels += 1
        if progress is not None:
            progress(x.size, float(eig[0]))
        if criteria is None:
            break
        x_new = refine(x, monitor(x, U), criteria)
        if x_new is x:
            break
        U, x = interp(x_new, x, U), x_new
    history = [(x.size, float(eig[0]))]
    for _ in range(bisections):
        x_new = bisect(x)
        U, x = interp(x_new, x, U), x_new
        U, eig, it, residual = solve_on(x, U, eig)
        total += it
        levels += 1
        if progress is not None:
            progress(x.size, float(eig[0]))
        history.append((x.size, float(eig[0])))
    return AdaptiveResult(x, U, eig, total, levels, residual, history)


def richardson(levels: Sequence[tuple[int, float]], order: float = 2.0) -> float:
    """Extrapolate the two finest ``(N, value)`` pairs assuming error ∝ (1/(N - 1))^order."""
    (n_c, v_c), (n_f, v_f) = levels[-2], levels[-1]
    r = ((n_f - 1) / (n_c - 1)) ** order
    return v_f + (v_f - v_c) / (r - 1.0)


def richardson_error(levels: Sequence[tuple[int, float]], order: float = 2.0) -> float:
    """Estimated error of the finest value: its distance to `richardson`, or NaN."""
    if len(levels) < 2:
        return math.nan
    return abs(richardson(levels, order) - levels[-1][1])


def observed_order(levels: Sequence[tuple[int, float]]) -> float:
    """Order p fitted on the three finest ``(N, value)`` levels of a constant refinement ratio."""
    if len(levels) < 3:
        return math.nan
    (_, v0), (n1, v1), (n2, v2) = levels[-3:]
    d01, d12 = v1 - v0, v2 - v1
    if d12 == 0.0 or d01 / d12 <= 0.0:
        return math.nan
    return math.log(d01 / d12) / math.log((n2 - 1) / (n1 - 1))


def with_node(x: np.ndarray, x0: float) -> np.ndarray:
    """``x`` with ``x0`` as one of its nodes (a node within 1e-9 of the span is moved onto it)."""
    i = int(np.argmin(np.abs(x - x0)))
    if abs(x[i] - x0) <= 1e-9 * (x[-1] - x[0]):
        if x[i] == x0:
            return x
        x = x.copy()
        x[i] = x0
        return x
    return np.insert(x, np.searchsorted(x, x0), x0)


def refine_guess(x: np.ndarray, guess, criteria: RefineCriteria | None) -> np.ndarray:
    """Refine ``x`` until the profiles ``guess(x)`` (a list of arrays) meet `criteria`.

    An initial guess must be resolved before the first Newton solve; ``criteria=None`` keeps
    ``x`` as it is.
    """
    if criteria is None:
        return x
    x_new = None
    while x_new is not x:
        x_new = x
        x = refine(x_new, list(guess(x_new)), criteria)
    return x


def check_solve_args(*, width: float, bisections: int) -> None:
    """Validate the grid arguments common to the flame solvers."""
    _check("width", width, 0.0, 10.0)
    if not isinstance(bisections, (int, np.integer)) or not 0 <= bisections <= 8:
        raise ValueError(f"bisections={bisections!r} is outside the valid range [0, 8]")
