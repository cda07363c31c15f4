"""FlamePINN for Cases 2 and 3: CH4/air flames with species, real properties, one-step chemistry.

The residuals are the classical solvers' (`solvers.flame.diffusive_fluxes`,
`transport_residuals`, `radial_momentum_residual`), evaluated on torch tensors with the same
`GasProperties` code: NASA7 thermodynamics, mixture-averaged transport and the one-step rate,
differentiated by autograd. Outputs are built so that the constraints hold by construction:

- mass fractions are a softmax (positive, summing to one) of logits ``log(Y_g + ε) + b N_Y``
  around a guide ``Y_g`` tied to the network's own temperature (unburnt to burnt mixture as
  T rises), so the network learns only the departure from it (differential diffusion);
- the temperature stays between its boundary values and the adiabatic temperature.

**Case 2** (``train_ch4_flame_pinn``): freely propagating, free mode (inlet T and Y fixed,
the flame pinned by ``T(x_fix) = T_fix`` built into the output, zero-gradient outlet as a soft
condition); s_L is eliminated by variable projection as in Case 1.

**Case 3** (``train_counterflow_pinn``): premixed jet against N2. The nozzle values of T, Y,
the mass flux ρu and V = 0 are hard (Dirichlet species at the nozzles, where the classical
solver imposes the inflowing species flux; the two agree while the diffusive flux there is
negligible, as it is for flames away from the nozzles); Λ is eliminated by variable projection
(the radial momentum residual is affine in it). The flame is held in the domain at a trainable
position (θ = 1/2 there), else training slides into the cold, non-reacting counterflow; the
network sees x in mm; the energy and species residuals weigh ten times their scales. Training
starts with a warm-up on the classical solver's initial guess (`solvers.flame.counterflow_guess`,
built from the nozzle states only); L-BFGS holds the flame position where Adam left it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import xarray as xr

from solvers.flame import (
    CounterflowParams,
    GasProperties,
    PremixedFlameParams,
    ch4_one_step_solution,
    counterflow_end_states,
    counterflow_guess,
    diffusive_fluxes,
    premixed_end_states,
    radial_momentum_residual,
    transport_residuals,
)

from ._backend import configure, deepxde
from ._checkpoint import Checkpoint
from ._constraints import pinned_sigmoid
from ._training import Schedule, train
from ._variables import BoundedVariable, PositiveVariable, RealVariable

S_REF = 0.4  # m/s, fixes the residual scales (not a guess of the answer)
EPS_Y = 1e-8  # floor of the species guide inside the logarithm
SCALAR_WEIGHT = 10.0  # counterflow: weight of the energy and species residuals


@dataclass(frozen=True)
class PremixedPINNConfig:
    """Network and training set-up of `train_ch4_flame_pinn` and `train_counterflow_pinn`.

    **Arguments**

    - `width`: Case 2 domain length [m] (default 3 mm; the counterflow width comes from its
      parameters); `x_fix`, `T_fix`: Case 2 pin [m, K] (defaults 0.3 `width` and the mean of
      the unburnt and adiabatic temperatures).
    - `layers`: hidden layer widths (tanh); `collocation`: uniform residual points.
    - `warmup`: Adam iterations fitting the start profile; `schedule`: the physics training.
    - `dtype`: ``"float64"`` (default) or ``"float32"``.
    """

    width: float | None = None
    x_fix: float | None = None
    T_fix: float | None = None
    layers: tuple[int, ...] = (64, 64, 64)
    collocation: int = 500
    warmup: int = 1500
    schedule: Schedule = field(default_factory=lambda: Schedule(adam=3000, lbfgs=1000))
    dtype: str = "float64"

    def __post_init__(self) -> None:
        if self.width is not None and not 0.0 < self.width < 0.1:
            raise ValueError(f"width={self.width!r} is outside the valid range (0, 0.1) m")
        if not (isinstance(self.collocation, int) and self.collocation >= 10):
            raise ValueError(f"collocation={self.collocation!r} must be an integer >= 10")
        if not (isinstance(self.warmup, int) and self.warmup >= 0):
            raise ValueError(f"warmup={self.warmup!r} must be an integer >= 0")

    @property
    def domain(self) -> float:
        """Case 2 domain length [m]."""
        return 3.0e-3 if self.width is None else self.width

    def pin(self, T_in: float, T_b: float) -> tuple[float, float]:
        """Case 2 pinning point and temperature [m, K]."""
        x_fix = 0.3 * self.domain if self.x_fix is None else self.x_fix
        T_fix = 0.5 * (T_in + T_b) if self.T_fix is None else self.T_fix
        if not 0.0 < x_fix < self.domain:
            raise ValueError(f"x_fix={x_fix!r} is outside the valid range (0, {self.domain})")
        if not T_in < T_fix < T_b:
            raise ValueError(f"T_fix={T_fix!r} is outside the valid range ({T_in:g}, {T_b:g})")
        return x_fix, T_fix


@dataclass
class PremixedPINNResult:
    """A trained Case 2 or Case 3 PINN.

    `eigenvalue` is s_L [m/s] (``case="ch4"``) or Λ [Pa/m²] (``case="counterflow"``);
    `fields(x)` evaluates the network; `pin` is Case 2's pinning point and temperature
    ``(x_fix [m], T_fix [K])``.
    """

    case: str
    eigenvalue: float
    params: PremixedFlameParams | CounterflowParams
    config: PremixedPINNConfig
    history: xr.Dataset
    train_seconds: float
    species: tuple[str, ...]
    width: float
    model: object = field(repr=False)
    _problem: object = field(repr=False)
    pin: tuple[float, float] | None = None

    def fields(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """``T`` [K] and ``Y`` (K, N) at positions `x` [m]; for the counterflow also the mass
        flux ``mflux`` [kg/m²/s] and ``V`` [1/s]."""
        xi = np.asarray(x, dtype=float)[:, None] / self.width
        return self._problem.fields(xi, self.model.predict(xi))


# --- shared pieces ------------------------------------------------------------------------


def _taylor(fn: Callable, xi: torch.Tensor, width: float):
    """``fn(ξ)`` (N, C) and its first two x-derivatives (x = ξ width), by nested forward-mode
    differentiation: cheaper than reverse mode per output column for a 1D input, and the
    training's backward pass goes through it as usual."""
    ones = torch.ones_like(xi)

    def first(x):
        f, df = torch.func.jvp(fn, (x,), (ones,))
        return df, f

    df, d2f, f = torch.func.jvp(first, (xi,), (ones,), has_aux=True)
    return f, df / width, d2f / width**2


def _species(guide: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Mass fractions (N, K): softmax of ``log(guide + ε) + logits`` (positive, sum to one)."""
    return torch.softmax(torch.log(guide + EPS_Y) + logits, dim=1)


class _Transport:
    """Energy and species terms of a 1D flame at the collocation points.

    The fluxes (and the viscous stress μV') are functions of (T, Y, T', Y', V'); their
    divergences come from one forward-mode derivative with tangents (T', Y', T'', Y'', V'').
    """

    def __init__(self, gas: GasProperties, pressure: float):
        self.gas, self.p = gas, pressure

    def terms(self, T, dT, d2T, Y, dY, d2Y, dV=None, d2V=None):
        """Everything `transport_residuals` needs but the mass flux; then the density, and
        (with `dV`) the divergence of the viscous stress (μV')'. Y are (N, K)."""
        gas, p = self.gas, self.p
        viscous = dV is not None

        def fluxes(T, Y, dT, dY, *dV):
            Yk = Y.T
            P = gas.evaluate(T, Yk, p, viscosity=viscous)
            dym = dY.T * gas._const("inv_W", T)
            dX = P.mean_molar_mass * (dym - P.mole_fractions * dym.sum(axis=0))
            j, q = diffusive_fluxes(gas, P, Yk, dX, dT)
            out = (j, q, P.viscosity * dV[0]) if viscous else (j, q)
            return out, (P.cp_species, P.cp_mixture, P.net_production_rates,
                         P.heat_release_rate, P.density)

        primals, tangents = (T, Y, dT, dY), (dT, dY, d2T, d2Y)
        if viscous:
            primals, tangents = (*primals, dV), (*tangents, d2V)
        flux, div, (cp_k, cp, wdot, hrr, rho) = torch.func.jvp(fluxes, primals, tangents,
                                                               has_aux=True)
        rates = gas._const("W", wdot) * wdot
        terms = (dT, dY.T, div[1], div[0], flux[0], cp_k, cp, rates, hrr)
        return terms, rho, (div[2] if viscous else None)


def _scales(gas: GasProperties, T_in: float, Y_in: np.ndarray, T_b: float, Y_b: np.ndarray,
            p: float):
    """Flame scales: inlet density, thermal thickness δ at S_REF, and the residual scales of the
    energy [K kg/m³/s] and species [kg/m³/s] equations."""
    P = gas.evaluate(np.array([T_in]), Y_in[:, None], p)
    rho, lam, cp = float(P.density[0]), float(P.conductivity[0]), float(P.cp_mixture[0])
    delta = lam / (rho * cp * S_REF)
    flux = rho * S_REF / delta
    dY = np.maximum(np.abs(Y_b - Y_in), 0.02)
    return rho, delta, flux * (T_b - T_in), flux * dY


def _warm_up(net, xi: np.ndarray, target: np.ndarray, iterations: int,
             progress: Callable[[int], None] | None) -> None:
    """Fit the (transformed) outputs to `target` at `xi` with Adam, each output column scaled
    by its range so that all of them (θ ~ 1, V ~ 100 1/s) count alike."""
    if not iterations:
        return
    x = torch.as_tensor(xi)
    y = torch.as_tensor(target)
    scale = torch.clamp(y.amax(dim=0) - y.amin(dim=0), min=1e-2)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    for _ in range(iterations):
        opt.zero_grad()
        loss = (((net(x) - y) / scale) ** 2).mean()
        loss.backward()
        opt.step()
    if progress is not None:
        progress(iterations)


# --- Case 2 ---------------------------------------------------------------------------------


class _FreeFlameProblem:
    """Case 2 outputs θ, Y_1..Y_K with the pin, the species guide and the residuals."""

    def __init__(self, params: PremixedFlameParams, config: PremixedPINNConfig, gas, gas_ct):
        dde = deepxde()
        self.params, self.config, self.gas = params, config, gas
        Y_in, T_b, Y_b = premixed_end_states(gas_ct, params)
        self.Y_in, self.T_b, self.Y_b = Y_in, T_b, Y_b
        self.W = W = config.domain
        self.x_fix, self.T_fix = self.pin = config.pin(params.T_in, T_b)
        self.dT = T_b - params.T_in
        self.rho_in, self.delta, self.scale_T, self.scale_Y = _scales(
            gas, params.T_in, Y_in, T_b, Y_b, params.pressure)
        K = gas.n_species
        self.net = net = dde.nn.FNN([1, *config.layers, 1 + K], "tanh", "Glorot normal")
        self.geom = dde.geometry.Interval(0.0, 1.0)
        self.transport = _Transport(gas, params.pressure)
        pinned = pinned_sigmoid(net, self.x_fix / W, (self.T_fix - params.T_in) / self.dT)
        y_in = torch.as_tensor(Y_in)
        dy = torch.as_tensor(Y_b - Y_in)

        def transform(xi, N):
            theta = pinned(xi, N)
            guide = y_in.to(xi) + dy.to(xi) * theta
            return torch.cat([theta, _species(guide, xi * N[:, 1:])], dim=1)

        net.apply_output_transform(transform)
        self.bcs = [
            dde.icbc.DirichletBC(self.geom, lambda x: 0.0,
                                 lambda x, on: on and np.isclose(x[0], 0.0), component=0),
            dde.icbc.NeumannBC(self.geom, lambda x: 0.0,
                               lambda x, on: on and np.isclose(x[0], 1.0), component=0),
        ]
        self.bc_weights = [1e-2, 1.0]
        self.n_terms = 1 + K
        self.w_T = 1.0 / self.scale_T
        self.w_Y = torch.as_tensor(1.0 / self.scale_Y)[:, None]

    def physical(self, xi):
        """T [K] and Y of the network at ξ, as one (N, 1 + K) tensor."""
        out = self.net(xi)
        return torch.cat([self.params.T_in + self.dT * out[:, :1], out[:, 1:]], dim=1)

    def residuals(self, xi, s_L: PositiveVariable, project: bool):
        f, df, d2f = _taylor(self.physical, xi, self.W)
        terms, _, _ = self.transport.terms(f[:, 0], df[:, 0], d2f[:, 0], f[:, 1:], df[:, 1:],
                                           d2f[:, 1:])
        w_Y = self.w_Y.to(xi)

        def weighted(m):
            RT, RY = transport_residuals(m, *terms)
            return self.w_T * RT, w_Y * RY

        if project:
            r0, r1 = weighted(0.0), weighted(self.rho_in)
            s_L.project(torch.cat([r0[0], r0[1].ravel()]), torch.cat([r1[0], r1[1].ravel()]))
        RT, RY = weighted(self.rho_in * s_L.tensor())
        return [RT[:, None], *[r[:, None] for r in RY]]

    def warm_target(self, xi: np.ndarray) -> np.ndarray:
        """The classical solver's tanh start: θ, and Y on the guide (logits 0)."""
        x = xi[:, 0] * self.W
        w = 2e-4 * 0.4 / S_REF
        arg = 2.0 * (self.T_fix - self.params.T_in) / self.dT - 1.0
        theta = 0.5 * (1.0 + np.tanh((x - self.x_fix) / w + np.arctanh(arg)))
        guide = self.Y_in + (self.Y_b - self.Y_in) * theta[:, None]
        Y = (guide + EPS_Y) / (guide + EPS_Y).sum(axis=1, keepdims=True)
        return np.column_stack([theta, Y])

    def fields(self, xi, out):
        return {"T": self.params.T_in + self.dT * out[:, 0], "Y": out[:, 1:].T}


def train_ch4_flame_pinn(
    params: PremixedFlameParams = PremixedFlameParams(phi=0.8),
    *,
    config: PremixedPINNConfig = PremixedPINNConfig(),
    s_guess: float = 0.4,
    device: str = "cpu",
    seed: int = 0,
    checkpoint: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> PremixedPINNResult:
    """Train the Case 2 PINN (CH4/air, one-step chemistry, mixture-averaged transport).

    s_L [m/s] is, at every training step, the least-squares optimum for the current network
    (variable projection); `s_guess` is only its value before the first step. `device` is a
    torch device; `checkpoint` a file to save the training state to (and resume from, when it
    exists: see `Checkpoint`); `progress(n)` is called every iteration.
    """
    params.validate()
    if not (math.isfinite(s_guess) and 0.0 < s_guess <= 10.0):
        raise ValueError(f"s_guess={s_guess!r} is outside the valid range (0, 10] m/s")
    configure(dtype=config.dtype, device=device, seed=seed)
    gas_ct = ch4_one_step_solution()
    gas = GasProperties.from_cantera(gas_ct)
    prob = _FreeFlameProblem(params, config, gas, gas_ct)
    s_L = PositiveVariable("flame_speed_m_s", s_guess)

    def pde(xi, out):
        project = xi.requires_grad and prob.net.training
        return prob.residuals(xi, s_L, project)

    return _run(prob, pde, [s_L], "ch4", params, config, prob.W, checkpoint, progress,
                {"s_guess": s_guess, "seed": seed})


# --- Case 3 ---------------------------------------------------------------------------------


class _CounterflowProblem:
    """Case 3 outputs θ, Y_1..Y_K, ρu, V with hard nozzle values, and the residuals."""

    def __init__(self, params: CounterflowParams, config: PremixedPINNConfig, gas, gas_ct):
        dde = deepxde()
        self.params, self.config, self.gas = params, config, gas
        fp = params.flame
        Y_in, T_b, Y_b = premixed_end_states(gas_ct, fp)
        self.ends = ends = counterflow_end_states(gas, params, Y_in, T_b)
        self.Y_b = Y_b
        self.W = W = params.width
        self.T_left, self.T_right, self.T_b = fp.T_in, params.T_opposed, T_b
        self.rho_in, self.delta, self.scale_T, self.scale_Y = _scales(
            gas, fp.T_in, Y_in, T_b, Y_b, fp.pressure)
        self.a = a = ends.strain_rate
        self.m_scale = params.mdot_reactants + params.mdot_products
        self.V_scale = 4.0 * a
        K = self.K = gas.n_species
        self.net = net = dde.nn.FNN([1, *config.layers, K + 3], "tanh", "Glorot normal")
        # The flame is ~1/40 of the nozzle separation: the network sees x in units of 1 mm
        # (centred), so that its first-layer units can switch over flame-sized distances.
        half = 0.5 * W / 1e-3
        net.apply_feature_transform(lambda xi: (2.0 * xi - 1.0) * half)
        self.geom = dde.geometry.Interval(0.0, 1.0)
        # Collocation: `config.collocation` uniform points, as many again between the nozzles'
        # cold zones (0.1 < ξ < 0.8, where the flame, the stagnation plane and the mixing
        # layer are).
        self.anchors = np.linspace(0.1, 0.8, config.collocation)[:, None]
        self.transport = _Transport(gas, fp.pressure)
        y_l, y_r = torch.as_tensor(Y_in), torch.as_tensor(ends.Y_right)
        dy = torch.as_tensor(Y_b - Y_in)
        m_l, m_r = params.mdot_reactants, params.mdot_products
        ell = 0.01  # the nozzle factor b(ξ) = 1 - exp(-ξ(1-ξ)/ℓ) is ~1 beyond 0.2 mm of them
        # The flame is held in the domain as in Case 1: θ(ξ_f) = 1/2 at a trainable position
        # ξ_f (started where the initial guess puts the flame). Without it training slides into
        # the cold, non-reacting counterflow, an exact solution too (ω(300 K) ≈ 0).
        # L-BFGS holds it where Adam put it: free, its line search jumped to a weaker flame
        # near the stagnation plane.
        self.position = BoundedVariable("flame_position_xi", self.guess_flame_position(),
                                        0.02, 0.98, rate=10.0, lbfgs=False)

        # The species guide dilutes the premixed side's composition with the N2 jet across the
        # initial guess's mixing layer (a fixed function; the logits move it).
        x_s, w_s = self.guess_mixing_layer()

        def mixing(xi):
            return 0.5 * (1.0 + torch.tanh((xi * W - x_s) / w_s))

        def nozzle_factor(xi):
            return 1.0 - torch.exp(-xi * (1.0 - xi) / ell)

        position = self.position.tensor
        pinned = pinned_sigmoid(net, position, lambda: 0.5 / nozzle_factor(position()))

        def transform(xi, N):
            bub = xi * (1.0 - xi)
            b = nozzle_factor(xi)
            theta = pinned(xi, N) * b  # θ = 1/2 at the trainable flame position
            mix = mixing(xi)
            guide = (1.0 - mix) * (y_l.to(xi) + dy.to(xi) * theta) + mix * y_r.to(xi)
            Y = _species(guide, b * N[:, 1:K + 1])
            m = m_l * (1.0 - xi) - m_r * xi + bub * self.m_scale * N[:, K + 1:K + 2]
            V = bub * self.V_scale * N[:, K + 2:K + 3]
            return torch.cat([theta, Y, m, V], dim=1)

        net.apply_output_transform(transform)
        self.bcs, self.bc_weights = [], []
        self.n_terms = K + 3
        # Energy and species weighted up: the warm-up guess's flow is far from the momentum
        # balance, and with equal scales the first steps repair it at the flame's expense.
        self.w_T = SCALAR_WEIGHT / self.scale_T
        self.w_Y = torch.as_tensor(SCALAR_WEIGHT / self.scale_Y)[:, None]
        self.w_c = W / self.m_scale
        self.w_V = 1.0 / a**2

    def temperature(self, xi, theta):
        T_lin = self.T_left + (self.T_right - self.T_left) * xi
        return T_lin + (self.T_b - T_lin) * theta

    def physical(self, xi):
        """T [K], Y, ρu [kg/m²/s], V [1/s] of the network at ξ, as one (N, K + 3) tensor."""
        out = self.net(xi)
        T = self.temperature(xi, out[:, :1])
        return torch.cat([T, out[:, 1:]], dim=1)

    def residuals(self, xi, lam: RealVariable, project: bool):
        K = self.K
        f, df, d2f = _taylor(self.physical, xi, self.W)
        sl = slice(1, K + 1)
        m, V, dV = f[:, K + 1], f[:, K + 2], df[:, K + 2]
        terms, rho, div_tau = self.transport.terms(
            f[:, 0], df[:, 0], d2f[:, 0], f[:, sl], df[:, sl], d2f[:, sl], dV, d2f[:, K + 2])
        RT, RY = transport_residuals(m, *terms)
        cont = df[:, K + 1] + 2.0 * rho * V

        def momentum(value):
            return self.w_V * radial_momentum_residual(m, rho, V, dV, div_tau, value)

        if project:
            lam.project(momentum(0.0), momentum(1.0))
        return [self.w_T * RT[:, None], *[r[:, None] for r in self.w_Y.to(xi) * RY],
                (self.w_c * cont)[:, None], momentum(lam.tensor())[:, None]]

    def warm_target(self, xi: np.ndarray) -> np.ndarray:
        """The classical solver's initial guess in the network's outputs."""
        K = self.K
        U = counterflow_guess(self.gas, self.params, self.ends, self.Y_b, xi[:, 0] * self.W)
        T_lin = self.T_left + (self.T_right - self.T_left) * xi[:, 0]
        theta = (U[2] - T_lin) / (self.T_b - T_lin)
        rho = self.gas.density(U[2], U[3:K + 3], self.params.flame.pressure)
        return np.column_stack([theta, U[3:K + 3].T, rho * U[0], U[1]])

    def guess_mixing_layer(self) -> tuple[float, float]:
        """Centre and width [m] of the initial guess's mixing layer (where the N2 jet's mass
        fraction crosses 1/2, and the distance from 1/4 to 3/4 of it)."""
        x = np.linspace(0.0, self.W, 4001)
        U = counterflow_guess(self.gas, self.params, self.ends, self.Y_b, x)
        n2 = U[3 + self.gas.species_names.index("N2")]
        mix = (n2 - n2[0]) / (n2[-1] - n2[0])
        at = [float(np.interp(q, mix, x)) for q in (0.25, 0.5, 0.75)]
        return at[1], max(at[2] - at[0], 1e-4)

    def guess_flame_position(self) -> float:
        """ξ where the initial guess's temperature first reaches the mean of T_in and T_b."""
        xi = np.linspace(0.0, 1.0, 4001)
        U = counterflow_guess(self.gas, self.params, self.ends, self.Y_b, xi * self.W)
        T_mid = 0.5 * (self.T_left + self.T_b)
        return float(xi[np.argmax(U[2] >= T_mid)])

    def initial_eigenvalue(self) -> float:
        xi = np.linspace(0.0, 1.0, 11)
        U = counterflow_guess(self.gas, self.params, self.ends, self.Y_b, xi * self.W)
        return float(U[-1, 0])

    def fields(self, xi, out):
        K = self.K
        return {"T": self.temperature(xi[:, 0], out[:, 0]), "Y": out[:, 1:K + 1].T,
                "mflux": out[:, K + 1], "V": out[:, K + 2]}


#: Default set-up of `train_counterflow_pinn` (more points and L-BFGS iterations than Case 2).
COUNTERFLOW_CONFIG = PremixedPINNConfig(collocation=600, schedule=Schedule(adam=3000, lbfgs=2000))


def train_counterflow_pinn(
    params: CounterflowParams = CounterflowParams(),
    *,
    config: PremixedPINNConfig = COUNTERFLOW_CONFIG,
    device: str = "cpu",
    seed: int = 0,
    checkpoint: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> PremixedPINNResult:
    """Train the Case 3 PINN (premixed CH4/air jet against N2) for the eigenvalue Λ [Pa/m²].

    Λ is, at every training step, the least-squares optimum of the radial momentum residual for
    the current network (variable projection). Arguments as in `train_ch4_flame_pinn`.
    """
    params.validate()
    configure(dtype=config.dtype, device=device, seed=seed)
    gas_ct = ch4_one_step_solution()
    gas = GasProperties.from_cantera(gas_ct)
    prob = _CounterflowProblem(params, config, gas, gas_ct)
    lam = RealVariable("strain_eigenvalue_Pa_m2", prob.initial_eigenvalue(),
                       scale=prob.ends.rho_left * prob.a**2)
    variables = [lam, prob.position]

    def pde(xi, out):
        project = xi.requires_grad and prob.net.training
        return prob.residuals(xi, lam, project)

    return _run(prob, pde, variables, "counterflow", params, config, prob.W, checkpoint, progress,
                {"seed": seed})


def _run(prob, pde, variables, case, params, config, width, checkpoint, progress, extra):
    """Warm-up, then Adam and L-BFGS (resumable from `checkpoint`)."""
    dde = deepxde()
    data = dde.data.PDE(prob.geom, pde, prob.bcs, num_domain=config.collocation,
                        num_boundary=2, train_distribution="uniform",
                        anchors=getattr(prob, "anchors", None))
    model = dde.Model(data, prob.net)
    ckpt = None
    if checkpoint is not None:
        meta = {"case": case, "params": repr(params), "config": repr(config), **extra}
        ckpt = Checkpoint(checkpoint, prob.net, variables, meta)
    t0 = time.perf_counter()
    if ckpt is None or not ckpt.resume():
        xw = np.linspace(0.0, 1.0, 2001)[:, None]
        _warm_up(prob.net, xw, prob.warm_target(xw), config.warmup, progress)
    weights = [1.0] * prob.n_terms + prob.bc_weights
    history = train(model, variables, config.schedule, loss_weights=weights, progress=progress,
                    checkpoint=ckpt)
    return PremixedPINNResult(case, variables[0].value, params, config, history,
                              time.perf_counter() - t0, prob.gas.species_names, width, model,
                              prob, getattr(prob, "pin", None))
