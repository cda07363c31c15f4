"""FlamePINN for Case 1: the simplified freely propagating flame, with s_L trainable.

The residual is `solvers.flame.energy_residual` (one formulation for the classical solver and
the PINN), written in ξ = x / W, θ = (T - T_in) / (T_ad - T_in) and divided by the fixed scale
(ρ_in c_p s_ref)² ΔT / λ with s_ref = 0.4 m/s, so its terms are O(1) across the range of
interest. Boundary conditions are hard, built into the output transform:

- ``"gradient"`` mode (T(0) = T_in, T'(0) = G): θ = 1 - exp(-(g ξ + ξ² N(ξ))) with
  g = G W / ΔT, which also keeps θ < 1 (T below T_ad) for any network output N;
- ``"free"`` mode (T(x_fix) = T_fix): θ = σ(N(ξ) - N(ξ_fix) + logit θ_fix), which keeps
  0 < θ < 1; the far-upstream inlet θ(0) = 0 is a soft condition.

Training: a warm-up fitting a tanh profile placed for the starting s_L, then Adam and L-BFGS
(see `Schedule`), in float64 by default.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import xarray as xr

from solvers.flame import SimpleFlameParams, energy_residual

from ._backend import configure, deepxde
from ._training import Schedule, train
from ._variables import PositiveVariable

S_REF = 0.4  # m/s, fixes the residual scale (not a guess of the answer)


@dataclass(frozen=True)
class FlamePINNConfig:
    """Network and training set-up of `train_flame_pinn`.

    **Arguments**

    - `mode`: ``"gradient"`` or ``"free"``; `width`: domain length [m] (default 1.5 mm for
      gradient mode, the FlamePINN-1D domain; 2 mm for free mode); `x_fix`, `T_fix`: free-mode
      pin [m, K] (defaults 0.3 `width` and the mean of T_in and T_ad); `gradient`: inlet T'
      of the gradient mode [K/m].
    - `layers`: hidden layer widths (tanh); `collocation`: uniform residual points;
      `adaptive`: points added before L-BFGS where the residual is largest (residual-based
      adaptive refinement: the reaction zone is a few micrometres thick).
    - `warmup`: Adam iterations fitting the tanh start; `schedule`: the physics training.
    - `dtype`: ``"float64"`` (default) or ``"float32"``.
    """

    mode: str = "gradient"
    width: float | None = None
    x_fix: float | None = None
    T_fix: float | None = None
    gradient: float = 1e5
    layers: tuple[int, ...] = (64, 64, 64)
    collocation: int = 1000
    adaptive: int = 1000
    warmup: int = 1000
    schedule: Schedule = field(default_factory=Schedule)
    dtype: str = "float64"

    def __post_init__(self) -> None:
        if self.mode not in ("gradient", "free"):
            raise ValueError(f"mode={self.mode!r} is not one of ('gradient', 'free')")
        if self.width is not None and not 0.0 < self.width < 0.1:
            raise ValueError(f"width={self.width!r} is outside the valid range (0, 0.1) m")
        if not (isinstance(self.collocation, int) and self.collocation >= 10):
            raise ValueError(f"collocation={self.collocation!r} must be an integer >= 10")

    @property
    def domain(self) -> float:
        return self.width if self.width is not None else (
            1.5e-3 if self.mode == "gradient" else 2.0e-3)

    def pin(self, params: SimpleFlameParams) -> tuple[float, float]:
        """Free-mode pinning point and temperature [m, K]."""
        x_fix = 0.3 * self.domain if self.x_fix is None else self.x_fix
        T_fix = 0.5 * (params.T_in + params.T_ad) if self.T_fix is None else self.T_fix
        if not 0.0 < x_fix < self.domain:
            raise ValueError(f"x_fix={x_fix!r} is outside the valid range (0, {self.domain})")
        if not params.T_in < T_fix < params.T_ad:
            raise ValueError(f"T_fix={T_fix!r} is outside the valid range "
                             f"({params.T_in:g}, {params.T_ad:g})")
        return x_fix, T_fix


@dataclass
class FlamePINNResult:
    """A trained Case 1 PINN: flame speed, the network and its training history."""

    flame_speed: float
    params: SimpleFlameParams
    config: FlamePINNConfig
    history: xr.Dataset
    train_seconds: float
    model: object = field(repr=False)

    def temperature(self, x: np.ndarray) -> np.ndarray:
        """T [K] at positions `x` [m]."""
        xi = np.asarray(x, dtype=float)[:, None] / self.config.domain
        theta = self.model.predict(xi)[:, 0]
        return self.params.T_in + (self.params.T_ad - self.params.T_in) * theta


def train_flame_pinn(
    params: SimpleFlameParams = SimpleFlameParams(),
    *,
    config: FlamePINNConfig = FlamePINNConfig(),
    s_guess: float = 0.4,
    device: str = "cpu",
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> FlamePINNResult:
    """Train the Case 1 PINN and return its flame speed and temperature field.

    `s_guess` starts the trainable s_L [m/s]; `device` is a
    torch device (``"cuda"`` runs there); `progress(n)` is called every iteration.
    """
    params.validate()
    if not (math.isfinite(s_guess) and 0.0 < s_guess <= 10.0):
        raise ValueError(f"s_guess={s_guess!r} is outside the valid range (0, 10] m/s")
    configure(dtype=config.dtype, device=device, seed=seed)
    dde = deepxde()
    W = config.domain
    dT = params.T_ad - params.T_in
    scale = (params.rho_in * params.cp * S_REF) ** 2 * dT / params.conductivity
    s_L = PositiveVariable("flame_speed_m_s", s_guess)
    net = dde.nn.FNN([1, *config.layers, 1], "tanh", "Glorot normal")
    geom = dde.geometry.Interval(0.0, 1.0)
    # Thickness of the warm-up profile (from the fixed S_REF, not from s_guess).
    delta = params.conductivity / (params.rho_in * params.cp * S_REF)

    if config.mode == "gradient":
        g = config.gradient * W / dT

        def transform(xi, N):
            return 1.0 - torch.exp(-(g * xi + xi**2 * N))

        bcs = []
        # The warm-up front does not depend on s_guess: across φ ∈ [0.4, 0.5], T_in ∈ [298,
        # 600] K the gradient-mode flame sits at x ≈ 0.3-0.45 mm; a start placed from a wrong
        # s_guess (flashback or blow-off geometry) is what makes the published recipe fragile.
        x_c = delta * math.log(max(dT / (2.0 * config.gradient * delta), 1.5))
    else:
        x_fix, T_fix = config.pin(params)
        xi_fix = x_fix / W
        offset = math.log((T_fix - params.T_in) / (params.T_ad - T_fix))

        def transform(xi, N):
            raw = _raw(net, torch.full((1, 1), xi_fix, dtype=xi.dtype, device=xi.device))
            return torch.sigmoid(N - raw + offset)

        bcs = [dde.icbc.DirichletBC(geom, lambda x: 0.0,
                                    lambda x, on: on and np.isclose(x[0], 0.0))]
        x_c = x_fix - 2.0 * delta * math.atanh(2.0 * (T_fix - params.T_in) / dT - 1.0)

    def pde(xi, theta):
        th_x = dde.grad.jacobian(theta, xi)
        th_xx = dde.grad.hessian(theta, xi)
        T = params.T_in + dT * theta
        r = energy_residual(T, dT * th_x / W, dT * th_xx / W**2, s_L.tensor(), params)
        return r / scale

    net.apply_output_transform(transform)
    data = dde.data.PDE(geom, pde, bcs, num_domain=config.collocation, num_boundary=2,
                        train_distribution="uniform")
    model = dde.Model(data, net)

    t0 = time.perf_counter()
    if config.warmup:
        xw = np.linspace(0.0, 1.0, 1001)[:, None]
        thw = 0.5 * (1.0 + np.tanh((xw * W - x_c) / (2.0 * delta)))
        warm = dde.Model(dde.data.DataSet(X_train=xw, y_train=thw, X_test=xw, y_test=thw), net)
        warm.compile("adam", lr=1e-3)
        warm.train(iterations=config.warmup, verbose=0, display_every=config.warmup)
        if progress is not None:
            progress(config.warmup)
    def refine_collocation():
        if config.adaptive:
            xi = np.linspace(0.0, 1.0, 20 * (config.collocation + config.adaptive))[:, None]
            r = np.abs(np.asarray(model.predict(xi, operator=pde)))[..., 0].ravel()
            data.add_anchors(xi[np.argsort(r)[-config.adaptive:]])

    weights = None if not bcs else [1.0, 1e-2]
    history = train(model, [s_L], config.schedule, loss_weights=weights, progress=progress,
                    before_lbfgs=refine_collocation)
    return FlamePINNResult(s_L.value, params, config, history, time.perf_counter() - t0, model)


def _raw(net, x):
    """The network without its output transform (to read N at the pinning point)."""
    h = x
    for j, layer in enumerate(net.linears):
        h = layer(h)
        if j < len(net.linears) - 1:
            h = net.activation(h)
    return h
