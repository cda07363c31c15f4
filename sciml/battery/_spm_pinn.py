"""Physics-informed surrogate of the single-particle model, conditioned on the cathode
diffusivity scale (the NREL surrogate study's Part I, on DeepXDE).

Only the particles need a network: with the current prescribed, the SPM's voltage is an
algebraic function of the two surface concentrations and of the exchange currents
(`solvers.battery.spm_voltage_from_surface`), so the anode exchange-current scale s_i0,n enters
exactly, and only the cathode particle depends on s_Ds,p. With constant diffusivities (Chen2020)
the particle problem is linear with a flux proportional to the current, so the concentration
change from the initial state scales with the C-rate and one surrogate serves every C-rate
(:meth:`SPMSurrogate.surface`).

Variables: t̃ = t / t_end, ρ = (r/R)² (even in r, so ∂θ/∂r = 0 at the centre holds by
construction and the spherical Laplacian 6 θ_ρ + 4 ρ θ_ρρ has no singularity), σ = log10 s_Ds,p
∈ [0, 1]; θ = c / c_max. Each particle obeys θ_t̃ = κ (6 θ_ρ + 4 ρ θ_ρρ), κ = D t_end / R², with the
flux condition 2 θ_ρ = g at ρ = 1, g = −j R / (F D c_max). Hard initial condition and the known
long-time structure:
``θ = θ0 + 3 κ g t̃ + g (1 − e^{−t̃/τ}) (ρ/2 − 3/10 + NN(t̃, ρ, σ))`` — the bulk term is exact
(lithium balance) and ρ/2 − 3/10 is the quasi-steady profile, so the network learns the
transient only.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from solvers.battery import CellParameters, chen2020, spm_voltage_from_surface

from ..io import load_checkpoint, save_checkpoint
from ..pinn import Checkpoint, OutputTransform, Schedule, configure, deepxde, train
from ..pinn._nets import raw_output

FARADAY = 96485.33212


@dataclass(frozen=True)
class SPMSurrogateConfig:
    """Network and training of the SPM surrogate.

    - `layers`: hidden widths of the tanh network (inputs t̃, ρ, σ; outputs both particles).
    - `collocation`, `boundary`: residual points inside and on the faces of the unit cube.
    - `ramp`: τ of the initial-condition ramp, in units of t_end.
    - `schedule`: Adam then L-BFGS.
    - `data_sets`: number of cathode-diffusivity scales (log-spaced over [1, 10]) at which the
      classical SPM (40 shells) supplies surface concentrations at `data_times` times as an
      extra loss term; 0 trains on the physics residuals alone.
    - `dtype`: ``"float64"`` (the surface concentrations need ~1e-4 relative accuracy).
    """

    layers: tuple[int, ...] = (48, 48, 48)
    collocation: int = 3000
    boundary: int = 1200
    ramp: float = 0.01
    data_sets: int = 8
    data_times: int = 60
    schedule: Schedule = field(default_factory=lambda: Schedule(adam=3000, lr=2e-3,
                                                                decay=0.7, decay_every=500,
                                                                lbfgs=2000))
    dtype: str = "float64"


def _particle_constants(q: CellParameters, c_rate: float, t_end: float):
    """(κ, g, θ0) of the negative and (at s = 1) the positive particle."""
    current = c_rate * q.one_c_current_density
    out = []
    for side, sign in (("negative", 1.0), ("positive", -1.0)):
        R = getattr(q, f"{side}_radius")
        D = getattr(q, f"{side}_diffusivity")
        cmax = getattr(q, f"{side}_max_concentration")
        a_L = 3 * getattr(q, f"{side}_active_fraction") / R * getattr(q, f"{side}_thickness")
        j = sign * current / a_L
        out.append((D * t_end / R ** 2, -j * R / (FARADAY * D * cmax),
                    getattr(q, f"{side}_initial_concentration") / cmax))
    return out


class SPMSurrogate:
    """A trained SPM surrogate at one C-rate over ``0 ≤ t ≤ t_end``.

    :meth:`voltage` evaluates V(t; s_Ds,p, s_i0,n); :meth:`forward` gives the batched forward
    model of :func:`sciml.calibration.calibrate`. Save and load with :meth:`save` /
    :meth:`load` (weights plus the metadata needed to rebuild it).
    """

    names = ("positive_diffusivity_scale", "negative_exchange_current_scale")

    def __init__(self, params, c_rate, t_end, config, net, history=None, seconds=0.0):
        self.params, self.c_rate, self.t_end = params, float(c_rate), float(t_end)
        self.config, self.net, self.history, self.seconds = config, net, history, seconds
        (self.kn, self.gn, self.th_n0), (self.kp, self.gp, self.th_p0) = _particle_constants(
            params, c_rate, t_end)

    @property
    def constraint(self) -> OutputTransform:
        """The hard initial condition and known structure (module docstring) as the PINN
        layer's output transform: θ(t̃ = 0) = θ0 exactly, whatever the network."""
        return OutputTransform(self.transform, "SPM particles: θ0 + bulk + g·ramp·(profile + N)")

    def transform(self, x, y):
        """Hard initial condition and known structure around the raw network output."""
        t, rho, sig = x[:, 0:1], x[:, 1:2], x[:, 2:3]
        ramp = 1.0 - torch.exp(-t / self.config.ramp)
        shape = rho / 2.0 - 0.3
        th_n = self.th_n0 + 3 * self.kn * self.gn * t + self.gn * ramp * (shape + y[:, 0:1])
        g_p = self.gp * torch.pow(10.0, -sig)
        th_p = self.th_p0 + 3 * self.kp * self.gp * t + g_p * ramp * (shape + y[:, 1:2])
        return torch.cat([th_n, th_p], dim=1)

    @property
    def linear(self) -> bool:
        """Whether the particle problem is linear (constant diffusivities), so that the
        concentration change scales with the current: then one surrogate serves every C-rate."""
        from solvers.battery._materials import constant_factor

        return (self.params.negative_diffusivity_factor is constant_factor
                and self.params.positive_diffusivity_factor is constant_factor)

    def surface(self, t: np.ndarray, s_dp: np.ndarray,
                c_rate: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Surface concentrations [mol/m³] at times `t` [s] and cathode diffusivity scales
        `s_dp` (broadcast together), at the trained C-rate or, for a :attr:`linear` cell, at
        `c_rate` (the change from the initial state scales with the current)."""
        ratio = 1.0
        if c_rate is not None and c_rate != self.c_rate:
            if not self.linear:
                raise ValueError("c_rate: this cell's diffusivities depend on concentration, "
                                 f"so the surrogate holds only at its trained {self.c_rate:g}C")
            if not (np.isfinite(c_rate) and c_rate > 0):
                raise ValueError(f"c_rate={c_rate!r} must be > 0")
            ratio = c_rate / self.c_rate
        t, s = np.broadcast_arrays(np.asarray(t, float), np.asarray(s_dp, float))
        x = np.column_stack([t.ravel() / self.t_end, np.ones(t.size), np.log10(s.ravel())])
        p = next(self.net.parameters())
        with torch.no_grad():
            xt = torch.as_tensor(x, dtype=p.dtype, device=p.device)
            th = self.transform(xt, raw_output(self.net, xt)).cpu().numpy()
        th[:, 0] = self.th_n0 + ratio * (th[:, 0] - self.th_n0)
        th[:, 1] = self.th_p0 + ratio * (th[:, 1] - self.th_p0)
        q = self.params
        return (th[:, 0].reshape(t.shape) * q.negative_max_concentration,
                th[:, 1].reshape(t.shape) * q.positive_max_concentration)

    def voltage(self, t, s_dp, s_i0n, c_rate: float | None = None) -> np.ndarray:
        """Terminal voltage [V] at times `t` [s] for the scale factors (broadcast together),
        at the trained C-rate or at `c_rate` (see :meth:`surface`)."""
        t, s_dp, s_i0n = np.broadcast_arrays(np.asarray(t, float), np.asarray(s_dp, float),
                                             np.asarray(s_i0n, float))
        csn, csp = self.surface(t, s_dp, c_rate)
        q = self.params
        current = (c_rate or self.c_rate) * q.one_c_current_density
        return spm_voltage_from_surface(q, csn, csp, current, negative_exchange_scale=s_i0n)

    def forward(self, t_obs: np.ndarray, c_rate: float | None = None):
        """Batched forward model ``theta (B, 2) -> V(t_obs) (B, n)`` in the order of `names`,
        at the trained C-rate or at `c_rate` (see :meth:`surface`)."""
        return batched_forward(self, t_obs, self.t_end, c_rate)

    def blob(self) -> dict:
        """Weights plus the metadata that rebuilds the surrogate (what :meth:`save` writes)."""
        return {"kind": "spm", "state": self.net.state_dict(), "c_rate": self.c_rate,
                "t_end": self.t_end, "params": self.params.name, "config": self.config,
                "seconds": self.seconds}

    @classmethod
    def from_blob(cls, blob: dict, *, device="cpu") -> SPMSurrogate:
        from solvers.battery import parameter_set

        if blob.get("kind", "spm") != "spm":
            raise ValueError("the file does not hold an SPM surrogate")
        config = blob["config"]
        configure(dtype=config.dtype, device=device, seed=0)
        net = _network(config)
        net.load_state_dict(blob["state"])
        return cls(parameter_set(blob["params"]), blob["c_rate"], blob["t_end"], config, net,
                   seconds=blob["seconds"])

    def save(self, path) -> None:
        save_checkpoint(self.blob(), path)

    @classmethod
    def load(cls, path, *, device="cpu") -> SPMSurrogate:
        return cls.from_blob(load_checkpoint(path, device=device), device=device)


def batched_forward(surrogate, t_obs, t_end: float, c_rate):
    """``theta (B, 2) -> surrogate.voltage(t_obs, θ₁, θ₂, c_rate) (B, n)`` with the
    surrogate's parameter `names`, after checking that `t_obs` lies in [0, t_end]."""
    t_obs = np.asarray(t_obs, dtype=float)
    if t_obs.max() > t_end * (1 + 1e-9) or t_obs.min() < 0:
        raise ValueError(f"t_obs must lie in [0, t_end={t_end:g}] s")

    def fwd(theta):
        theta = np.atleast_2d(theta)
        return surrogate.voltage(t_obs[None, :], theta[:, 0:1], theta[:, 1:2], c_rate)

    fwd.names = surrogate.names
    return fwd


def _solver_data(params, c_rate, t_end, config):
    """Surface stoichiometries of the classical SPM on (t̃, ρ = 1, σ) points."""
    from solvers.battery import SPM, Mesh, discharge

    t = np.linspace(0.0, t_end, config.data_times + 1)[1:]
    xs, ths = [], []
    for sig in np.linspace(0.0, 1.0, config.data_sets):
        q = params.scaled(positive_diffusivity=10.0 ** sig)
        run = discharge(SPM(q, Mesh(r_negative=40, r_positive=40)), c_rate, t_end=t_end,
                        rtol=1e-8, atol=1e-8, t_eval=t[:-1])
        k = np.searchsorted(run.time_s, t)
        xs.append(np.column_stack([t / t_end, np.ones_like(t), np.full_like(t, sig)]))
        ths.append(np.column_stack([run.negative_surface_concentration[k]
                                    / q.negative_max_concentration,
                                    run.positive_surface_concentration[k]
                                    / q.positive_max_concentration]))
    return np.concatenate(xs), np.concatenate(ths)


def _network(config):
    dde = deepxde()
    return dde.nn.FNN([3, *config.layers, 2], "tanh", "Glorot normal")


def train_spm_surrogate(params: CellParameters | None = None, c_rate: float = 1.0,
                        t_end: float = 3300.0, config: SPMSurrogateConfig = SPMSurrogateConfig(),
                        *, device: str = "cpu", seed: int = 0, checkpoint=None,
                        progress=None) -> SPMSurrogate:
    """Train the SPM surrogate for a constant-current discharge at `c_rate` up to `t_end` [s],
    over s_Ds,p ∈ [1, 10]: physics residuals, plus classical-solver surface concentrations if
    ``config.data_sets > 0``. With a `checkpoint` file the training resumes where it stopped."""
    params = params or chen2020()
    if not (math.isfinite(c_rate) and 0 < c_rate <= 5):
        raise ValueError(f"c_rate={c_rate!r} is outside the valid range (0, 5]")
    if not (math.isfinite(t_end) and 0 < t_end <= 3600 / c_rate):
        raise ValueError(f"t_end={t_end!r} is outside the valid range (0, 3600/c_rate]")
    configure(dtype=config.dtype, device=device, seed=seed)
    dde = deepxde()
    net = _network(config)
    sur = SPMSurrogate(params, c_rate, t_end, config, net)
    sur.constraint.apply(net)
    geom = dde.geometry.Hypercube([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    kn, kp = sur.kn, sur.kp
    scale_n, scale_p = abs(3 * kn * sur.gn), abs(3 * kp * sur.gp)

    def pde(x, th):
        out = []
        for i, (kappa, scale) in enumerate(((kn, scale_n), (kp, scale_p))):
            k = kappa if i == 0 else kappa * torch.pow(10.0, x[:, 2:3])
            th_t = dde.grad.jacobian(th, x, i=i, j=0)
            th_r = dde.grad.jacobian(th, x, i=i, j=1)
            th_rr = dde.grad.hessian(th, x, component=i, i=1, j=1)
            out.append((th_t - k * (6 * th_r + 4 * x[:, 1:2] * th_rr)) / scale)
        return out

    def surface_face(x, on_boundary):
        return on_boundary and np.isclose(x[1], 1.0)

    def flux(i, g_of):
        def residual(x, th, _):
            return (2 * dde.grad.jacobian(th, x, i=i, j=1) - g_of(x)) / abs(g_of(x))
        return dde.icbc.OperatorBC(geom, residual, surface_face)

    bcs = [flux(0, lambda x: sur.gn + 0 * x[:, 0:1]),
           flux(1, lambda x: sur.gp * torch.pow(10.0, -x[:, 2:3]))]
    weights = [1.0] * 4
    if config.data_sets > 0:
        x_data, th_data = _solver_data(params, c_rate, t_end, config)
        for i, g in ((0, sur.gn), (1, sur.gp)):
            bcs.append(dde.icbc.PointSetBC(x_data, th_data[:, i:i + 1], component=i))
            weights.append(1.0 / g ** 2)  # misfit in units of the flux scale |g|, as the BCs
    data = dde.data.PDE(geom, pde, bcs, num_domain=config.collocation,
                        num_boundary=config.boundary, train_distribution="pseudo")
    model = dde.Model(data, net)
    ckpt = None
    if checkpoint is not None:
        meta = {"surrogate": "spm", "params": params.name, "c_rate": c_rate, "t_end": t_end,
                "config": repr(config), "seed": seed}
        ckpt = Checkpoint(checkpoint, net, [], meta)
        ckpt.resume()
    t0 = time.perf_counter()
    history = train(model, [], config.schedule, loss_weights=weights, progress=progress,
                    checkpoint=ckpt)
    sur.history, sur.seconds = history, time.perf_counter() - t0
    return sur
