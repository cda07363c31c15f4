"""Variational Monte Carlo for pure U(1) lattice gauge theory in the continuous angle basis.

A gauge-invariant wavefunction of the link angles θ_l depends on them only through the plaquette
angles φ = Bᵀθ (B the link-plaquette incidence of `solvers.lattice`), so Gauss's law holds by
construction and nothing is truncated: E_l = −i∂/∂θ_l acts as D_l = Σ_P B_lP ∂/∂φ_P. With a
real positive ψ = e^{u(φ)} (the pure-gauge ground state is nodeless) the local energy is

    E_loc = −(g²/2) [tr(BᵀB ∇²u) + |B ∇u|²] − (1/g²) Σ_P cos φ_P,

and the Haar measure on the links makes the plaquette angles uniform on the torus of
independent plaquettes (on a periodic lattice the last angle is minus the sum of the others,
mod 2π). Samples of |ψ|² come from a batch of Metropolis chains; the energy gradient is
2 E[(E_loc − Ē) ∇_w u] (Adam).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


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
                     lr: float = 1e-2, width: int = 32, harmonics: int = 3,
                     measure_sweeps: int = 400, seed: int = 0, device="cpu",
                     progress: Callable[[int], None] | None = None) -> VMCResult:
    """Train a `GaugeAnsatz` by VMC (Adam on the energy) and estimate its energy with fresh
    samples (`measure_sweeps` sweeps of all chains, 10 Metropolis steps apart), on `device`.
    The Metropolis step adapts towards an acceptance of one half."""
    if not (math.isfinite(system.g2) and system.g2 > 0):
        raise ValueError(f"g2={system.g2!r} is outside the valid range (0, inf)")
    for name, v in (("iterations", iterations), ("chains", chains),
                    ("measure_sweeps", measure_sweeps)):
        if not isinstance(v, int) or v < 2:
            raise ValueError(f"{name}={v!r} must be an integer >= 2")
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = GaugeAnsatz(system.incidence.shape[1], width=width, harmonics=harmonics).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, iterations)
    x = (2 * math.pi * torch.rand(chains, system.free, generator=gen, dtype=torch.float64)
         - math.pi).to(device)
    step = 1.0
    x, _ = metropolis(model, system, x, 50, step, gen)
    history = []
    for _ in range(iterations):
        x, acc = metropolis(model, system, x, 5, step, gen)
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
    for _ in range(measure_sweeps):  # fresh samples, 10 steps apart
        x, acc = metropolis(model, system, x, 10, step, gen)
        samples.append(local_energy(model, system, x))
        accs.append(acc)
    per_chain = torch.stack(samples).mean(0)
    return VMCResult(float(per_chain.mean()), float(per_chain.std() / math.sqrt(chains)),
                     history, model, float(np.mean(accs)))
