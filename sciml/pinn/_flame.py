"""FlamePINN for Case 1: the simplified freely propagating flame, with s_L trainable.

The residual is `solvers.flame.energy_residual` (one formulation for the classical solver and
the PINN), written in ξ = x / W, θ = (T - T_in) / (T_ad - T_in) and scaled pointwise so its
terms are O(1) in the preheat zone as in the flame (`_FlameNetwork.weight`). Boundary conditions
are hard, built into the output transform, and keep 0 < θ < 1 (T_in < T < T_ad):

- ``"gradient"`` mode (T(0) = T_in, T'(0) = G): θ = 1 - exp(-z) with
  z = g ξ + ξ² softplus(N(ξ) - N(ξ_f) + c), g = G W / ΔT, and c such that θ(ξ_f) = 1/2 at a
  trainable flame position ξ_f. The flame cannot leave the domain, which rules out the
  no-flame near-solution (s_L → 0, T ≈ T_in + G x) the published recipe falls into;
- ``"free"`` mode (T(x_fix) = T_fix): θ = σ(N(ξ) - N(ξ_fix) + logit θ_fix); the far-upstream
  inlet θ(0) = 0 is a soft condition.

Both have the classical solver's zero-gradient outlet as a soft condition.

Training: a warm-up fitting a tanh profile (placed where the flame sits whatever s_L is), then
Adam with s_L eliminated by variable projection (at every step it is the least-squares optimum
for the current network, so its starting value does not matter), residual-based extra
collocation points, and L-BFGS on the same reduced loss, in float64 by default.
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
from ._checkpoint import Checkpoint
from ._constraints import pinned_sigmoid
from ._nets import raw_output
from ._training import Schedule, train
from ._variables import BoundedVariable, PositiveVariable

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
    - `speed`: how s_L is trained: ``"projected"`` (default; at every step the least-squares
      optimum for the current network) or ``"trained"`` (by its gradient from the start
      value, as the published recipe).
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
    speed: str = "projected"

    def __post_init__(self) -> None:
        if self.speed not in ("projected", "trained"):
            raise ValueError(f"speed={self.speed!r} is not one of ('projected', 'trained')")
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
    checkpoint: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> FlamePINNResult:
    """Train the Case 1 PINN and return its flame speed and temperature field.

    `s_guess` starts the trainable s_L [m/s]; `device` is a torch device (``"cuda"`` runs
    there); `checkpoint` a file the training state is saved to as it goes, and resumed from
    when it exists (`Checkpoint`); `progress(n)` is called every iteration.

    With ``config.speed = "projected"`` (default) s_L is at every step the exact least-squares
    minimiser of the loss for the current network (the residual is affine in s_L: variable
    projection), so `s_guess` is only its value before the first step and a poor one cannot
    drag the network into a wrong solution. ``"trained"`` is the published recipe: s_L follows
    its gradient from `s_guess`.
    """
    params.validate()
    if not (math.isfinite(s_guess) and 0.0 < s_guess <= 10.0):
        raise ValueError(f"s_guess={s_guess!r} is outside the valid range (0, 10] m/s")
    configure(dtype=config.dtype, device=device, seed=seed)
    dde = deepxde()
    s_L = PositiveVariable("flame_speed_m_s", s_guess)
    setup = _FlameNetwork(params, config)
    project = config.speed == "projected"

    def pde(xi, theta):
        terms = setup.terms(xi, theta)
        w = setup.weight(xi, terms[0])
        if project and xi.requires_grad and setup.net.training:
            s_L.project(w * energy_residual(*terms, 0.0, params),
                        w * energy_residual(*terms, 1.0, params))
        return w * energy_residual(*terms, s_L.tensor(), params)

    data = dde.data.PDE(setup.geom, pde, setup.bcs, num_domain=config.collocation,
                        num_boundary=2, train_distribution="uniform")
    model = dde.Model(data, setup.net)

    variables = [s_L, *setup.variables]
    ckpt = None
    if checkpoint is not None:
        meta = {"case": "simple", "params": repr(params), "config": repr(config),
                "s_guess": s_guess, "seed": seed}
        ckpt = Checkpoint(checkpoint, setup.net, variables, meta)
    t0 = time.perf_counter()
    if ckpt is None or not ckpt.resume():
        setup.warm_up(progress)

    def before_lbfgs():
        setup.add_anchors(model, data, pde)
        setup.freeze_weight(model)

    weights = [1.0, *setup.bc_weights]
    history = train(model, variables, config.schedule, loss_weights=weights,
                    progress=progress, before_lbfgs=before_lbfgs, checkpoint=ckpt)
    return FlamePINNResult(s_L.value, params, config, history, time.perf_counter() - t0, model)


class _FlameNetwork:
    """The Case 1 network θ(ξ) with its hard boundary conditions, warm-up and derivatives."""

    def __init__(self, params: SimpleFlameParams, config: FlamePINNConfig,
                 position_rate: float = 10.0):
        dde = deepxde()
        self.params, self.config = params, config
        self.W = W = config.domain
        self.dT = dT = params.T_ad - params.T_in
        self.net = net = dde.nn.FNN([1, *config.layers, 1], "tanh", "Glorot normal")
        self.geom = dde.geometry.Interval(0.0, 1.0)
        # Thickness of the warm-up profile (from the fixed S_REF, not from a flame-speed guess).
        self.delta = delta = params.conductivity / (params.rho_in * params.cp * S_REF)
        if config.mode == "gradient":
            g = config.gradient * W / dT
            # Across φ ∈ [0.4, 0.5], T_in ∈ [298, 600] K the gradient-mode flame sits at
            # x ≈ 0.3-0.45 mm; the warm-up front is placed there whatever the s_L start.
            self.x_c = delta * math.log(max(dT / (2.0 * config.gradient * delta), 1.5))
            # Forward problem: rate 10, the position moves ten times Adam's base step (at the
            # base step it drifts to where the flame sits too slowly for a short training).
            self.position = BoundedVariable("flame_position_xi", self.x_c / W, 0.02, 0.98,
                                            rate=position_rate)
            self.variables = [self.position]
            ln2 = math.log(2.0)

            def transform(xi, N):
                # z = -log(1 - θ) = g ξ + ξ² softplus(N - N(ξ_f) + c): θ(0) = 0, θ'(0) = g,
                # 0 < θ < 1, and θ(ξ_f) = 1/2 at the trainable flame position ξ_f (c is set
                # for that). A flame inside the domain rules out the no-flame near-solution
                # s_L → 0, T ≈ T_in + G x, whose residual is tiny because ω(T_in) is.
                xf = self.position.tensor()
                raw = raw_output(net, xf.reshape(1, 1).to(xi.dtype))
                c = torch.log(torch.expm1((ln2 - g * xf) / xf**2))
                z = g * xi + xi**2 * torch.nn.functional.softplus(N - raw + c)
                return 1.0 - torch.exp(-z)

            self.bcs, self.bc_weights = [], []
        else:
            x_fix, T_fix = config.pin(params)
            # θ = sigmoid(N − N(ξ_fix) + logit θ_fix): 0 < θ < 1, θ(ξ_fix) = θ_fix
            transform = pinned_sigmoid(net, x_fix / W, (T_fix - params.T_in) / dT)

            self.bcs = [dde.icbc.DirichletBC(self.geom, lambda x: 0.0,
                                             lambda x, on: on and np.isclose(x[0], 0.0))]
            self.bc_weights = [1e-2]
            self.x_c = x_fix - 2.0 * delta * math.atanh(2.0 * (T_fix - params.T_in) / dT - 1.0)
            self.variables = []
        net.apply_output_transform(transform)
        # Zero-gradient outlet, as the classical solver (soft).
        self.bcs.append(dde.icbc.NeumannBC(self.geom, lambda x: 0.0,
                                           lambda x, on: on and np.isclose(x[0], 1.0)))
        self.bc_weights.append(1.0)
        self._frozen = None

    def terms(self, xi, theta):
        """(T, T', T'') [K, K/m, K/m²] from the network output θ at ξ."""
        dde = deepxde()
        th_x = dde.grad.jacobian(theta, xi)
        th_xx = dde.grad.hessian(theta, xi)
        return (self.params.T_in + self.dT * theta, self.dT * th_x / self.W,
                self.dT * th_xx / self.W**2)

    def weight(self, xi, T):
        """Pointwise scale of the energy residual: δ / (ρ_in c_p S_REF ΔT (q + θ_0)).

        With q ~ 1 in the flame this is the fixed scale that makes the terms O(1). In the
        preheat zone every term decays like θ, in the burnt-gas tail like 1 - θ; without the
        weight these zones, which fix where the flame sits and how it burns out, would be
        nearly unweighted. During Adam q = θ (the preheat only: weighting the tail from the
        start lets the network fall into a static s_L → 0 state); for L-BFGS, which starts
        near the solution, q = θ (1 - θ) frozen at the θ(ξ) Adam reached (`freeze_weight`:
        the line search needs one fixed objective). Based on θ rather than on T', it gives no
        reward to steep fronts hidden between collocation points. θ_0 = 1e-3 (the inlet
        gradient 1e5 K/m is about 1e-3 ΔT / δ) bounds it. Never differentiated.
        """
        if self._frozen is not None:
            theta = _interp_uniform(xi.detach()[:, 0], self._frozen)[:, None]
            theta = theta * (1.0 - theta)
        else:
            theta = (T.detach() - self.params.T_in) / self.dT
        p = self.params
        return self.delta / (p.rho_in * p.cp * S_REF * self.dT * (theta + 1e-3))

    def freeze_weight(self, model) -> None:
        """Freeze the residual weight at the current θ(ξ) (tabulated on a fine grid)."""
        xi = np.linspace(0.0, 1.0, 20001)[:, None]
        self._frozen = torch.as_tensor(model.predict(xi)[:, 0])

    def warm_up(self, progress: Callable[[int], None] | None = None) -> None:
        """Fit the tanh start profile (``config.warmup`` Adam iterations)."""
        n = self.config.warmup
        if not n:
            return
        dde = deepxde()
        xw = np.linspace(0.0, 1.0, 1001)[:, None]
        thw = 0.5 * (1.0 + np.tanh((xw * self.W - self.x_c) / (2.0 * self.delta)))
        warm = dde.Model(dde.data.DataSet(X_train=xw, y_train=thw, X_test=xw, y_test=thw),
                         self.net)
        warm.compile("adam", lr=1e-3)
        warm.train(iterations=n, verbose=0, display_every=n)
        if progress is not None:
            progress(n)

    def add_anchors(self, model, data, pde) -> None:
        """Add ``config.adaptive`` collocation points where the residual is largest."""
        n = self.config.adaptive
        if n:
            xi = np.linspace(0.0, 1.0, 20 * (self.config.collocation + n))[:, None]
            r = np.abs(np.asarray(model.predict(xi, operator=pde)))[..., 0].ravel()
            data.add_anchors(xi[np.argsort(r)[-n:]])


def _interp_uniform(xi, table):
    """Linear interpolation of `table` (values on a uniform grid of [0, 1]) at `xi`."""
    n = table.numel() - 1
    pos = torch.clamp(xi, 0.0, 1.0) * n
    k = torch.clamp(pos.floor().long(), max=n - 1)
    f = pos - k
    return (1.0 - f) * table[k] + f * table[k + 1]
