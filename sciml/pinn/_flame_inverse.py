"""FlamePINN inverse problem for Case 1: s_L, λ and E_a from sparse noisy T and u observations.

The network, its hard boundary conditions (gradient mode: T(0) = T_in, T'(0) = G) and the
residual are those of the forward problem (`train_flame_pinn`); λ and E_a become trainable
`PositiveVariable`s next to s_L. The observations enter as whitened log-misfits,
``(log T_PINN(x_i) - log T_obs,i) / noise`` and the same for ``u = s_L T / T_in`` (mass
conservation at constant pressure and molar mass), so each data term is the χ² per point of a
relative (multiplicative) Gaussian noise model.

Uncertainty, a Bayesian calibration on top of the PINN: flat prior in log λ and log E_a, the
classical solver (`solvers.flame.solve_simple_flame`, same mode and domain) as the forward
model, s_L a derived quantity (its eigenvalue). Started at the PINN estimate, a least-squares
search finds the posterior mode (a few solves; the PINN's own error, ~0.1-0.3 %, is of the
size of the posterior width, so centring the intervals on the PINN estimate would not be
honest), and a Laplace approximation there gives the intervals
(`sciml.calibration.laplace_posterior`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from sciml.calibration import LaplacePosterior, laplace_posterior
from solvers.flame import FlameSolution, SimpleFlameParams, energy_residual, solve_simple_flame

from ._backend import configure, deepxde
from ._flame import FlamePINNConfig, FlamePINNResult, _FlameNetwork
from ._training import Schedule, train
from ._variables import PositiveVariable

INVERSE_CONFIG = FlamePINNConfig(schedule=Schedule(adam=5000, lbfgs=3000))


@dataclass(frozen=True)
class FlameObservations:
    """Point observations of temperature and axial velocity in a Case 1 flame.

    `x` [m], `T` [K], `u` [m/s] (same length), and `noise`, the relative standard deviation
    of the measurement noise (e.g. 0.02).
    """

    x: np.ndarray
    T: np.ndarray
    u: np.ndarray
    noise: float

    def __post_init__(self) -> None:
        n = np.asarray(self.x).size
        if n < 3:
            raise ValueError(f"x has {n} observations; at least 3 are needed")
        if np.asarray(self.T).shape != (n,) or np.asarray(self.u).shape != (n,):
            raise ValueError("x, T and u must be 1D arrays of the same length")
        if np.any(np.asarray(self.T) <= 0.0) or np.any(np.asarray(self.u) <= 0.0):
            raise ValueError("T and u observations must be positive")
        if not (math.isfinite(self.noise) and 0.0 < self.noise < 1.0):
            raise ValueError(f"noise={self.noise!r} is outside the valid range (0, 1)")

    @classmethod
    def synthetic(cls, solution: FlameSolution, n_obs: int, noise: float,
                  seed: int = 0) -> FlameObservations:
        """Observe a classical solution at `n_obs` evenly spaced sensors (cell centres of the
        domain) with multiplicative Gaussian noise ``(1 + noise ε)``, ε ~ N(0, 1)."""
        if not (isinstance(n_obs, (int, np.integer)) and 3 <= n_obs <= 10_000):
            raise ValueError(f"n_obs={n_obs!r} is outside the valid range [3, 10000]")
        if not (math.isfinite(noise) and 0.0 < noise < 1.0):
            raise ValueError(f"noise={noise!r} is outside the valid range (0, 1)")
        width = float(solution.x[-1])
        x = (np.arange(n_obs) + 0.5) * width / n_obs
        rng = np.random.default_rng(seed)
        T = np.interp(x, solution.x, solution.T) * (1.0 + noise * rng.standard_normal(n_obs))
        u = np.interp(x, solution.x, solution.u) * (1.0 + noise * rng.standard_normal(n_obs))
        return cls(x, T, u, noise)


@dataclass(kw_only=True)
class FlameInverseResult(FlamePINNResult):
    """PINN estimates of s_L [m/s], λ [W/m/K], E_a [J/mol], the posterior and the PINN.

    `posterior` is centred on the posterior mode (``posterior.estimate``: λ, E_a; s_L in
    ``posterior.derived``), found from the PINN estimate; `interval` reads it.
    """

    conductivity: float
    activation_energy: float
    posterior: LaplacePosterior

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float]:
        """Credible interval of ``"flame_speed"``, ``"conductivity"`` or
        ``"activation_energy"`` at `level`."""
        return self.posterior.interval(name, level)

    def posterior_mode(self, name: str) -> float:
        """Posterior mode of ``"flame_speed"``, ``"conductivity"`` or ``"activation_energy"``."""
        return self.posterior.mode(name)


def infer_simple_flame(
    observations: FlameObservations,
    params: SimpleFlameParams = SimpleFlameParams(phi=0.46),
    *,
    conductivity_guess: float = 0.03,
    activation_energy_guess: float = 1.5e5,
    config: FlamePINNConfig = INVERSE_CONFIG,
    data_weight: float = 1e-3,
    device: str = "cpu",
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> FlameInverseResult:
    """Infer s_L, λ and E_a of a gradient-mode Case 1 flame from T and u observations.

    `params` holds what is known (φ, T_in, p, c_p, q_F, A, ...); its λ and E_a are not used.
    The guesses start the trainable λ [W/m/K] and E_a [J/mol]; s_L starts from the
    observations (``mean(u_obs T_in / T_obs)``). `data_weight` weighs the χ² data terms
    against the normalised residual. `device`, `seed`, `progress` as in `train_flame_pinn`.
    """
    params.validate()
    if config.mode != "gradient":
        raise ValueError(f"config.mode={config.mode!r}: the inverse problem uses 'gradient'")
    for name, v in (("conductivity_guess", conductivity_guess),
                    ("activation_energy_guess", activation_energy_guess)):
        if not (math.isfinite(v) and v > 0.0):
            raise ValueError(f"{name}={v!r} is outside the valid range (0, inf)")
    if not 0.0 < data_weight < 1e6:
        raise ValueError(f"data_weight={data_weight!r} is outside the valid range (0, 1e6)")
    obs = observations
    if np.any(obs.x <= 0.0) or np.any(obs.x >= config.domain):
        raise ValueError(f"observation positions must lie inside (0, {config.domain}) m")
    configure(dtype=config.dtype, device=device, seed=seed)
    dde = deepxde()

    s_L = PositiveVariable("flame_speed_m_s", float(np.mean(obs.u * params.T_in / obs.T)))
    lam = PositiveVariable("conductivity_W_mK", conductivity_guess)
    E_a = PositiveVariable("activation_energy_J_mol", activation_energy_guess)
    # The flame position at Adam's base rate: with λ and E_a still far off, a fast position
    # follows the wrong preheat length (measured: λ -23 % at rate 10, -0.7 % at rate 1).
    setup = _FlameNetwork(replace(params, conductivity=conductivity_guess), config,
                          position_rate=1.0)
    unknown = _Overrides(params)

    def pde(xi, theta):
        unknown.conductivity, unknown.activation_energy = lam.tensor(), E_a.tensor()
        terms = setup.terms(xi, theta)
        return setup.weight(xi, terms[0]) * energy_residual(*terms, s_L.tensor(), unknown)

    def log_T(theta):
        return torch.log(params.T_in + setup.dT * theta) / obs.noise

    xi_obs = (obs.x / config.domain)[:, None]
    T_data = dde.icbc.PointSetOperatorBC(
        xi_obs, (np.log(obs.T) / obs.noise)[:, None], lambda xi, theta, X: log_T(theta))
    u_data = dde.icbc.PointSetOperatorBC(
        xi_obs, (np.log(obs.u * params.T_in) / obs.noise)[:, None],
        lambda xi, theta, X: log_T(theta) + torch.log(s_L.tensor()) / obs.noise)
    data = dde.data.PDE(setup.geom, pde, [*setup.bcs, T_data, u_data],
                        num_domain=config.collocation,
                        num_boundary=2, train_distribution="uniform")
    model = dde.Model(data, setup.net)

    def before_lbfgs():
        setup.add_anchors(model, data, pde)
        setup.freeze_weight(model)

    t0 = time.perf_counter()
    setup.warm_up(progress)
    history = train(model, [s_L, lam, E_a, *setup.variables], config.schedule,
                    loss_weights=[1.0, *setup.bc_weights, data_weight, data_weight],
                    progress=progress,
                    before_lbfgs=before_lbfgs)
    seconds = time.perf_counter() - t0

    posterior = flame_posterior(obs, params, lam.value, E_a.value, width=config.domain,
                                gradient=config.gradient)
    return FlameInverseResult(flame_speed=s_L.value, conductivity=lam.value,
                              activation_energy=E_a.value, posterior=posterior, params=params,
                              config=config, history=history, train_seconds=seconds,
                              model=model)


def flame_posterior(obs: FlameObservations, params: SimpleFlameParams, conductivity: float,
                    activation_energy: float, *, width: float,
                    gradient: float = 1e5) -> LaplacePosterior:
    """Laplace posterior of (λ, E_a) and s_L at the mode nearest an estimate (classical solver).

    The first solve (adaptive grid, 2 bisections) fixes the grid; the mode search and the
    finite-difference neighbours are solved on that same grid, so the model is smooth in λ
    and E_a.
    """
    base = solve_simple_flame(replace(params, conductivity=conductivity,
                                      activation_energy=activation_energy),
                              mode="gradient", width=width, gradient=gradient, bisections=2)

    def predict(theta):
        sol = solve_simple_flame(
            replace(params, conductivity=float(theta[0]), activation_energy=float(theta[1])),
            mode="gradient", width=width, gradient=gradient, grid=base.x, criteria=None,
            bisections=0, s_guess=base.flame_speed)
        T = np.interp(obs.x, sol.x, sol.T)
        y = np.log(np.concatenate([T, sol.flame_speed * T / params.T_in]))
        return y, {"flame_speed": sol.flame_speed}

    observed = np.log(np.concatenate([obs.T, obs.u]))
    return laplace_posterior(predict, [conductivity, activation_energy], observed,
                             np.full(observed.size, obs.noise),
                             names=("conductivity", "activation_energy"), refine=True)


class _Overrides:
    """`SimpleFlameParams` with some constants replaced by (trainable) tensors."""

    def __init__(self, base: SimpleFlameParams):
        self._base = base

    def __getattr__(self, name):
        return getattr(self._base, name)
