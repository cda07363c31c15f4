"""Diagnostics of active-fluid states: order parameter, r.m.s. velocity, velocity spectrum."""

from __future__ import annotations

import math

import torch


def order_parameter(z: torch.Tensor) -> torch.Tensor:
    """Box mean of the scalar order parameter s = |z| (z of shape (..., n, n)) → (...)."""
    return z.abs().mean((-2, -1))


def u_rms(u: torch.Tensor) -> torch.Tensor:
    """Root-mean-square speed of u (..., 2, n, n) → (...)."""
    return torch.sqrt((u ** 2).sum(-3).mean((-2, -1)))


def energy_spectrum(u: torch.Tensor, L: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Shell-summed kinetic energy spectrum of u (..., 2, n, n) on a box of side L.

    Returns (k, E): k = 2π j / L for shells j = 1 … n/2, and E (..., n/2) with
    Σ_j E_j = ½ ⟨|u|²⟩ (the mean, not the integral) up to the modes beyond the last shell.
    """
    n = u.shape[-1]
    uh = torch.fft.fft2(u) / (n * n)
    e = 0.5 * (uh.abs() ** 2).sum(-3)  # Parseval: Σ e = ½ ⟨|u|²⟩
    j = torch.fft.fftfreq(n, d=1.0 / n, device=u.device)
    shell = torch.round(torch.sqrt(j[:, None] ** 2 + j[None, :] ** 2)).long()
    shells = n // 2
    flat = e.reshape(*e.shape[:-2], -1)
    idx = shell.reshape(-1).clamp(max=shells + 1)
    out = torch.zeros(*e.shape[:-2], shells + 2, dtype=e.dtype, device=e.device)
    out.index_add_(-1, idx, flat)
    k = (2 * math.pi / L) * torch.arange(1, shells + 1, dtype=e.dtype, device=e.device)
    return k, out[..., 1:shells + 1]
