"""Gauge-equivariant normalising flow for Euclidean 2D U(1) lattice gauge theory, sampled exactly
with independence Metropolis (after Kanwar et al., PRL 125, 121601 (2020)).

Links θ (B, 2, L, L) as in `solvers.lattice` (axis −2 is x, −1 is y), P the plaquettes. The
prior is the Haar measure (θ uniform on (−π, π]). Each coupling layer updates the μ-links on
one stripe (every fourth row or column, at an offset) through their "active" plaquette P:

    θ_μ(r) → θ_μ(r) + σ (h(P(r)) − P(r)),   so that P(r) → h(P(r)),

σ the sign of the link in P(r) (+1 for x-links, −1 for y-links). The neighbouring "passive"
plaquettes change along; the map h of the circle is conditioned, through a small circular
convolution network, on the "frozen" plaquettes only (those that hold no updated link). The
Jacobian is therefore diagonal, log|det| = Σ_active log h'(P), and the map commutes with gauge
transformations (it moves links only by functions of plaquettes, which are gauge invariant).

h(x) = Σ_k ρ_k g_{s_k}(x) + t with g_s(x) = 2 atan(e^s tan(x/2)) (non-compact projections,
monotone bijections of (−π, π] fixing 0 and π), weights ρ = softmax, a rotation t.

Training minimises the reverse Kullback–Leibler divergence E_q[log q − log p], p ∝ e^{−S};
samples for measurement are drawn from q and accepted or rejected by independence Metropolis
with weights w = p/q, which makes the chain exact for any trained flow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from solvers.lattice import action, plaquettes, topological_charge


def _wrap(x: torch.Tensor) -> torch.Tensor:
    return torch.remainder(x + math.pi, 2 * math.pi) - math.pi


def _stripe(L: int, axis: int, offset: int, device) -> torch.Tensor:
    m = torch.zeros(L, L, dtype=torch.bool, device=device)
    if axis == 0:
        m[offset % 4::4, :] = True
    else:
        m[:, offset % 4::4] = True
    return m


class _Coupling(nn.Module):
    """One gauge-equivariant coupling layer: the μ-links at stripe `offset` (mod 4)."""

    def __init__(self, L: int, mu: int, offset: int, hidden: tuple[int, ...], kernel: int,
                 mixtures: int, dtype: torch.dtype):
        super().__init__()
        self.mu, self.K = mu, mixtures
        # x-links (μ = 0) sit on rows of fixed y (stripes along axis 1); y-links on columns
        axis = 1 - mu
        active = _stripe(L, axis, offset, "cpu")
        passive = _stripe(L, axis, offset - 1, "cpu")
        self.register_buffer("active", active)
        self.register_buffer("frozen", ~(active | passive))
        self.sign = 1.0 if mu == 0 else -1.0
        layers, c = [], 2
        for h in hidden:
            layers += [nn.Conv2d(c, h, kernel, padding=kernel // 2, padding_mode="circular",
                                 dtype=dtype), nn.LeakyReLU()]
            c = h
        last = nn.Conv2d(c, 2 * mixtures + 2, kernel, padding=kernel // 2,
                         padding_mode="circular", dtype=dtype)
        with torch.no_grad():
            last.weight.mul_(0.01)
            last.bias.zero_()
            last.bias[-1] = 1.0  # the rotation starts at atan2(0, 1) = 0
        self.net = nn.Sequential(*layers, last)

    def _circle_map(self, x: torch.Tensor, out: torch.Tensor):
        """h(x) and log h'(x) for x (B, L, L) in (−π, π], parameters `out` (B, 2K+2, L, L)."""
        K = self.K
        s = out[:, :K].clamp(-6, 6)
        rho = torch.softmax(out[:, K:2 * K], dim=1)
        t = torch.atan2(out[:, 2 * K], out[:, 2 * K + 1])
        half = x[:, None] / 2
        es = torch.exp(s)
        g = 2 * torch.atan2(es * torch.sin(half), torch.cos(half))
        dg = es / (torch.cos(half) ** 2 + (es * torch.sin(half)) ** 2)
        return (rho * g).sum(1) + t, torch.log((rho * dg).sum(1))

    def forward(self, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        P = _wrap(plaquettes(theta))
        f = self.frozen.to(P.dtype)
        out = self.net(torch.stack([torch.cos(P) * f, torch.sin(P) * f], dim=1))
        h, logdh = self._circle_map(P, out)
        a = self.active.to(P.dtype)
        theta = theta.clone()
        theta[:, self.mu] = theta[:, self.mu] + self.sign * (h - P) * a
        return theta, (logdh * a).sum((-2, -1))


class U1Flow(nn.Module):
    """The flow: `layers` couplings cycling over μ ∈ {x, y} and the four stripe offsets, each
    with a circular CNN of `hidden` channels. It computes in the dtype of its parameters
    (`dtype`; float32 trains fastest on a CPU, `.double()` before measuring)."""

    def __init__(self, L: int, layers: int = 16, hidden: tuple[int, ...] = (8, 8),
                 kernel: int = 3, mixtures: int = 6, dtype: torch.dtype = torch.float32):
        super().__init__()
        if not isinstance(L, int) or L < 4 or L % 4:
            raise ValueError(f"L={L!r} must be a multiple of 4 (stripes of period 4)")
        if not isinstance(layers, int) or layers < 1:
            raise ValueError(f"layers={layers!r} must be an integer >= 1")
        self.L = L
        self.couplings = nn.ModuleList(
            _Coupling(L, i % 2, (i // 2) % 4, tuple(hidden), kernel, mixtures, dtype)
            for i in range(layers))

    @property
    def device(self):
        return self.couplings[0].active.device

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    def sample(self, n: int, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """`n` configurations θ and their log q (differentiable through the flow)."""
        L = self.L
        u = torch.rand(n, 2, L, L, generator=generator, dtype=torch.float64)
        theta = (2 * math.pi * u - math.pi).to(self.device, self.dtype)
        theta, logdet = self(theta)
        return theta, -2 * L * L * math.log(2 * math.pi) - logdet

    def forward(self, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The flow's map of links θ (B, 2, L, L) and its log|det Jacobian| (B,)."""
        logdet = torch.zeros(theta.shape[0], dtype=theta.dtype, device=theta.device)
        for layer in self.couplings:
            theta, ld = layer(theta)
            logdet = logdet + ld
        return theta, logdet


@dataclass
class FlowTraining:
    """The trained `model`, the reverse-KL loss and the ESS per sample per step."""

    model: U1Flow
    loss: list
    ess: list


def ess_per_sample(logw: torch.Tensor) -> float:
    """(Σw)² / (N Σw²) of log weights log w = log p − log q."""
    lw = logw - logw.max()
    w = torch.exp(lw)
    return float(w.sum() ** 2 / (len(w) * (w ** 2).sum()))


def train_flow(beta: float, L: int, *, steps: int = 2000, batch: int = 64, lr: float = 3e-3,
               layers: int = 16, hidden: tuple[int, ...] = (8, 8), seed: int = 0,
               device="cpu", model: U1Flow | None = None, start: int = 0,
               optimizer_state: dict | None = None,
               progress: Callable[[int], None] | None = None,
               checkpoint: Callable[[dict], None] | None = None,
               checkpoint_every: int = 200) -> FlowTraining:
    """Train a `U1Flow` for β on the L × L torus by the reverse KL divergence (Adam, cosine
    learning-rate decay over `steps`). A run can continue from `model`, `start` and
    `optimizer_state`; `checkpoint(state)` is called every `checkpoint_every` steps with the
    state needed to continue (and the losses of this call)."""
    if not (math.isfinite(beta) and beta > 0):
        raise ValueError(f"beta={beta!r} is outside the valid range (0, inf)")
    for name, v in (("steps", steps), ("batch", batch)):
        if not isinstance(v, int) or v < 2:
            raise ValueError(f"{name}={v!r} must be an integer >= 2")
    torch.manual_seed(seed)
    model = model if model is not None else U1Flow(L, layers, hidden).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: 0.5 * (1 + math.cos(math.pi * min(k, steps) / steps)))
    if optimizer_state is not None:
        opt.load_state_dict(optimizer_state["adam"])
        sched.load_state_dict(optimizer_state["schedule"])
    gen = torch.Generator().manual_seed(seed + 7919 * start)
    losses, ess = [], []
    for step in range(start, steps):
        theta, logq = model.sample(batch, gen)
        logp = -action(theta, beta)
        loss = (logq - logp).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
        ess.append(ess_per_sample((logp - logq).detach()))
        if progress is not None:
            progress(1)
        if checkpoint is not None and ((step + 1) % checkpoint_every == 0 or step + 1 == steps):
            checkpoint({"model": model.state_dict(), "step": step + 1, "loss": list(losses),
                        "optimizer": {"adam": opt.state_dict(),
                                      "schedule": sched.state_dict()}})
    return FlowTraining(model, losses, ess)


@dataclass
class FlowChains:
    """Independence-Metropolis chains of a flow: per step and chain ⟨cos P⟩ (`plaquette`,
    (T, C)), the topological charge (`charge`), the acceptance flags of steps 2 … T
    (`accepted`), and the ESS
    per sample of all proposals (`ess`)."""

    plaquette: np.ndarray
    charge: np.ndarray
    accepted: np.ndarray
    ess: float


@torch.no_grad()
def flow_metropolis(model: U1Flow, beta: float, samples: int, *, chains: int = 16,
                    batch: int = 1024, seed: int = 0,
                    progress: Callable[[int], None] | None = None) -> FlowChains:
    """`chains` independent-Metropolis chains of `samples` steps each, proposals from the
    flow: accept θ' with probability min(1, w(θ')/w(θ)), w = e^{−S}/q."""
    gen = torch.Generator().manual_seed(seed)
    rows = max(1, batch // chains)
    cur_lw = cur_p = cur_q = None
    plaq, charge, acc, all_lw = [], [], [], []
    done = 0
    while done < samples:
        k = min(rows, samples - done)
        theta, logq = model.sample(k * chains, gen)
        lw = (-action(theta, beta) - logq).view(k, chains)
        p = torch.cos(plaquettes(theta)).mean((-2, -1)).view(k, chains)
        q = topological_charge(theta).view(k, chains)
        u = torch.rand(k, chains, generator=gen, dtype=torch.float64).to(lw.device, lw.dtype)
        all_lw.append(lw.flatten())
        for i in range(k):
            if cur_lw is None:  # the first proposal starts each chain
                take = torch.ones(chains, dtype=torch.bool, device=lw.device)
            else:
                take = torch.log(u[i]) < lw[i] - cur_lw
            cur_lw = torch.where(take, lw[i], cur_lw) if cur_lw is not None else lw[i]
            cur_p = torch.where(take, p[i], cur_p) if cur_p is not None else p[i]
            cur_q = torch.where(take, q[i], cur_q) if cur_q is not None else q[i]
            plaq.append(cur_p.cpu().numpy())
            charge.append(cur_q.cpu().numpy())
            acc.append(take.cpu().numpy())
        done += k
        if progress is not None:
            progress(k)
    # the first row starts the chains; the decisions are the rows after it
    return FlowChains(np.array(plaq), np.array(charge), np.array(acc[1:]),
                      ess_per_sample(torch.cat(all_lw)))
