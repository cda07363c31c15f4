"""Variational Monte Carlo for pure U(1) lattice gauge theory in the continuous angle basis.

A gauge-invariant wavefunction of the link angles θ_l depends on them only through the plaquette
angles φ = Bᵀθ (B the link-plaquette incidence of `solvers.lattice`), so Gauss's law holds by
construction and nothing is truncated: E_l = −i∂/∂θ_l acts as D_l = Σ_P B_lP ∂/∂φ_P. With a
real positive ψ = e^{u(φ)} (the pure-gauge ground state is nodeless) the local energy is

    E_loc = −(g²/2) [tr(BᵀB ∇²u) + |B ∇u|²] − (1/g²) Σ_P cos φ_P,

and the Haar measure on the links makes the plaquette angles uniform on the torus of
independent plaquettes (on a periodic lattice the last angle is minus the sum of the others,
mod 2π). Two wavefunctions: `GaugeAnsatz`, an MLP of plaquette harmonics sampled by a batch of
Metropolis chains, and `AutoregressiveGaugeAnsatz`, a normalised autoregressive density of the
plaquette angles (von Mises mixtures) with exact, independent samples. The energy gradient is
2 E[(E_loc − Ē) ∇_w u] (Adam).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._made import made


class AutoregressiveGaugeAnsatz(nn.Module):
    """|ψ(φ)|² = Π_i p(φ_i | φ_<i) over the free plaquette angles, each conditional a mixture
    of `components` von Mises densities whose weights, means and concentrations come from a
    MADE of (cos φ_j, sin φ_j), j < i: normalised, exactly sampled (ancestrally, no Markov
    chain), periodic; u = log ψ = ½ log p (ψ > 0, the pure-gauge ground state is nodeless)."""

    def __init__(self, free: int, components: int = 12, width: int = 32, depth: int = 2,
                 seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.free, self.K = free, components
        self.net = made([2] * free, [3 * components] * free, width, depth,
                        np.random.default_rng(seed))
        with torch.no_grad():  # start near uniform: broad, spread-out components
            bias = self.net[-1].bias.view(free, 3, components)
            bias[:, 1] = torch.linspace(-math.pi, math.pi, components + 1)[:-1]
            bias[:, 2] = 0.0

    def _conditionals(self, x: torch.Tensor):
        feats = torch.stack([torch.cos(x), torch.sin(x)], dim=-1).flatten(-2)
        out = self.net(feats).view(*x.shape, 3, self.K)
        logw = torch.log_softmax(out[..., 0, :], dim=-1)
        mu, kappa = out[..., 1, :], nn.functional.softplus(out[..., 2, :]) + 1e-3
        return logw, mu, kappa

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """log p of free angles x (N, free), w.r.t. dφ on (−π, π]^free."""
        logw, mu, kappa = self._conditionals(x)
        # log von Mises: κ cos(φ − μ) − log(2π I₀(κ)), I₀(κ) = i0e(κ) e^κ
        lvm = kappa * (torch.cos(x[..., None] - mu) - 1) - torch.log(
            2 * math.pi * torch.special.i0e(kappa))
        return torch.logsumexp(logw + lvm, dim=-1).sum(-1)

    def forward(self, phi: torch.Tensor) -> torch.Tensor:
        """u = ½ log p of all plaquette angles φ (the free ones are the first `free`)."""
        return 0.5 * self.log_prob(phi[..., :self.free])

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n exact samples of the free angles (N, free)."""
        dev = self.net[-1].weight.device
        x = torch.zeros(n, self.free, dtype=torch.float64, device=dev)
        for i in range(self.free):
            logw, mu, kappa = (t[:, i] for t in self._conditionals(x))
            k = torch.multinomial(logw.exp().cpu(), 1, generator=generator).to(dev)
            m, c = mu.gather(1, k)[:, 0], kappa.gather(1, k)[:, 0]
            x[:, i] = _von_mises(m, c, generator)
        return torch.remainder(x + math.pi, 2 * math.pi) - math.pi


def _von_mises(mu: torch.Tensor, kappa: torch.Tensor, generator: torch.Generator):
    """Exact von Mises samples (Best & Fisher 1979 rejection), from `generator`."""
    tau = 1 + torch.sqrt(1 + 4 * kappa ** 2)
    rho = (tau - torch.sqrt(2 * tau)) / (2 * kappa)
    r = (1 + rho ** 2) / (2 * rho)
    out = torch.full_like(mu, math.nan)
    todo = torch.ones_like(mu, dtype=torch.bool)
    while todo.any():
        u1, u2, u3 = (torch.rand(mu.shape, generator=generator, dtype=torch.float64)
                      .to(mu.device) for _ in range(3))
        z = torch.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        ok = todo & ((c * (2 - c) - u2 > 0) | (torch.log(c / u2) + 1 - c >= 0))
        theta = mu + torch.sign(u3 - 0.5) * torch.acos(f.clamp(-1, 1))
        out = torch.where(ok, theta, out)
        todo = todo & ~ok
    return out


class GaugeAnsatz(nn.Module):
    """u(φ) = MLP(cos kφ_P, sin kφ_P for k = 1 … `harmonics`): log ψ of plaquette angles."""

    def __init__(self, plaquettes: int, width: int = 32, depth: int = 2, harmonics: int = 2):
        super().__init__()
        self.k = torch.arange(1, harmonics + 1, dtype=torch.float64)
        layers: list[nn.Module] = []
        n_in = 2 * harmonics * plaquettes
        f64 = {"dtype": torch.float64}  # initialised in float64 whatever the default dtype
        for i in range(depth):
            layers += [nn.Linear(n_in if i == 0 else width, width, **f64), nn.Tanh()]
        layers.append(nn.Linear(width, 1, **f64))
        self.net = nn.Sequential(*layers)
        with torch.no_grad():
            self.net[-1].weight.mul_(0.1)

    def forward(self, phi: torch.Tensor) -> torch.Tensor:
        kp = phi[..., None] * self.k.to(phi.device)
        feats = torch.cat([torch.cos(kp), torch.sin(kp)], dim=-1).flatten(-2)
        return self.net(feats)[..., 0]


@dataclass
class GaugeSystem:
    """Pure-gauge system for VMC: `incidence` B (links × plaquettes), whether the lattice is
    periodic (the plaquette angles then sum to 0 mod 2π), and the coupling g²."""

    incidence: np.ndarray
    periodic: bool
    g2: float

    @classmethod
    def plaquette(cls, g2: float) -> GaugeSystem:
        """One open plaquette: four links, each in the one plaquette."""
        return cls(np.ones((4, 1)), False, g2)

    @classmethod
    def torus(cls, Lx: int, Ly: int, g2: float) -> GaugeSystem:
        from solvers.lattice import torus_incidence

        return cls(torus_incidence(Lx, Ly).astype(float), True, g2)

    @property
    def free(self) -> int:
        return self.incidence.shape[1] - (1 if self.periodic else 0)

    def angles(self, x: torch.Tensor) -> torch.Tensor:
        """All plaquette angles from the free ones x (N, free)."""
        if not self.periodic:
            return x
        return torch.cat([x, -x.sum(-1, keepdim=True)], dim=-1)


def local_energy(model: nn.Module, system: GaugeSystem, x: torch.Tensor) -> torch.Tensor:
    """E_loc at the free plaquette angles x (N, free); differentiable in nothing (detached)."""
    B = torch.as_tensor(system.incidence, dtype=x.dtype, device=x.device)
    M = B.T @ B
    phi = system.angles(x).detach().requires_grad_()
    u = model(phi)
    (g,) = torch.autograd.grad(u.sum(), phi, create_graph=True)
    lap = torch.zeros_like(u)
    for p in range(phi.shape[-1]):
        (h,) = torch.autograd.grad(g[:, p].sum(), phi, retain_graph=True)
        lap = lap + (h * M[p]).sum(-1)
    kinetic = lap + ((g @ B.T) ** 2).sum(-1)
    return (-(system.g2 / 2) * kinetic - torch.cos(phi).sum(-1) / system.g2).detach()


def metropolis(model: nn.Module, system: GaugeSystem, x: torch.Tensor, sweeps: int,
               step: float, generator: torch.Generator) -> tuple[torch.Tensor, float]:
    """`sweeps` Metropolis updates of the chains x (N, free) under |ψ|² = e^{2u} (Gaussian
    proposals of width `step`, wrapped); returns the chains and the acceptance rate."""
    accepted = 0.0
    with torch.no_grad():
        u = model(system.angles(x))
        for _ in range(sweeps):
            prop = x + step * torch.randn(x.shape, generator=generator,
                                          dtype=x.dtype).to(x.device)
            prop = torch.remainder(prop + math.pi, 2 * math.pi) - math.pi
            u_new = model(system.angles(prop))
            take = torch.rand(x.shape[0], generator=generator, dtype=x.dtype).to(x.device) \
                < torch.exp(2 * (u_new - u))
            x = torch.where(take[:, None], prop, x)
            u = torch.where(take, u_new, u)
            accepted += float(take.double().mean())
    return x, accepted / sweeps


@dataclass
class VMCResult:
    """`energy` ± `energy_stderr` (from the chain means of the final estimate), the energy per
    iteration (`history`), the trained `model`, the Metropolis `acceptance`."""

    energy: float
    energy_stderr: float
    history: list
    model: nn.Module
    acceptance: float


def vmc_ground_state(system: GaugeSystem, *, iterations: int = 2000, chains: int = 256,
                     lr: float | None = None, width: int = 32, harmonics: int = 3,
                     measure_sweeps: int = 400, sampler: str = "metropolis", seed: int = 0,
                     device="cpu", progress: Callable[[int], None] | None = None) -> VMCResult:
    """Train a wavefunction by VMC (Adam on the energy, cosine schedule from `lr`, default 1e-2
    with Metropolis, 3e-2 with exact sampling) and estimate its energy with fresh samples, on
    `device`.

    `sampler` "metropolis": a `GaugeAnsatz` sampled by `chains` Metropolis chains (5 steps per
    iteration; the step adapts towards an acceptance of one half; `measure_sweeps` sweeps,
    10 steps apart, for the estimate). "exact": an `AutoregressiveGaugeAnsatz` sampled
    ancestrally, `chains` independent samples per iteration and `measure_sweeps` × `chains`
    for the estimate (`acceptance` is then 1)."""
    if not (math.isfinite(system.g2) and system.g2 > 0):
        raise ValueError(f"g2={system.g2!r} is outside the valid range (0, inf)")
    for name, v in (("iterations", iterations), ("chains", chains),
                    ("measure_sweeps", measure_sweeps)):
        if not isinstance(v, int) or v < 2:
            raise ValueError(f"{name}={v!r} must be an integer >= 2")
    if sampler not in ("metropolis", "exact"):
        raise ValueError(f"sampler={sampler!r} must be 'metropolis' or 'exact'")
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    exact = sampler == "exact"
    if exact:
        model = AutoregressiveGaugeAnsatz(system.free, width=width, seed=seed).to(device)
    else:
        model = GaugeAnsatz(system.incidence.shape[1], width=width,
                            harmonics=harmonics).to(device)
    lr = lr if lr is not None else (3e-2 if exact else 1e-2)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, iterations)
    x = (2 * math.pi * torch.rand(chains, system.free, generator=gen, dtype=torch.float64)
         - math.pi).to(device)
    step = 1.0

    def draw(steps):
        nonlocal x, step
        if exact:
            x = model.sample(chains, gen)
            return 1.0
        x, acc = metropolis(model, system, x, steps, step, gen)
        return acc

    if not exact:
        x, _ = metropolis(model, system, x, 50, step, gen)
    history = []
    for _ in range(iterations):
        acc = draw(5)
        step *= 1.1 if acc > 0.5 else 0.9
        e = local_energy(model, system, x)
        u = model(system.angles(x))
        loss = 2 * ((e - e.mean()) * u).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        history.append(float(e.mean()))
        if progress is not None:
            progress(1)
    samples, accs = [], []
    for _ in range(measure_sweeps):  # fresh samples (Metropolis: 10 steps apart)
        accs.append(draw(10))
        samples.append(local_energy(model, system, x))
    per_chain = torch.stack(samples).mean(0)
    if exact:  # independent samples: the plain standard error
        flat = torch.stack(samples).flatten()
        stderr = float(flat.std() / math.sqrt(flat.numel()))
    else:
        stderr = float(per_chain.std() / math.sqrt(chains))
    return VMCResult(float(per_chain.mean()), stderr, history, model, float(np.mean(accs)))
