"""The periodic box shared by the 2D solvers: Fourier grid, 2/3 dealiasing and the Stokes
solve of a traceless stress given in complex form.

A traceless symmetric tensor T is carried as t = (T₁₁ − T₂₂) + 2i T₁₂ (a stress s) or as
e = T₁₁ + i T₁₂ (the strain rate). Stokes, Δu − ∇q + ∇·Σ = 0, ∇·u = 0, is the Fourier
projector û = (I − k̂k̂) f̂ / |k|², f = ∇·Σ, û(0) = 0 (the trace of Σ goes into q). Real
fields travel in pairs as one complex field, FFT(a + ib) = â + i b̂: a Stokes solve costs one
forward transform and the strain rate one inverse.
"""

from __future__ import annotations

import math

import torch

from ._kinetic import _check_grid, dealias_mask


class PeriodicBox2D:
    """An n × ny periodic grid of spacing L/n (box L × L ny/n): `x` (n,), `y` (ny,),
    wavenumbers `kx` (n, 1), `ky` (1, ny) (axis −2 is x, axis −1 is y), `k2`, `inv_k2` (0 at
    k = 0) and the 2/3-rule `mask`."""

    def __init__(self, L: float, n: int, ny: int | None = None, *,
                 device: str | torch.device = "cpu", dtype: torch.dtype = torch.float64):
        _check_grid("n", n)
        ny = n if ny is None else ny
        _check_grid("ny", ny)
        self.n, self.ny = n, ny
        self.device, self.dtype = torch.device(device), dtype
        kw = {"device": self.device, "dtype": dtype}
        L = float(L)
        self.x = torch.arange(n, **kw) * (L / n)
        self.y = torch.arange(ny, **kw) * (L / n)
        self.Ly = L * ny / n
        k_i = torch.fft.fftfreq(n, d=1.0 / n, **kw)
        l_i = torch.fft.fftfreq(ny, d=1.0 / ny, **kw)
        self.kx = (2 * math.pi / L) * k_i[:, None]
        self.ky = (2 * math.pi / self.Ly) * l_i[None, :]
        self.k2 = self.kx ** 2 + self.ky ** 2
        self.inv_k2 = torch.where(self.k2 > 0, 1.0 / torch.where(self.k2 > 0, self.k2, 1.0),
                                  0.0)
        self.mask = dealias_mask(k_i, n)[:, None] & dealias_mask(l_i, ny)[None, :]

    @staticmethod
    def _reversed(h):
        """h(−k) on the FFT grid (last two axes)."""
        return torch.roll(torch.flip(h, (-2, -1)), shifts=(1, 1), dims=(-2, -1))

    def velocity_hat(self, s: torch.Tensor) -> torch.Tensor:
        """û (B, 2, n, ny), dealiased, driven by the traceless stress with complex form `s`."""
        sh = torch.fft.fft2(s)
        sh_neg = self._reversed(sh).conj()
        h11, h12 = 0.25 * (sh + sh_neg), -0.25j * (sh - sh_neg)  # FFT of Σ₁₁, Σ₁₂
        f1 = 1j * (self.kx * h11 + self.ky * h12)
        f2 = 1j * (self.kx * h12 - self.ky * h11)
        kf = (self.kx * f1 + self.ky * f2) * self.inv_k2
        return torch.stack([(f1 - self.kx * kf) * self.inv_k2 * self.mask,
                            (f2 - self.ky * kf) * self.inv_k2 * self.mask], dim=1)

    def strain(self, uh: torch.Tensor) -> torch.Tensor:
        """e = E₁₁ + i E₁₂ from û (one inverse transform)."""
        u1, u2 = uh[:, 0], uh[:, 1]
        return torch.fft.ifft2(1j * self.kx * u1 - 0.5 * (self.ky * u1 + self.kx * u2))

    def velocity(self, uh: torch.Tensor) -> torch.Tensor:
        """u (B, 2, n, ny), real, from û."""
        u = torch.fft.ifft2(uh[:, 0] + 1j * uh[:, 1])
        return torch.stack([u.real, u.imag], dim=1)

    def vorticity(self, uh: torch.Tensor) -> torch.Tensor:
        """ω = ∂ₓu_y − ∂_y uₓ (B, n, ny) from û."""
        return torch.fft.ifft2(1j * (self.kx * uh[:, 1] - self.ky * uh[:, 0])).real
