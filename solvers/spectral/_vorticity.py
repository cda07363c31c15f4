"""2D incompressible Navier–Stokes in vorticity form on the periodic unit square (torch,
batched, any device): the third operator-learning data set of Li et al. (FNO, 2021).

    ∂ₜω + u·∇ω = ν Δω + f,   u = (∂_y ψ, −∂ₓ ψ),   −Δψ = ω,

with f = 0.1 (sin 2π(x + y) + cos 2π(x + y)) by default. Pseudo-spectral (2/3 dealiasing of
the advection term); Crank–Nicolson for diffusion and Heun's method for the explicit part, so
second order in time. Initial vorticity ω₀ ~ N(0, 7^{3/2} (−Δ + 49)^{−5/2}), mean zero.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .._checks import check_integer, check_positive


def _wavenumbers(n, device):
    k = 2 * math.pi * torch.fft.fftfreq(n, d=1.0 / n, device=device, dtype=torch.float64)
    kr = 2 * math.pi * torch.fft.rfftfreq(n, d=1.0 / n, device=device, dtype=torch.float64)
    kx, ky = torch.meshgrid(k, kr, indexing="ij")
    return kx, ky


def default_forcing(n: int, device="cpu") -> torch.Tensor:
    """0.1 (sin 2π(x + y) + cos 2π(x + y)) on the n × n grid x, y = i/n."""
    x = torch.arange(n, device=device, dtype=torch.float64) / n
    s = 2 * math.pi * (x[:, None] + x[None, :])
    return 0.1 * (torch.sin(s) + torch.cos(s))


def vorticity_initial(n: int, rng: np.random.Generator, *, alpha: float = 2.5,
                      tau: float = 7.0) -> np.ndarray:
    """A draw of N(0, τ^{3/2} (−Δ + τ²)^{−α}) on n × n points of the periodic unit square (mean
    zero)."""
    if not (isinstance(n, (int, np.integer)) and n >= 4 and n % 2 == 0):
        raise ValueError(f"n={n!r} must be an even integer >= 4")
    k = np.fft.fftfreq(n, d=1.0 / n)
    k2 = k[:, None] ** 2 + k[None, :] ** 2
    sd = tau ** 0.75 * (4 * np.pi ** 2 * k2 + tau ** 2) ** (-alpha / 2)
    sd[0, 0] = 0.0
    noise = np.fft.fft2(rng.standard_normal((n, n)))  # white noise: E|ξ̂_k|² = n²
    return np.real(np.fft.ifft2(sd * noise)) * n


def solve_vorticity(w0, *, nu: float = 1e-3, t_end: float = 1.0, dt: float = 1e-3,
                    forcing: torch.Tensor | None | str = "default", saves: int = 1,
                    device=None) -> torch.Tensor:
    """Integrate from `w0` (``(n, n)`` or a batch ``(B, n, n)``; array or tensor) to `t_end`.

    `forcing` is ``"default"`` (the FNO forcing), ``None`` (none) or an ``(n, n)`` field.
    Returns the states at `saves` equally spaced times after 0, ``(saves, B, n, n)`` float64.
    """
    for name, v in (("nu", nu), ("t_end", t_end), ("dt", dt)):
        check_positive(name, v)
    check_integer("saves", saves, 1)
    w = torch.as_tensor(w0, dtype=torch.float64, device=device)
    if w.ndim == 2:
        w = w[None]
    n = w.shape[-1]
    if w.ndim != 3 or w.shape[-2] != n or n < 4 or n % 2:
        raise ValueError(f"w0 has shape {tuple(w.shape)}; it must be (n, n) or (B, n, n) with "
                         f"n even >= 4")
    dev = w.device
    kx, ky = _wavenumbers(n, dev)
    k2 = kx ** 2 + ky ** 2
    inv_k2 = torch.where(k2 > 0, 1.0 / torch.where(k2 > 0, k2, 1.0), 0.0)
    cut = (2.0 / 3.0) * math.pi * n  # 2/3 of the largest wavenumber π n
    dealias = ((kx.abs() < cut) & (ky.abs() < cut)).to(torch.float64)
    if isinstance(forcing, str):
        if forcing != "default":
            raise ValueError(f"forcing={forcing!r} must be 'default', None or an (n, n) field")
        forcing = default_forcing(n, dev)
    f_hat = 0.0 if forcing is None else torch.fft.rfft2(
        torch.as_tensor(forcing, dtype=torch.float64, device=dev))

    def rhs(wh):
        psi = wh * inv_k2
        u = torch.fft.irfft2(1j * ky * psi, s=(n, n))
        v = torch.fft.irfft2(-1j * kx * psi, s=(n, n))
        wx = torch.fft.irfft2(1j * kx * wh * dealias, s=(n, n))
        wy = torch.fft.irfft2(1j * ky * wh * dealias, s=(n, n))
        return -torch.fft.rfft2(u * wx + v * wy) * dealias + f_hat

    steps_per_save = max(1, math.ceil(t_end / saves / dt))
    h = t_end / saves / steps_per_save
    lhs = 1.0 + 0.5 * h * nu * k2
    rhs_diff = 1.0 - 0.5 * h * nu * k2
    wh = torch.fft.rfft2(w)
    out = torch.empty((saves, *w.shape), dtype=torch.float64, device=dev)
    for s in range(saves):
        for _ in range(steps_per_save):
            F0 = rhs(wh)
            pred = (rhs_diff * wh + h * F0) / lhs
            wh = (rhs_diff * wh + 0.5 * h * (F0 + rhs(pred))) / lhs
        out[s] = torch.fft.irfft2(wh, s=(n, n))
    return out


def vorticity_block(indices, *, seed: int, resolution: int = 64, nu: float = 1e-3,
                    t_end: float = 1.0, dt: float = 1e-3) -> list[tuple[np.ndarray, np.ndarray]]:
    """Samples `indices` of the data set `seed`, solved together as one batch: a list of
    (ω(·, 0), ω(·, t_end)) on resolution² points. Each sample depends only on (seed, index)
    (up to the rounding of batched FFTs)."""
    w0 = np.stack([vorticity_initial(resolution, np.random.default_rng([seed, i]))
                   for i in indices])
    w1 = solve_vorticity(w0, nu=nu, t_end=t_end, dt=dt)[-1].cpu().numpy()
    return [(a, b) for a, b in zip(w0, w1, strict=True)]
