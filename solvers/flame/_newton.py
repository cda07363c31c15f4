"""Damped Newton with pseudo-transient continuation for steady 1D boundary-value problems.

The hybrid strategy of Cantera's ``Sim1D`` and of CHEMKIN's PREMIX: try a damped Newton solve of
the steady problem; when it fails, march a few backward-Euler pseudo-time steps (which have a
wider basin of attraction) and try again. Damping follows Deuflhard's natural-monotonicity test:
a step is accepted when the next undamped Newton correction is smaller than the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ._errors import FlameConvergenceError
from ._params import _check


@dataclass(frozen=True)
class NewtonOptions:
    """Tolerances and limits of `solve_steady`.

    **Arguments**

    - `rtol`, `atol`: a correction ``dx`` is converged when ``rms(dx / (rtol |x| + atol)) < 1``.
    - `rtol_transient`: the looser relative tolerance of each pseudo-time step (only the steady
      solve has to be accurate).
    - `max_iterations`: Newton iterations per attempt.
    - `max_time_steps`: pseudo-time steps in total before giving up.
    - `dt0`: first pseudo-time step (in the time unit of the mass matrix).
    - `time_steps_per_attempt`: steps marched before retrying the steady problem.
    - `max_jacobian_age`: Newton iterations that may reuse one factorised Jacobian.
    - `project_bounds`: clip iterates onto the bounds instead of shortening the step, so that
      one component at its bound (a mass fraction at zero) does not stall all the others.
    """

    rtol: float = 1e-9
    rtol_transient: float = 1e-4
    atol: float = 1e-12
    max_iterations: int = 40
    max_time_steps: int = 500
    dt0: float = 1e-7
    time_steps_per_attempt: int = 10
    max_jacobian_age: int = 1
    project_bounds: bool = False

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field outside its valid range."""
        _check("rtol", self.rtol, 0.0, 1.0)
        _check("rtol_transient", self.rtol_transient, 0.0, 1.0)
        _check("atol", self.atol, 0.0, 1e6)
        _check("max_iterations", self.max_iterations, 1, 1e6, lo_open=False)
        _check("max_time_steps", self.max_time_steps, 0, 1e7, lo_open=False)
        _check("dt0", self.dt0, 0.0, 1e6)
        _check("time_steps_per_attempt", self.time_steps_per_attempt, 1, 1e6, lo_open=False)
        _check("max_jacobian_age", self.max_jacobian_age, 1, 1e6, lo_open=False)


@dataclass
class NewtonResult:
    x: np.ndarray
    iterations: int
    residual: float


ResidualFn = Callable[[np.ndarray], np.ndarray]
JacobianFn = Callable[[np.ndarray], sp.spmatrix]


def _factor(Jm):
    try:
        return spla.splu(sp.csc_matrix(Jm))
    except RuntimeError:  # exactly singular
        return None


def _damped_newton(
    F: ResidualFn,
    J: JacobianFn,
    x: np.ndarray,
    scale: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    max_iterations: int,
    max_age: int = 1,
    project: bool = False,
) -> tuple[np.ndarray | None, int]:
    """One damped Newton solve; returns ``(x, iterations)`` or ``(None, iterations)`` on failure.

    The factorised Jacobian is reused for up to `max_age` iterations; a step that fails with an
    old Jacobian is retried with a fresh one before the solve is declared failed. Steps are
    shortened to stay within the bounds, or with `project` clipped onto them.
    """

    def norm(d):
        return float(np.sqrt(np.mean((d / scale) ** 2)))

    lu, age, it = None, 0, 0
    while it < max_iterations:
        it += 1
        f = F(x)
        if not np.all(np.isfinite(f)):
            return None, it
        if lu is None or age >= max_age:
            lu, age = _factor(J(x)), 0
            if lu is None:
                return None, it
        dx = -lu.solve(f)
        n0 = norm(dx)
        if not np.isfinite(n0):
            return None, it
        if project:
            alpha = 1.0
        else:  # the largest step fraction that keeps x within its bounds
            with np.errstate(divide="ignore", invalid="ignore"):
                lim = np.where(dx < 0, (lower - x) / dx,
                               np.where(dx > 0, (upper - x) / dx, np.inf))
            alpha = min(1.0, 0.9 * float(np.min(lim))) if np.any(lim < 1.0) else 1.0
        while alpha > 1e-4:
            x1 = x + alpha * dx
            if project:
                x1 = np.clip(x1, lower, upper)
            f1 = F(x1)
            if np.all(np.isfinite(f1)):
                dx1 = -lu.solve(f1)
                n1 = norm(dx1)
                if n1 < max(1.0, (1.0 - 0.5 * alpha) * n0):
                    break
            alpha /= 3.0
        else:
            if age > 0:
                lu = None  # retry this iterate with a fresh Jacobian
                continue
            return None, it
        age += 1
        x = x1
        if n0 < 1.0 or (alpha == 1.0 and n1 < 1.0):
            x_final = x + dx1
            return (np.clip(x_final, lower, upper) if project else x_final), it
    return None, max_iterations


def solve_steady(
    F: ResidualFn,
    J: JacobianFn,
    x0: np.ndarray,
    *,
    mass: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    options: NewtonOptions = NewtonOptions(),
) -> NewtonResult:
    """Solve ``F(x) = 0`` from ``x0``, falling back on pseudo-time stepping when Newton fails.

    **Arguments**

    - `F`, `J`: residual and its sparse Jacobian. The transient problem is
      ``mass * dx/dt = F(x)``; ``mass`` is zero for algebraic rows (boundary conditions,
      eigenvalue constraints) and positive for the rows of the differential equations.
    - `x0`: initial guess; `lower`, `upper`: bounds no iterate may cross.

    **Returns**

    A `NewtonResult`; raises `FlameConvergenceError` with the residual reached on failure.
    """
    x = np.asarray(x0, dtype=float).copy()
    total = 0
    dt = options.dt0
    steps = 0
    Mdiag = sp.diags(mass)

    def scale_of(x, rtol=options.rtol):
        return rtol * np.abs(x) + options.atol

    while True:
        sol, it = _damped_newton(
            F, J, x, scale_of(x), lower, upper, options.max_iterations, options.max_jacobian_age,
            options.project_bounds,
        )
        total += it
        if sol is not None:
            return NewtonResult(sol, total, float(np.max(np.abs(F(sol)))))
        if steps >= options.max_time_steps:
            raise FlameConvergenceError(
                f"Newton failed after {total} iterations and {steps} pseudo-time steps",
                float(np.max(np.abs(F(x)))),
            )
        for _ in range(options.time_steps_per_attempt):
            x_old = x

            def Ft(y, x_old=x_old, dt=dt):
                return F(y) - mass * (y - x_old) / dt

            def Jt(y, dt=dt):
                return J(y) - Mdiag / dt

            y, it = _damped_newton(Ft, Jt, x_old, scale_of(x_old, options.rtol_transient),
                                   lower, upper, 10,
                                   options.max_jacobian_age, options.project_bounds)
            total += it
            steps += 1
            if y is None:
                dt /= 4.0
                if dt < 1e-20:
                    raise FlameConvergenceError(
                        "pseudo-time step fell below 1e-20", float(np.max(np.abs(F(x))))
                    )
            else:
                x = y
                dt *= 2.0
            if steps >= options.max_time_steps:
                break
