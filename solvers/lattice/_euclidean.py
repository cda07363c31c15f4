"""Euclidean 2D U(1) lattice gauge theory on an L × L torus: exact results and HMC.

Links U_μ(r) = e^{iθ_μ(r)}, plaquette angle P(r) = θ_x(r) + θ_y(r + x̂) − θ_x(r + ŷ) − θ_y(r),
action S = −β Σ_r cos P(r), topological charge Q = (1/2π) Σ_r wrap(P(r)) (wrap into (−π, π]),
an integer on the torus.

Exact (V = L² plaquettes; on the torus Σ_r P(r) ≡ 2πQ is the only constraint, imposed by a
Kronecker delta Σ_n e^{in Σ P}):

    Z(θ) = Σ_n f_{n + θ/2π}^V,   f_ν(β) = (1/2π) ∫_{−π}^{π} e^{β cos φ} cos(νφ) dφ,

so f_n = I_n(β) at integer n, ⟨cos P⟩ = Σ_n I_n^{V−1}(I_{n−1} + I_{n+1})/2 ÷ Σ_n I_n^V and
⟨Q²⟩ = −Z''(0)/Z(0).

HMC: momenta π_μ(r) ~ N(0, 1), H = ½Σπ² + S, leapfrog (second order: ⟨ΔH²⟩ ∝ ε⁴), Metropolis.
Torch, float64, a batch of independent chains, any device.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .._checks import check_integer, check_positive


def _orders(beta: float) -> np.ndarray:
    return np.arange(-int(2 * beta + 30), int(2 * beta + 31))


def plaquette_exact(beta: float, L: int) -> float:
    """Exact ⟨cos P⟩ on the L × L torus (the Bessel sum; exponentially scaled Bessel
    functions, the scale cancels)."""
    from scipy.special import ive

    check_positive("beta", beta)
    check_integer("L", L, 2)
    V = L * L
    n = _orders(beta)
    i_n, i_m, i_p = ive(n, beta), ive(n - 1, beta), ive(n + 1, beta)
    top = i_n.max()
    i_n, i_m, i_p = i_n / top, i_m / top, i_p / top
    return float((i_n ** (V - 1) * (i_m + i_p) / 2).sum() / (i_n ** V).sum())


def log_partition_exact(beta: float, L: int) -> float:
    """log Z = log ∫ Π_l dθ_l e^{β Σ cos P} (θ_l ∈ (−π, π]) = 2V log 2π + log Σ_n I_n(β)^V:
    with it the Kullback–Leibler divergence of a flow q is E_q[log q + S] + log Z."""
    from scipy.special import ive

    check_positive("beta", beta)
    check_integer("L", L, 2)
    V = L * L
    i_n = ive(_orders(beta), beta)
    top = i_n.max()
    return float(2 * V * math.log(2 * math.pi) + V * (beta + math.log(top))
                 + math.log(((i_n / top) ** V).sum()))


def topological_susceptibility_exact(beta: float, L: int) -> float:
    """Exact ⟨Q²⟩ on the L × L torus, −Z''(0)/Z(0) with f_ν and its ν-derivatives by
    Gauss–Legendre quadrature (400 nodes; the integrands are entire)."""
    check_positive("beta", beta)
    check_integer("L", L, 2)
    V = L * L
    x, w = np.polynomial.legendre.leggauss(400)
    phi, w = math.pi * x, math.pi * w / (2 * math.pi)
    weight = np.exp(beta * (np.cos(phi) - 1))  # scaled by e^{−β}; cancels in the ratio
    n = _orders(beta)[:, None]
    f = (w * weight * np.cos(n * phi)).sum(1)
    f1 = -(w * weight * phi * np.sin(n * phi)).sum(1) / (2 * math.pi)
    f2 = -(w * weight * phi ** 2 * np.cos(n * phi)).sum(1) / (2 * math.pi) ** 2
    top = f.max()
    f, f1, f2 = f / top, f1 / top, f2 / top
    z = (f ** V).sum()
    z2 = (V * (V - 1) * f ** (V - 2) * f1 ** 2 + V * f ** (V - 1) * f2).sum()
    return float(-z2 / z)


def plaquettes(theta: torch.Tensor) -> torch.Tensor:
    """P(r) (B, L, L) of links θ (B, 2, L, L) (axis −2 is x, axis −1 is y)."""
    tx, ty = theta[:, 0], theta[:, 1]
    return tx + torch.roll(ty, -1, dims=-2) - torch.roll(tx, -1, dims=-1) - ty


def topological_charge(theta: torch.Tensor) -> torch.Tensor:
    """Q (B,) = Σ wrap(P)/2π, rounded to the integer it is up to round-off."""
    p = plaquettes(theta)
    wrapped = torch.remainder(p + math.pi, 2 * math.pi) - math.pi
    return torch.round(wrapped.sum((-2, -1)) / (2 * math.pi))


def action(theta: torch.Tensor, beta: float) -> torch.Tensor:
    return -beta * torch.cos(plaquettes(theta)).sum((-2, -1))


def _force(theta: torch.Tensor, beta: float) -> torch.Tensor:
    """−∂S/∂θ (B, 2, L, L): sin P enters each of the plaquette's four links with its sign."""
    s = beta * torch.sin(plaquettes(theta))  # ∂S/∂P = β sin P
    dx = s - torch.roll(s, 1, dims=-1)  # θ_x(r) is in P(r) (+) and P(r − ŷ) (−)
    dy = torch.roll(s, 1, dims=-2) - s  # θ_y(r) is in P(r − x̂) (+) and P(r) (−)
    return -torch.stack([dx, dy], dim=1)


@dataclass
class HMCRun:
    """Samples of an HMC run: per trajectory and chain, ⟨cos P⟩ (`plaquette`, (T, B)), the
    topological charge (`charge`, (T, B)), acceptance flags and ΔH (`accepted`, `dH`)."""

    plaquette: np.ndarray
    charge: np.ndarray
    accepted: np.ndarray
    dH: np.ndarray
    theta: torch.Tensor  # the final configurations


def leapfrog(theta: torch.Tensor, pi: torch.Tensor, beta: float, eps: float, steps: int):
    """`steps` leapfrog steps of size `eps` (time-reversible, symplectic, second order)."""
    pi = pi + 0.5 * eps * _force(theta, beta)
    for k in range(steps):
        theta = theta + eps * pi
        if k < steps - 1:
            pi = pi + eps * _force(theta, beta)
    pi = pi + 0.5 * eps * _force(theta, beta)
    return theta, pi


def hmc(beta: float, L: int, trajectories: int, *, chains: int = 8, step_size: float = 0.1,
        steps: int = 10, thermalize: int = 100, seed: int = 0, device="cpu",
        progress=None) -> HMCRun:
    """Hybrid Monte Carlo for the 2D U(1) theory: `chains` independent chains from a cold
    start, `thermalize` trajectories discarded, then `trajectories` recorded (trajectory length
    `steps` × `step_size`). `progress(1)` after each trajectory."""
    check_positive("beta", beta)
    check_integer("L", L, 2)
    for name, v, lo in (("trajectories", trajectories, 1), ("chains", chains, 1),
                        ("steps", steps, 1), ("thermalize", thermalize, 0)):
        if not isinstance(v, (int, np.integer)) or v < lo:
            raise ValueError(f"{name}={v!r} must be an integer >= {lo}")
    if not (math.isfinite(step_size) and step_size > 0):
        raise ValueError(f"step_size={step_size!r} is outside the valid range (0, inf)")
    g = torch.Generator(device="cpu").manual_seed(seed)
    theta = torch.zeros(chains, 2, L, L, dtype=torch.float64, device=device)
    out = {k: [] for k in ("plaquette", "charge", "accepted", "dH")}
    for t in range(thermalize + trajectories):
        pi = torch.randn(theta.shape, generator=g, dtype=torch.float64).to(device)
        h0 = 0.5 * (pi ** 2).sum((1, 2, 3)) + action(theta, beta)
        new, pi_new = leapfrog(theta, pi, beta, step_size, steps)
        h1 = 0.5 * (pi_new ** 2).sum((1, 2, 3)) + action(new, beta)
        dH = h1 - h0
        u = torch.rand(chains, generator=g, dtype=torch.float64).to(device)
        accept = u < torch.exp(-dH)
        theta = torch.where(accept[:, None, None, None], new, theta)
        if t >= thermalize:
            out["plaquette"].append(torch.cos(plaquettes(theta)).mean((-2, -1)).cpu().numpy())
            out["charge"].append(topological_charge(theta).cpu().numpy())
            out["accepted"].append(accept.cpu().numpy())
            out["dH"].append(dH.cpu().numpy())
        if progress is not None:
            progress(1)
    return HMCRun(*(np.array(out[k]) for k in ("plaquette", "charge", "accepted", "dH")),
                  theta=theta)
