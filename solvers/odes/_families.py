"""Parametric ODE families, each written once as sympy expressions of the state x1..xd and its
parameters: the same expressions are integrated (lambdified, batched through scipy's
`solve_ivp`), perturbed symbolically and printed as token sequences.

Time runs over t in [0, 6] for every family; each family's time and state scales are chosen so
that this window holds about one to three characteristic periods with states of order 1 to 10
(the chaotic systems are slowed so that they stay predictable for a few Lyapunov times).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp

#: State symbols, shared by every family: x1, x2, x3.
STATE = sp.symbols("x1:4", real=True)
MAX_DIM = len(STATE)


@dataclass(frozen=True)
class OdeFamily:
    """dx/dt = f(x; p) for x in R^dim.

    `rhs` are sympy expressions in ``STATE[:dim]`` and the symbols of `params` (pairs of symbol
    and nominal value); `initial` gives the box, per component, the initial conditions are drawn
    from; `labels` name the components for plots.
    """

    name: str
    rhs: tuple
    params: tuple
    initial: tuple
    labels: tuple

    @property
    def dim(self) -> int:
        return len(self.rhs)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(str(s) for s, _ in self.params)

    @property
    def nominal(self) -> np.ndarray:
        return np.array([v for _, v in self.params], dtype=float)

    def equation(self, values=None) -> tuple:
        """The right-hand side with parameter `values` (default nominal) substituted, expanded
        into a sum of terms with float coefficients."""
        values = self.nominal if values is None else np.asarray(values, dtype=float)
        if values.shape != (len(self.params),):
            raise ValueError(f"values has shape {values.shape}; {self.name} has "
                             f"{len(self.params)} parameters {self.param_names}")
        subs = {s: sp.Float(float(v)) for (s, _), v in zip(self.params, values, strict=True)}
        return tuple(sp.expand(e.subs(subs)) for e in self.rhs)

    @functools.cached_property
    def _function(self):
        syms = [*STATE[: self.dim], *(s for s, _ in self.params)]
        return sp.lambdify(syms, list(self.rhs), modules="numpy")

    def rhs_values(self, x: np.ndarray, values: np.ndarray) -> np.ndarray:
        """f(x; p) for states `x` (..., dim) and parameters `values` (..., n_params),
        broadcast over the leading axes."""
        x = np.asarray(x, dtype=float)
        values = np.asarray(values, dtype=float)
        out = self._function(*np.moveaxis(x, -1, 0), *np.moveaxis(values, -1, 0))
        shape = np.broadcast_shapes(x.shape[:-1], values.shape[:-1])
        return np.stack([np.broadcast_to(np.asarray(o, dtype=float), shape) for o in out], -1)

    def sample_params(self, rng: np.random.Generator, n: int, spread: float = 0.1) -> np.ndarray:
        """`n` parameter vectors, each entry uniform in nominal·[1 − spread, 1 + spread]."""
        if not 0.0 <= spread < 1.0:
            raise ValueError(f"spread={spread!r} is outside the valid range [0, 1)")
        return self.nominal * rng.uniform(1.0 - spread, 1.0 + spread, (n, len(self.params)))

    def sample_initial(self, rng: np.random.Generator, n: int) -> np.ndarray:
        lo, hi = np.array(self.initial, dtype=float).T
        return rng.uniform(lo, hi, (n, self.dim))

    def integrate(self, values: np.ndarray, x0: np.ndarray, t: np.ndarray, *,
                  rtol: float = 1e-9, atol: float = 1e-9) -> np.ndarray:
        """Trajectories (n, len(t), dim) from initial states `x0` (n, dim) with parameters
        `values` (n, n_params): one `solve_ivp` (DOP853) over the stacked systems."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        x0 = np.atleast_2d(np.asarray(x0, dtype=float))
        n = x0.shape[0]
        if x0.shape != (n, self.dim) or values.shape != (n, len(self.params)):
            raise ValueError(f"x0 {x0.shape} and values {values.shape} must be (n, {self.dim}) "
                             f"and (n, {len(self.params)})")

        def f(_, y):
            return self.rhs_values(y.reshape(n, self.dim), values).ravel()

        sol = solve_ivp(f, (float(t[0]), float(t[-1])), x0.ravel(), method="DOP853",
                        t_eval=t, rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError(f"{self.name}: integration failed: {sol.message}")
        return sol.y.reshape(n, self.dim, len(t)).transpose(0, 2, 1)


def integrate_expressions(exprs, x0: np.ndarray, t: np.ndarray, *, blow_up: float = 1e3,
                          rtol: float = 1e-8, atol: float = 1e-8) -> np.ndarray:
    """Integrate dx/dt = exprs(x) (sympy expressions in x1..xd with numbers only) from `x0` (dim,)
    over `t`. Where the solution leaves |x| < `blow_up` or the integrator fails, the remaining
    times hold the last state reached (the state at the escape, so that an unstable guess
    gives a finite, large error)."""
    dim = len(exprs)
    fn = sp.lambdify(list(STATE[:dim]), list(exprs), modules="numpy")

    def f(_, y):
        return np.array([float(v) for v in np.broadcast_arrays(*fn(*y))], dtype=float)

    def escape(_, y):
        return blow_up - np.max(np.abs(y))

    escape.terminal = True
    out = np.empty((len(t), dim))
    with np.errstate(all="ignore"):
        sol = solve_ivp(f, (float(t[0]), float(t[-1])), np.asarray(x0, dtype=float),
                        method="LSODA", t_eval=t, rtol=rtol, atol=atol, events=escape)
    k = sol.y.shape[1]
    out[:k] = sol.y.T
    if k < len(t):
        escaped = sol.status == 1 and len(sol.y_events[0])
        out[k:] = sol.y_events[0][0] if escaped else (sol.y[:, -1] if k else x0)
    return out


def _family(name, rhs, params, initial, labels):
    return OdeFamily(name, tuple(rhs), tuple((sp.Symbol(k, real=True), v) for k, v in params),
                     tuple(initial), tuple(labels))


def _families() -> dict[str, OdeFamily]:
    x, y, z = STATE
    p = {k: sp.Symbol(k, real=True) for k in
         ("sigma rho beta a b c d mu alpha gamma delta eps I k omega lam").split()}
    fams = [
        # Lorenz (σ, ρ, β) = (10, 28, 8/3), time slowed 5×, states scaled by 1/10
        _family("lorenz", [p["sigma"] * (y - x), p["rho"] * x - p["c"] * x * z - p["lam"] * y,
                           p["c"] * x * y - p["beta"] * z],
                [("sigma", 2.0), ("rho", 5.6), ("c", 2.0), ("lam", 0.2), ("beta", 0.533)],
                [(-1.5, 1.5), (-1.5, 1.5), (1.0, 3.0)], ["x", "y", "z"]),
        # Rössler, the classical chaotic (a, b, c) = (0.2, 0.2, 5.7), states scaled by 1/5
        _family("rossler", [-y - z, x + p["a"] * y, p["b"] + p["d"] * x * z - p["c"] * z],
                [("a", 0.2), ("b", 0.04), ("d", 5.0), ("c", 5.7)],
                [(-2.0, 2.0), (-2.0, 2.0), (0.0, 0.4)], ["x", "y", "z"]),
        # Thomas' cyclically symmetric attractor, time sped up 3×
        _family("thomas", [p["k"] * sp.sin(y) - p["b"] * x, p["k"] * sp.sin(z) - p["b"] * y,
                           p["k"] * sp.sin(x) - p["b"] * z],
                [("k", 3.0), ("b", 0.6)],
                [(-3.0, 3.0), (-3.0, 3.0), (-3.0, 3.0)], ["x", "y", "z"]),
        # Duffing oscillator, unforced, double well
        _family("duffing", [y, -p["delta"] * y + p["alpha"] * x - p["beta"] * x**3],
                [("delta", 0.3), ("alpha", 2.0), ("beta", 1.0)],
                [(-2.0, 2.0), (-2.0, 2.0)], ["x", "v"]),
        # Van der Pol
        _family("van_der_pol", [y, p["mu"] * (1 - x**2) * y - p["omega"] * x],
                [("mu", 1.5), ("omega", 2.0)], [(-2.5, 2.5), (-2.5, 2.5)], ["x", "v"]),
        # Lotka–Volterra predator–prey
        _family("lotka_volterra", [p["alpha"] * x - p["beta"] * x * y,
                                   p["delta"] * x * y - p["gamma"] * y],
                [("alpha", 2.0), ("beta", 1.2), ("delta", 1.0), ("gamma", 1.6)],
                [(0.5, 2.5), (0.5, 2.5)], ["prey", "predator"]),
        # FitzHugh–Nagumo (FitzHugh's form), time sped up 2×
        _family("fitzhugh_nagumo", [p["c"] * (x - x**3 / 3 - y + p["I"]),
                                    p["eps"] * (x + p["a"] - p["b"] * y)],
                [("c", 6.0), ("I", 0.5), ("eps", 0.7), ("a", 0.7), ("b", 0.8)],
                [(-2.0, 2.0), (-1.0, 1.5)], ["v", "w"]),
        # SIR epidemic, fractions of the population
        _family("sir", [-p["beta"] * x * y, p["beta"] * x * y - p["gamma"] * y, p["gamma"] * y],
                [("beta", 2.5), ("gamma", 0.6)],
                [(0.8, 0.98), (0.02, 0.2), (0.0, 0.0)], ["S", "I", "R"]),
        # damped pendulum, angle and angular velocity
        _family("pendulum", [y, -p["omega"] * sp.sin(x) - p["b"] * y],
                [("omega", 4.0), ("b", 0.25)], [(-2.5, 2.5), (-2.0, 2.0)], ["theta", "omega"]),
        # linear: damped rotation in (x1, x2), decay in x3
        _family("linear", [-p["a"] * x + p["omega"] * y, -p["omega"] * x - p["a"] * y,
                           -p["gamma"] * z],
                [("a", 0.3), ("omega", 2.0), ("gamma", 0.5)],
                [(-2.0, 2.0), (-2.0, 2.0), (-2.0, 2.0)], ["x", "y", "z"]),
    ]
    return {f.name: f for f in fams}


#: The families by name.
FAMILIES: dict[str, OdeFamily] = _families()


def family(name: str) -> OdeFamily:
    """The family called `name` (see ``FAMILIES``)."""
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"family={name!r} must be one of {tuple(FAMILIES)}") from None
