"""Variational Monte Carlo of lattice QED with staggered fermions (`GaugeFermionLattice`).

The wavefunction ψ(x) = √p(x) · e^{iφ(x)} over the Gauss-law states x of the lattice:

- p is an autoregressive distribution (a masked MLP, MADE) over the free variables of a state,
  the occupations n_r (masked to half filling) and then the fields on the links outside the
  lattice's spanning tree (categorical on −Λ … Λ); the tree links follow from Gauss's law,
  so every sample satisfies it exactly. Samples are exact and independent (ancestral
  sampling, one pass per variable); a sample whose tree links leave the truncation is
  rejected, which samples p restricted to the truncated space, normalisation unneeded.
- φ = arg det Φ(x)[occupied sites] is the fermion sign structure: a Slater determinant whose
  orbitals Φ = Φ₀ + MLP(x) depend on the whole configuration (a neural backflow).

Local energies E_loc(x) = Σ_{x'} H_{xx'} ψ(x')/ψ(x) use the lattice's own `connections` (the
one implementation of H). Training minimises ⟨E_loc⟩ with Adam on the gradient
2 Re E[(E_loc − Ē)* ∂ log ψ], or with stochastic reconfiguration: the natural gradient
(S + λ)⁻¹ F, S = Re cov(O*, O), F = Re cov(O*, E_loc), O = ∂ log ψ, solved in sample space
(δ = Xᵀ (X Xᵀ + λ)⁻¹ y with X the centred, stacked real and imaginary per-sample O).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._made import made


class GaugeFermionAnsatz(nn.Module):
    """ψ = √p · e^{iφ} for a `GaugeFermionLattice` (see the module docstring); float64."""

    def __init__(self, lattice, hidden: int = 64, depth: int = 2, backflow: int = 32,
                 seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.lattice = lattice
        S, F, lam = lattice.sites, len(lattice.free), lattice.truncation
        self.cards = [2] * S + [2 * lam + 1] * F
        self.offsets = np.concatenate([[0], np.cumsum(self.cards)])
        self.made = made(self.cards, self.cards, hidden, depth, np.random.default_rng(seed))
        f64 = {"dtype": torch.float64}
        self.orbitals = nn.Parameter(torch.randn(S, S // 2, 2, **f64) / math.sqrt(S))
        self.backflow = nn.Sequential(nn.Linear(lattice.dim, backflow, **f64), nn.Tanh(),
                                      nn.Linear(backflow, S * (S // 2) * 2, **f64))
        with torch.no_grad():
            self.backflow[-1].weight.mul_(0.1)

    # -- the autoregressive part -------------------------------------------------------------
    def _variables(self, states: torch.Tensor) -> torch.Tensor:
        """Free variables (occupations, free-link fields shifted to 0 … 2Λ) of whole states."""
        L = self.lattice
        free = torch.as_tensor(L.sites + L.free, device=states.device)
        return torch.cat([states[:, :L.sites], states[:, free] + L.truncation], dim=1)

    def _one_hot(self, v: torch.Tensor, upto: int | None = None) -> torch.Tensor:
        cols = []
        for i, c in enumerate(self.cards):
            h = (v[:, i:i + 1] == torch.arange(c, device=v.device)).to(torch.float64)
            cols.append(h if upto is None or i < upto else torch.zeros_like(h))
        return torch.cat(cols, dim=1)

    def _filling_mask(self, v: torch.Tensor, i: int) -> torch.Tensor | None:
        """Allowed values of occupation i given the earlier ones (half filling), or None."""
        S = self.lattice.sites
        if i >= S:
            return None
        k = v[:, :i].sum(1)
        must0 = k == S // 2
        must1 = (S // 2 - k) == (S - i)
        return torch.stack([~must1, ~must0], dim=1)

    def _log_conditionals(self, logits: torch.Tensor, v: torch.Tensor, i: int) -> torch.Tensor:
        z = logits[:, self.offsets[i]:self.offsets[i + 1]]
        allowed = self._filling_mask(v, i)
        if allowed is not None:
            z = z.masked_fill(~allowed, -math.inf)
        return torch.log_softmax(z, dim=1)

    def log_prob(self, states: torch.Tensor) -> torch.Tensor:
        """log p of whole states (B, D) (p normalised over the untruncated free variables)."""
        v = self._variables(states)
        logits = self.made(self._one_hot(v))
        total = torch.zeros(v.shape[0], dtype=torch.float64, device=v.device)
        for i in range(len(self.cards)):
            lp = self._log_conditionals(logits, v, i)
            total = total + lp.gather(1, v[:, i:i + 1])[:, 0]
        return total

    @torch.no_grad()
    def sample_variables(self, n: int, generator: torch.Generator) -> torch.Tensor:
        dev = self.orbitals.device
        v = torch.zeros(n, len(self.cards), dtype=torch.int64, device=dev)
        for i in range(len(self.cards)):
            logits = self.made(self._one_hot(v, upto=i))
            p = self._log_conditionals(logits, v, i).exp()
            v[:, i] = torch.multinomial(p.cpu(), 1, generator=generator)[:, 0].to(dev)
        return v

    # -- the sign structure ------------------------------------------------------------------
    def phase(self, states: torch.Tensor) -> torch.Tensor:
        L = self.lattice
        S = L.sites
        x = states.to(torch.float64)
        feats = torch.cat([x[:, :S], x[:, S:] / L.truncation], dim=1)
        phi = self.orbitals + self.backflow(feats).view(-1, S, S // 2, 2)
        phi = torch.complex(phi[..., 0], phi[..., 1])
        n = states[:, :S]
        occupied = torch.argsort((1 - n) * S + torch.arange(S, device=n.device),
                                 dim=1)[:, :S // 2]  # occupied sites in increasing order
        rows = phi.gather(1, occupied[:, :, None].expand(-1, -1, S // 2))
        return torch.angle(torch.linalg.det(rows))

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        """log ψ = ½ log p + iφ (complex) of whole states (B, D), integer tensors."""
        return torch.complex(0.5 * self.log_prob(states), self.phase(states))


def sample_states(model: GaugeFermionAnsatz, n: int, generator: torch.Generator,
                  max_rounds: int = 50) -> tuple[np.ndarray, float]:
    """`n` exact samples of |ψ|² restricted to the truncation (whole states, on the host), and
    the fraction of ancestral draws that the truncation rejected."""
    L = model.lattice
    kept, drawn = [], 0
    for _ in range(max_rounds):
        v = model.sample_variables(max(n, 64), generator).cpu().numpy()
        drawn += len(v)
        states = L.complete(v[:, :L.sites], v[:, L.sites:] - L.truncation)
        kept.append(states[L.in_truncation(states)])
        if sum(len(k) for k in kept) >= n:
            break
    else:
        raise RuntimeError(f"the ansatz puts almost no weight inside the truncation "
                           f"(kept {sum(len(k) for k in kept)} of {drawn} draws)")
    states = np.concatenate(kept)[:n]
    return states, 1.0 - sum(len(k) for k in kept) / drawn


def local_energy(model: GaugeFermionAnsatz, states: np.ndarray,
                 log_psi: torch.Tensor | None = None,
                 terms: tuple[str, ...] = ("diagonal", "plaquette", "hopping")
                 ) -> torch.Tensor:
    """E_loc = Σ_{x'} H_{xx'} ψ(x')/ψ(x) (complex, detached) of host `states` (B, D), or the
    local value of the sum of H's `terms` only."""
    L = model.lattice
    dev = model.orbitals.device
    c = L.connections(states, tuple(t for t in terms if t != "diagonal"))
    with torch.no_grad():
        if log_psi is None:
            log_psi = model(torch.as_tensor(states, device=dev))
        log_nb = model(torch.as_tensor(c.states, device=dev))
        src = torch.as_tensor(c.source, device=dev)
        ratio = torch.exp(log_nb - log_psi.detach()[src])
        out = torch.zeros(len(states), dtype=ratio.dtype, device=dev)
        out.index_add_(0, src, torch.as_tensor(c.value, device=dev) * ratio)
        if "diagonal" in terms:
            out = out + torch.as_tensor(L.diagonal(states), dtype=torch.float64, device=dev)
        return out


def _sr_direction(model: nn.Module, states: torch.Tensor, e_loc: torch.Tensor,
                  shift: float) -> list[torch.Tensor]:
    """Natural-gradient direction (S + shift)⁻¹ F in sample space (see the module docstring)."""
    from torch.func import functional_call, jacrev, vmap

    params = {k: v.detach() for k, v in model.named_parameters()}

    def parts(p, x):  # one state: (Re, Im) log ψ
        out = functional_call(model, p, (x[None],))[0]
        return torch.stack([out.real, out.imag])

    jac = vmap(jacrev(parts), in_dims=(None, 0))(params, states)  # each (B, 2, ...)
    jac = {k: j.transpose(0, 1) for k, j in jac.items()}
    B = states.shape[0]
    X = torch.cat([j.reshape(2, B, -1) for j in jac.values()], dim=2)  # (2, B, P)
    X = (X - X.mean(1, keepdim=True)).reshape(2 * B, -1) / math.sqrt(B)
    eps = (e_loc - e_loc.mean()) / math.sqrt(B)
    y = torch.cat([eps.real, eps.imag])
    K = X @ X.T
    K.diagonal().add_(shift)
    delta = X.T @ torch.linalg.solve(K, y)
    out, i = [], 0
    for v in params.values():
        out.append(delta[i:i + v.numel()].view_as(v))
        i += v.numel()
    return out


@dataclass
class FermionVMCResult:
    """`energy` ± `energy_stderr` from fresh exact samples, the energy per iteration
    (`history`), observables at the end (`occupation`, `electric_energy`, `magnetic_energy`,
    `plaquette_mean` = ⟨cos P⟩ per plaquette), the trained
    `model`, and the fraction of draws the truncation rejected (`rejected`)."""

    energy: float
    energy_stderr: float
    history: list
    observables: dict
    model: GaugeFermionAnsatz
    rejected: float


def vmc_gauge_fermion(lattice, *, iterations: int = 500, samples: int = 512,
                      optimizer: str = "sr", lr: float | None = None, shift: float = 1e-3,
                      hidden: int = 64, measure_samples: int = 20000, seed: int = 0,
                      device="cpu", progress: Callable[[int], None] | None = None
                      ) -> FermionVMCResult:
    """Train a `GaugeFermionAnsatz` on `lattice` by VMC (`optimizer` "sr": stochastic
    reconfiguration, learning rate default 0.05; "adam": default 1e-2) with `samples` exact
    samples per iteration, then measure the energy on `measure_samples` fresh ones."""
    if optimizer not in ("sr", "adam"):
        raise ValueError(f"optimizer={optimizer!r} must be 'sr' or 'adam'")
    for name, v in (("iterations", iterations), ("samples", samples),
                    ("measure_samples", measure_samples)):
        if not isinstance(v, int) or v < 2:
            raise ValueError(f"{name}={v!r} must be an integer >= 2")
    if not (math.isfinite(shift) and shift > 0):
        raise ValueError(f"shift={shift!r} is outside the valid range (0, inf)")
    gen = torch.Generator().manual_seed(seed)
    model = GaugeFermionAnsatz(lattice, hidden=hidden, seed=seed).to(device)
    lr = lr if lr is not None else (0.05 if optimizer == "sr" else 1e-2)
    adam = torch.optim.Adam(model.parameters(), lr=lr) if optimizer == "adam" else None
    history = []
    for _ in range(iterations):
        states, _ = sample_states(model, samples, gen)
        x = torch.as_tensor(states, device=device)
        log_psi = model(x)
        e = local_energy(model, states, log_psi)
        history.append(float(e.real.mean()))
        if optimizer == "adam":
            d = (e - e.mean()).conj()
            loss = 2 * (d.real * log_psi.real - d.imag * log_psi.imag).mean()
            adam.zero_grad()
            loss.backward()
            adam.step()
        else:
            with torch.no_grad():
                for p, d in zip(model.parameters(), _sr_direction(model, x, e, shift),
                                strict=True):
                    p.sub_(lr * d)
        if progress is not None:
            progress(1)
    energies, magnetic, occ, electric, rejected = [], [], [], [], []
    for start in range(0, measure_samples, 4096):
        states, rej = sample_states(model, min(4096, measure_samples - start), gen)
        energies.append(local_energy(model, states).real.cpu())
        magnetic.append(local_energy(model, states, terms=("plaquette",)).real.cpu())
        occ.append(states[:, :lattice.sites])
        electric.append(0.5 * lattice.g2 * (states[:, lattice.sites:] ** 2).sum(1))
        rejected.append(rej)
    e = torch.cat(energies).numpy()
    mag = float(torch.cat(magnetic).mean())
    P = len(lattice.plaquettes)
    obs = {"occupation": np.concatenate(occ).mean(0),
           "electric_energy": float(np.concatenate(electric).mean()),
           "magnetic_energy": mag,
           "plaquette_mean": -mag * lattice.g2 / P if P else float("nan")}
    return FermionVMCResult(float(e.mean()), float(e.std() / math.sqrt(len(e))), history, obs,
                            model, float(np.mean(rejected)))
