"""Case 1: freely propagating premixed flame with simplified physics (energy equation only).

The flame speed s_L is the eigenvalue of

    ρ_in s_L c_p T' = λ T'' + q_F ω(T),   ω = A exp(-E_a / R T) (ρ Y_F)^n,

with ``Y_F = Y_F,in + c_p (T_in - T) / q_F`` and ``ρ = p W / R T``. Second-order central
differences on an adaptively refined non-uniform grid; the bordered system (T, s_L) is solved by
damped Newton with an analytic Jacobian. Two ways to pin the flame:

- ``"free"`` (as Cantera's ``FreeFlame``): ``T(0) = T_in``, zero gradient at the outlet, and
  ``T(x_fix) = T_fix`` at an interior point;
- ``"gradient"`` (as FlamePINN-1D): ``T(0) = T_in`` and ``T'(0) = G`` (1e5 K/m by default),
  zero gradient at the outlet.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from .._xp import namespace
from ._grid import (
    RefineCriteria,
    central_weights,
    check_solve_args,
    refine_guess,
    solve_adaptive,
    with_node,
)
from ._newton import NewtonOptions, solve_steady
from ._params import SimpleFlameParams, _check
from ._solution import FlameSolution

MODES = ("free", "gradient")


def reaction_rate(T, params: SimpleFlameParams):
    """Fuel consumption rate ω(T) [kg/m³/s] (NumPy arrays or torch tensors).

    ``ρ Y_F`` is written ``c (T_ad - T) / T`` with ``c = p W c_p / (R q_F)`` and floored at zero,
    so burnt gas beyond the adiabatic temperature does not react.
    """
    xp = namespace(T)
    p = params
    c = p.pressure * p.molar_mass * p.cp / (p.gas_constant * p.heat_release)
    rhoY = xp.clip(c * (p.T_ad - T) / T, 0.0, None)
    return p.pre_exponential * xp.exp(-p.activation_energy / (p.gas_constant * T)) * rhoY ** (
        p.reaction_order
    )


def _reaction_rate_derivative(T: np.ndarray, params: SimpleFlameParams) -> np.ndarray:
    """dω/dT [kg/m³/s/K], analytic."""
    p = params
    c = p.pressure * p.molar_mass * p.cp / (p.gas_constant * p.heat_release)
    z = np.clip(c * (p.T_ad - T) / T, 0.0, None)
    dz = np.where(z > 0.0, -c * p.T_ad / T**2, 0.0)
    E = p.activation_energy / p.gas_constant
    k = p.pre_exponential * np.exp(-E / T)
    n = p.reaction_order
    # z^(n-1) dz with dz = 0 where z = 0 (burnt gas), also for orders n < 1.
    burning = z > 0.0
    zn1 = np.zeros_like(z)
    zn1[burning] = z[burning] ** (n - 1.0)
    return k * (E / T**2 * z**n + n * zn1 * dz)


def energy_residual(T, dTdx, d2Tdx2, s_L, params: SimpleFlameParams):
    """Residual of the Case 1 energy equation, ``λ T'' - ρ_in s_L c_p T' + q_F ω`` [W/m³]."""
    p = params
    return (
        p.conductivity * d2Tdx2
        - p.rho_in * s_L * p.cp * dTdx
        + p.heat_release * reaction_rate(T, p)
    )


class _Problem:
    """Residual and Jacobian of Case 1 on a fixed grid; unknowns ``z = (T_0..T_{N-1}, s_L)``."""

    def __init__(self, x, params, mode, gradient, x_fix, T_fix):
        self.x, self.p, self.mode, self.G = x, params, mode, gradient
        self.n = x.size
        self.w1, self.w2 = central_weights(x)
        self.h_end = x[-1] - x[-2]
        self.h0 = x[1] - x[0]
        self.ifix = int(np.flatnonzero(x == x_fix)[0]) if mode == "free" else -1
        self.T_fix = T_fix
        self.scale = 1.0 / (params.rho_in * params.cp)  # rows in K/s

    def residual(self, z):
        p, T, s = self.p, z[:-1], z[-1]
        w1, w2 = self.w1, self.w2
        d1 = w1[0] * T[:-2] + w1[1] * T[1:-1] + w1[2] * T[2:]
        d2 = w2[0] * T[:-2] + w2[1] * T[1:-1] + w2[2] * T[2:]
        r = np.empty(self.n + 1)
        r[0] = T[0] - p.T_in
        r[1:-2] = self.scale * energy_residual(T[1:-1], d1, d2, s, p)
        # Zero-gradient outlet: the equation at the last node with a mirrored ghost node.
        d2_end = 2.0 * (T[-2] - T[-1]) / self.h_end**2
        r[-2] = self.scale * energy_residual(T[-1], 0.0, d2_end, s, p)
        if self.mode == "free":
            r[-1] = T[self.ifix] - self.T_fix
        else:
            # The equation at x = 0 with a ghost node carrying T'(0) = G: pins s_L.
            d2_0 = 2.0 * (T[1] - T[0] - self.h0 * self.G) / self.h0**2
            r[-1] = self.scale * energy_residual(T[0], self.G, d2_0, s, p)
        return r

    def jacobian(self, z):
        p, T, s = self.p, z[:-1], z[-1]
        n, c = self.n, self.scale
        lam, m = p.conductivity, p.rho_in * p.cp
        dw = p.heat_release * _reaction_rate_derivative(T, p)
        w1, w2 = self.w1, self.w2
        lower = np.zeros(n - 1)
        diag = np.zeros(n)
        upper = np.zeros(n - 1)
        diag[0] = 1.0
        lower[:-1] = c * (lam * w2[0] - m * s * w1[0])
        diag[1:-1] = c * (lam * w2[1] - m * s * w1[1] + dw[1:-1])
        upper[1:] = c * (lam * w2[2] - m * s * w1[2])
        lower[-1] = c * lam * 2.0 / self.h_end**2
        diag[-1] = c * (-lam * 2.0 / self.h_end**2 + dw[-1])
        col = np.zeros(n)
        d1 = w1[0] * T[:-2] + w1[1] * T[1:-1] + w1[2] * T[2:]
        col[1:-1] = -c * m * d1
        row = np.zeros(n + 1)
        if self.mode == "free":
            row[self.ifix] = 1.0
        else:
            row[0] = c * (-2.0 * lam / self.h0**2 + dw[0])
            row[1] = c * 2.0 * lam / self.h0**2
            row[-1] = -c * m * self.G
        i = np.arange(n)
        rows = np.concatenate([i[1:], i, i[:-1], i, np.full(n + 1, n)])
        cols = np.concatenate([i[:-1], i, i[1:], np.full(n, n), np.arange(n + 1)])
        vals = np.concatenate([lower, diag, upper, col, row])
        return sp.csc_matrix((vals, (rows, cols)), shape=(n + 1, n + 1))


def _initial_guess(x, params, mode, gradient, x_fix, T_fix, s_guess):
    """A tanh profile of thickness ~δ = λ / (ρ_in c_p s_guess); in free mode T(x_fix) = T_fix."""
    p = params
    delta = p.conductivity / (p.rho_in * p.cp * s_guess)
    w = 2.0 * delta
    dT = p.T_ad - p.T_in
    if mode == "free":
        xc = x_fix - w * np.arctanh(2.0 * (T_fix - p.T_in) / dT - 1.0)
    else:
        xc = delta * np.log(max(dT / (2.0 * gradient * delta), 1.5))
    return p.T_in + 0.5 * dT * (1.0 + np.tanh((x - xc) / w))


def solve_simple_flame(
    params: SimpleFlameParams = SimpleFlameParams(),
    *,
    mode: str = "free",
    width: float | None = None,
    x_fix: float | None = None,
    T_fix: float | None = None,
    gradient: float = 1e5,
    s_guess: float = 0.4,
    grid: np.ndarray | None = None,
    criteria: RefineCriteria | None = RefineCriteria(),
    bisections: int = 3,
    options: NewtonOptions = NewtonOptions(),
    progress: Callable[[int, float], None] | None = None,
) -> FlameSolution:
    """Solve Case 1 for the flame speed and temperature profile.

    **Arguments**

    - `params`: operating conditions and constants.
    - `mode`: ``"free"`` or ``"gradient"`` (see the module docstring).
    - `width`: domain length [m]; 4 mm (free) or 1.5 mm (gradient, the FlamePINN-1D domain).
    - `x_fix`, `T_fix`: pinning point of the free mode [m, K]; default 0.375 `width` and
      ``(T_in + T_ad) / 2`` (not used in gradient mode).
    - `gradient`: inlet temperature gradient of the gradient mode [K/m].
    - `s_guess`: flame speed of the tanh initial guess [m/s].
    - `grid`: initial grid [m], from 0 to the domain length (default: 40 uniform points on
      ``[0, width]``, refined on the initial guess).
    - `criteria`: refinement criteria, or ``None`` for no adaptive refinement.
    - `bisections`: uniform refinements after the adaptive phase (each halves every spacing);
      ``attrs["flame_speed_error_estimate_m_s"]`` is the Richardson estimate from the last two.
    - `progress`: optional ``progress(grid_points, eigenvalue)``, called after each grid level.

    **Returns**

    A `FlameSolution` with ``flame_speed`` [m/s]. Raises `FlameConvergenceError` (with the
    residual reached) when Newton fails, and ``ValueError`` for a bad argument.
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r} is not one of {MODES}")
    params.validate()
    if grid is not None:
        x = np.asarray(grid, dtype=float)
        if x.ndim != 1 or x.size < 5 or np.any(np.diff(x) <= 0.0) or x[0] != 0.0:
            raise ValueError("grid must be a strictly increasing 1D array of at least 5 points "
                             "starting at 0")
        if width is not None and width != x[-1]:
            raise ValueError(f"width={width!r} differs from the end of grid ({x[-1]!r})")
        width = float(x[-1])
    elif width is None:
        width = 4e-3 if mode == "free" else 1.5e-3
    check_solve_args(width=width, bisections=bisections)
    _check("s_guess", s_guess, 0.0, 100.0)
    if mode == "gradient":
        _check("gradient", gradient, 0.0, 1e9)
    else:
        x_fix = 0.375 * width if x_fix is None else x_fix
        T_fix = 0.5 * (params.T_in + params.T_ad) if T_fix is None else T_fix
        _check("x_fix", x_fix, 0.0, width)
        if not params.T_in < T_fix < params.T_ad:
            raise ValueError(
                f"T_fix={T_fix!r} is outside the valid range (T_in, T_ad) = "
                f"({params.T_in:g}, {params.T_ad:g})"
            )
    if grid is None:
        x = np.linspace(0.0, width, 40)
    if mode == "free":
        # The pinning point is a grid node, so the initial guess satisfies the pin exactly.
        x = with_node(x, x_fix)
    if grid is None:
        x = refine_guess(
            x, lambda x: [_initial_guess(x, params, mode, gradient, x_fix, T_fix, s_guess)],
            criteria,
        )
    T0 = _initial_guess(x, params, mode, gradient, x_fix, T_fix, s_guess)

    def solve_on(x, U, eig):
        prob = _Problem(x, params, mode, gradient, x_fix, T_fix)
        mass = np.ones(x.size + 1)
        mass[0] = mass[-1] = 0.0
        lower = np.append(np.full(x.size, 0.5 * params.T_in), 1e-6)
        upper = np.append(np.full(x.size, 2.0 * params.T_ad), 1e3)
        res = solve_steady(prob.residual, prob.jacobian, np.append(U[0], eig), mass=mass,
                           lower=lower, upper=upper, options=options)
        return res.x[None, :-1], res.x[-1:], res.iterations, res.residual

    out = solve_adaptive(
        solve_on, x, T0[None, :], np.array([s_guess]),
        monitor=lambda x, U: [U[0], reaction_rate(U[0], params)],
        criteria=criteria, bisections=bisections, progress=progress,
    )
    return _solution(out, params, mode)


def _solution(out, params, mode) -> FlameSolution:
    p = params
    x, T, s = out.x, out.U[0], float(out.eig[0])
    rho = p.pressure * p.molar_mass / (p.gas_constant * T)
    YF = np.clip(p.Y_F_in + p.cp * (p.T_in - T) / p.heat_release, 0.0, None)
    Y = np.stack([YF, p.Y_F_in - YF, np.full_like(T, 1.0 - p.Y_F_in)])
    return FlameSolution(
        case="simple", mode=mode, x=x, T=T, u=s * p.rho_in / rho, rho=rho, Y=Y,
        species=("F", "P", "N"), flame_speed=s, newton_iterations=out.iterations,
        refinements=out.levels, residual=out.residual, levels=tuple(out.history),
        attrs={
            "flame_speed_error_estimate_m_s": out.error_estimate,
            "observed_order": out.observed_order,
        },
    )
