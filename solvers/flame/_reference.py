"""Cantera as the external reference solver for the 1D flame cases, with grid extrapolation.

Cantera's ``FreeFlame`` and ``CounterflowPremixedFlame`` upwind the convective terms, so their
eigenvalues (the flame speed s_L, the radial pressure curvature Λ) converge at *first* order in
the grid spacing, and Cantera's default adaptive grid is several percent off for s_L. The drivers
here therefore

1. solve on Cantera's adaptive grid at moderate refine criteria (``criteria``), then
2. bisect every interval of that grid ``levels - 1`` times (nested grids, ``h -> h / 2``; the
   fixed-temperature point stays a grid node) and re-solve on each with refinement disabled,
3. Richardson-extrapolate the two finest levels assuming error ∝ h ∝ 1/(N - 1), and report the
   order observed on the three finest levels (≈ 1 on the measured cases) and the change of the
   extrapolated value between the last two level pairs as an error estimate.

Two Cantera settings matter at the accuracy wanted here (~1e-4 relative and better):

- the steady Newton tolerances are tightened from Cantera's default (rtol 1e-4, atol 1e-9), which
  stops s_L improving near 1e-4 relative, to ``tolerances`` (default rtol 1e-8, atol 1e-14);
- the finite-difference Jacobian perturbation is reduced from (1e-5 relative, 1e-10 absolute) to
  (1e-7, 1e-12): with the default, Newton converges only linearly on the fine counterflow grids
  and Cantera gives up.

Each fine level is first solved at Cantera's default tolerances and then at the tight ones.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import cantera as ct
import numpy as np

from ._grid import bisect, observed_order, richardson
from ._mechanisms import unburnt_ch4_gas
from ._params import CounterflowParams

#: Base adaptive-grid criteria ``(ratio, slope, curve)`` of the coarsest level.
DEFAULT_CRITERIA = (2.0, 0.05, 0.1)
#: Steady-state Newton tolerances ``(rtol, atol)`` of the free-flame reference solves.
TIGHT_TOLERANCES = (1e-8, 1e-14)
#: Same for the counterflow flame: at (1e-8, 1e-14) Cantera's Newton does not converge there.
COUNTERFLOW_TOLERANCES = (1e-7, 1e-12)
_DEFAULT_TOLERANCES = (1e-4, 1e-9)
_JACOBIAN_PERTURBATION = (1e-7, 1e-12, 0.0)


@dataclass(frozen=True, eq=False)
class ReferenceFlame:
    """A Cantera reference solution on a sequence of nested grids.

    **Arguments**

    - `eigenvalue`: s_L [m/s] for free flames (the inlet velocity); for counterflow flames Λ
      [Pa/m²], Cantera's ``L`` / ``Lambda`` = (1/r) ∂p/∂r, the radial pressure curvature in
      ``ρ u V' + ρ V² + Λ − (μ V')' = 0`` (negative for an opposed-jet flow). Richardson-
      extrapolated when `extrapolated`, else the finest-level value.
    - `extrapolated`: whether `eigenvalue` is Richardson-extrapolated (needs ≥ 2 levels).
    - `levels`: ``(grid points, eigenvalue)`` at each level, coarsest first.
    - `level_seconds`: wall time [s] of the Cantera solves of each level (level 0 includes the
      initial solve and the adaptive refinement).
    - `observed_order`: convergence order fitted on the three finest levels, ``nan`` if < 3.
    - `error_estimate`: |change of the extrapolated value between the last two level pairs|
      (eigenvalue units), ``nan`` if < 3 levels.
    - `x`: grid [m]; `T`: temperature [K]; `Y`: mass fractions, shape ``(K, N)``; `u`: axial
      velocity [m/s]; `V`: radial velocity gradient v/r [1/s] (zero for free flames); all on the
      finest level.
    - `species_names`: names of the rows of `Y`.
    - `seconds`: total wall time of the Cantera solves [s].
    - `width`: domain length [m].
    """

    eigenvalue: float
    extrapolated: bool
    levels: tuple[tuple[int, float], ...]
    x: np.ndarray
    T: np.ndarray
    Y: np.ndarray
    u: np.ndarray
    V: np.ndarray
    species_names: tuple[str, ...]
    seconds: float
    level_seconds: tuple[float, ...] = ()
    observed_order: float = math.nan
    error_estimate: float = math.nan
    width: float = math.nan

    @property
    def finest(self) -> float:
        """Eigenvalue on the finest grid (not extrapolated)."""
        return self.levels[-1][1]


def _bisect_solution(flame: ct.FlameBase, gas: ct.Solution) -> None:
    """Insert the midpoint of every interval, interpolating the current solution linearly."""
    arr = flame.to_array()
    x = arr.grid
    xn = bisect(x)
    extra = {"grid": xn}
    for name in arr.extra:
        if name != "grid":
            extra[name] = np.interp(xn, x, getattr(arr, name))
    new = ct.SolutionArray(gas, xn.size, extra=extra)
    Y = np.stack([np.interp(xn, x, arr.Y[:, k]) for k in range(gas.n_species)], axis=1)
    new.TPY = np.interp(xn, x, arr.T), flame.P, Y
    flame.from_array(new)


def _set_tolerances(flame: ct.FlameBase, tolerances: tuple[float, float] | None) -> None:
    flame.flame.set_steady_tolerances(default=tolerances or _DEFAULT_TOLERANCES)


def _prepare(flame: ct.FlameBase, criteria: tuple[float, float, float], prune: float = 0.0
             ) -> None:
    flame.set_jacobian_perturbation(*_JACOBIAN_PERTURBATION)
    flame.set_max_grid_points(flame.flame, 100000)
    ratio, slope, curve = criteria
    flame.set_refine_criteria(ratio=ratio, slope=slope, curve=curve, prune=prune)


def _solve_staged(flame: ct.FlameBase, loglevel: int) -> None:
    """Solve on the current grid, falling back to a fixed-temperature stage (no grid refinement).

    ``FreeFlame.solve(auto=True)`` is avoided: its width check doubles the domain for the long
    algebraic burnt-side tail of Case 1.
    """
    try:
        flame.solve(loglevel=loglevel, refine_grid=False)
    except ct.CanteraError:
        flame.energy_enabled = False
        flame.solve(loglevel=loglevel, refine_grid=False)
        flame.energy_enabled = True
        flame.solve(loglevel=loglevel, refine_grid=False)


def _run_levels(flame, gas, eigen, levels, tolerances, loglevel, check):
    """Level 0 is the current (refined) solution; then bisect and re-solve ``levels - 1`` times."""
    if not (isinstance(levels, int) and levels >= 1):
        raise ValueError(f"levels={levels!r} must be an integer >= 1")
    out: list[tuple[int, float]] = []
    secs: list[float] = []
    for level in range(levels):
        t0 = time.perf_counter()
        if level > 0:
            _bisect_solution(flame, gas)
            _set_tolerances(flame, None)
            flame.solve(loglevel=loglevel, refine_grid=False)
        if tolerances is not None:
            _set_tolerances(flame, tolerances)
            flame.solve(loglevel=loglevel, refine_grid=False)
        check()
        out.append((flame.grid.size, eigen()))
        secs.append(time.perf_counter() - t0)
    return out, secs


def _spread_rate(flame: ct.FlameBase) -> np.ndarray:
    if isinstance(flame, ct.FreeFlame):
        return np.zeros(flame.grid.size)
    return np.array(flame.spread_rate)


def _result(flame, levels, secs, eigen_species) -> ReferenceFlame:
    ext = len(levels) >= 2
    value = richardson(levels, order=1.0) if ext else levels[-1][1]
    err = math.nan
    if len(levels) >= 3:
        err = abs(richardson(levels, order=1.0) - richardson(levels[:-1], order=1.0))
    return ReferenceFlame(
        eigenvalue=float(value),
        extrapolated=ext,
        levels=tuple((int(n), float(v)) for n, v in levels),
        x=np.array(flame.grid),
        T=np.array(flame.T),
        Y=np.array(flame.Y),
        u=np.array(flame.velocity),
        V=_spread_rate(flame),
        species_names=tuple(eigen_species),
        seconds=float(sum(secs)),
        level_seconds=tuple(float(s) for s in secs),
        observed_order=observed_order(levels),
        error_estimate=err,
        width=float(flame.grid[-1] - flame.grid[0]),
    )


def _free_flame(gas, width, T_fix, criteria, loglevel, prune=0.0) -> ct.FreeFlame:
    flame = ct.FreeFlame(gas, width=width)
    _prepare(flame, criteria, prune)
    flame.set_initial_guess()
    if T_fix is not None:
        flame.fixed_temperature = T_fix
    _solve_staged(flame, loglevel)
    flame.solve(loglevel=loglevel, refine_grid=True)
    return flame


def _check_free(flame: ct.FreeFlame, T_in: float) -> None:
    j = int(np.argmin(np.abs(flame.grid - flame.fixed_temperature_location)))
    T_fix = flame.fixed_temperature
    if not (abs(flame.T[j] - T_fix) <= 1e-6 * T_fix and flame.velocity[0] > 0.0
            and flame.T.max() > T_fix > T_in):
        raise RuntimeError(
            f"Cantera FreeFlame converged to a spurious state: T={flame.T[j]:.1f} K at the "
            f"fixed point (T_fix={T_fix:.1f} K), s_L={flame.velocity[0]:.4g} m/s")


def cantera_free_flame(
    gas: ct.Solution,
    *,
    width: float,
    T_fix: float | None = None,
    levels: int = 7,
    criteria: tuple[float, float, float] = DEFAULT_CRITERIA,
    tolerances: tuple[float, float] | None = TIGHT_TOLERANCES,
    loglevel: int = 0,
) -> ReferenceFlame:
    """Grid-converged laminar flame speed of a freely propagating flame from Cantera.

    **Arguments**

    - `gas`: a Cantera ``Solution`` set to the unburnt state (T [K], P [Pa], composition); its
      state is restored on return.
    - `width`: domain length [m]. The flame is pinned (fixed-temperature point) near 0.35 `width`.
    - `T_fix`: temperature [K] of the fixed point; default Cantera's choice, about
      ``T_in + (T_ad - T_in) / 4`` on its initial guess.
    - `levels`: number of nested grids: Cantera's adaptive grid at `criteria`, then ``levels - 1``
      uniform bisections of it (N - 1 doubles each level).
    - `criteria`: ``(ratio, slope, curve)`` of Cantera's adaptive refinement for level 0.
    - `tolerances`: steady Newton ``(rtol, atol)``; ``None`` keeps Cantera's (1e-4, 1e-9).
    - `loglevel`: Cantera's verbosity.

    **Returns** a `ReferenceFlame` whose `eigenvalue` is s_L [m/s].
    """
    state = gas.TPY
    T_in = gas.T
    try:
        t0 = time.perf_counter()
        flame = _free_flame(gas, width, T_fix, criteria, loglevel)
        setup = time.perf_counter() - t0
        out, secs = _run_levels(flame, gas, lambda: float(flame.velocity[0]), levels,
                                tolerances, loglevel, lambda: _check_free(flame, T_in))
        secs[0] += setup
        return _result(flame, out, secs, gas.species_names)
    finally:
        gas.TPY = state


def cantera_free_flame_at(
    gas: ct.Solution,
    *,
    width: float,
    ratio: float,
    slope: float,
    curve: float,
    prune: float = 0.0,
    tolerances: tuple[float, float] | None = TIGHT_TOLERANCES,
    T_fix: float | None = None,
) -> tuple[float, int, float]:
    """One Cantera ``FreeFlame`` solve at the given refine criteria (for timing comparisons).

    `gas` is set to the unburnt state (restored on return); `width` [m]; `ratio`, `slope`,
    `curve`, `prune` are Cantera's refine criteria; `tolerances` as in `cantera_free_flame`
    (the final solve is repeated at them). Returns ``(s_L [m/s], grid points, wall seconds)``.
    """
    state = gas.TPY
    T_in = gas.T
    try:
        t0 = time.perf_counter()
        flame = _free_flame(gas, width, T_fix, (ratio, slope, curve), 0, prune)
        if tolerances is not None:
            _set_tolerances(flame, tolerances)
            flame.solve(loglevel=0, refine_grid=True)
        seconds = time.perf_counter() - t0
        _check_free(flame, T_in)
        return float(flame.velocity[0]), int(flame.grid.size), seconds
    finally:
        gas.TPY = state


def cantera_counterflow(
    params: CounterflowParams,
    *,
    levels: int = 5,
    criteria: tuple[float, float, float] = DEFAULT_CRITERIA,
    tolerances: tuple[float, float] | None = COUNTERFLOW_TOLERANCES,
    transport: str = "mixture-averaged",
    loglevel: int = 0,
) -> ReferenceFlame:
    """Grid-converged Case 3 counterflow flame from Cantera's ``CounterflowPremixedFlame``.

    Premixed CH4/air (``params.flame``, 1S_CH4_MP1 chemistry) enters at ``x = 0`` with mass flux
    ``params.mdot_reactants`` [kg/m²/s]; pure N2 at ``params.T_opposed`` [K] enters at
    ``x = params.width`` [m] with ``params.mdot_products`` towards ``-x`` (Cantera's "products"
    inlet). The burning branch is reached by continuation: first against equilibrium products,
    then against the N2 jet. Raises ``RuntimeError`` if the flame is extinguished.

    Other arguments as in `cantera_free_flame`. **Returns** a `ReferenceFlame` whose
    `eigenvalue` is Λ [Pa/m²] (Cantera's ``flame.L``, uniform in x; negative).
    """
    fp = params.flame
    gas = unburnt_ch4_gas(fp, transport)
    T_in = gas.T
    gas.equilibrate("HP")
    T_ad = gas.T
    gas.TPX = fp.T_in, fp.pressure, fp.composition

    t0 = time.perf_counter()
    flame = ct.CounterflowPremixedFlame(gas, width=params.width)
    _prepare(flame, criteria)
    flame.reactants.mdot = params.mdot_reactants
    flame.products.mdot = params.mdot_products
    flame.set_initial_guess(equilibrate=True)
    flame.solve(loglevel=loglevel, auto=True)
    flame.products.T = params.T_opposed
    flame.products.X = {"N2": 1.0}
    _solve_staged(flame, loglevel)
    flame.solve(loglevel=loglevel, refine_grid=True)
    setup = time.perf_counter() - t0

    def check() -> None:
        if flame.T.max() < T_in + 0.5 * (T_ad - T_in):
            raise RuntimeError(f"counterflow flame extinguished (T_max = {flame.T.max():.0f} K)")
        L = flame.L
        if np.ptp(L) > 1e-6 * abs(L[0]):
            raise RuntimeError("Lambda is not uniform: unconverged counterflow solution")

    out, secs = _run_levels(flame, gas, lambda: float(flame.L[0]), levels, tolerances,
                            loglevel, check)
    secs[0] += setup
    return _result(flame, out, secs, gas.species_names)


def aligned_temperature_difference(x_a, T_a, x_b, T_b, *, window: tuple[float, float],
                                   align: bool = True, samples: int = 4001) -> float:
    """Relative L2 difference of two temperature profiles, ``||T_a - T_b|| / ||T_b||``.

    With `align`, each profile is shifted so that it crosses the mid temperature
    ``(T[0] + max T) / 2`` at ``x = 0`` (freely propagating flames are translation invariant);
    both are then sampled uniformly on `window` (relative to that crossing) [m].
    """

    def shifted(x, T):
        if not align:
            return x
        mid = 0.5 * (T[0] + T.max())
        i = int(np.argmax(T >= mid))  # first crossing, linearly interpolated
        return x - (x[i - 1] + (mid - T[i - 1]) * (x[i] - x[i - 1]) / (T[i] - T[i - 1]))

    s = np.linspace(window[0], window[1], samples)
    Ta = np.interp(s, shifted(np.asarray(x_a), np.asarray(T_a)), T_a)
    Tb = np.interp(s, shifted(np.asarray(x_b), np.asarray(T_b)), T_b)
    return float(np.linalg.norm(Ta - Tb) / np.linalg.norm(Tb))
