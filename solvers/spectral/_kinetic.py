"""Kinetic reference: Ψ(x, θ, t) of the 1D(x)+θ reduction, pseudo-spectral, IMEX SBDF2.

With nothing depending on y, the flow is u = (0, v(x)) and Stokes is algebraic: the y-momentum
balance integrates to v′ + Σ₁₂ = C, and with Σ₁₂ = Σ⁰ + β S₁₁₂₂ v′ (the constraint stress
β S:E is the only part that depends on v′)

    (1 + β S₁₁₂₂) v′ = C − Σ⁰,   Σ⁰ = α D₁₂ − 2ζβ [(D·D)₁₂ − (S:D)₁₂],

with C such that v′ has zero mean (v periodic). The Smoluchowski equation then reads

    ∂ₜΨ = d_T ∂ₓₓΨ + d_R ∂θθΨ − ∂θ(θ̇ Ψ),
    θ̇ = v′ cos²θ + 2ζ [D₁₂ cos 2θ − ½ (D₁₁ − D₂₂) sin 2θ]

(p⊥·∇u·p and 2ζ p⊥·D·p for p = (cos θ, sin θ)). Both directions are Fourier (x on [0, L), θ
on [0, 2π)); diffusion is implicit and diagonal, the rest explicit (SBDF2 after one IMEX Euler
step); the nonlinear term is dealiased by the 2/3 rule. Moments are trapezoidal sums in θ,
spectrally exact. The mean of Ψ (the mean concentration) is conserved to round-off.

Tensors carry a leading batch dimension: many runs advance together, on any torch device.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ._closures import m4_quadrature
from ._params import ActiveFluidParams


def _check_grid(name: str, n: int, lo: int = 8) -> None:
    if not isinstance(n, (int, np.integer)) or n < lo or n % 2:
        raise ValueError(f"{name}={n!r} must be an even integer >= {lo}")


def _check_dt(dt) -> None:
    if not (isinstance(dt, (int, float)) and math.isfinite(dt) and dt > 0):
        raise ValueError(f"dt={dt!r} must be a positive number")


def dealias_mask(k_index: torch.Tensor, n: int) -> torch.Tensor:
    """The 2/3 rule: keep integer wavenumbers |k| < n/3."""
    return k_index.abs() < n / 3


@dataclass
class KineticRun:
    """Snapshots of a kinetic run: `times` (T,), `psi` (T, B, nx, nθ)."""

    times: torch.Tensor
    psi: torch.Tensor
    steps: int


class Kinetic1D:
    """The 1D(x)+θ kinetic model on an `nx` × `ntheta` grid with time step `dt`.

    :meth:`run` advances a batch of Ψ; :meth:`moments` gives c, D, S and z, m₄;
    :meth:`velocity_gradient` the algebraic Stokes solution v′(x).
    """

    def __init__(self, params: ActiveFluidParams, nx: int = 128, ntheta: int = 64,
                 dt: float = 1e-3, *, device: str | torch.device = "cpu",
                 dtype: torch.dtype = torch.float64):
        _check_grid("nx", nx)
        _check_grid("ntheta", ntheta)
        _check_dt(dt)
        params.check_dt(dt)
        self.params, self.nx, self.ntheta, self.dt = params, nx, ntheta, float(dt)
        self.device, self.dtype = torch.device(device), dtype
        kw = {"device": self.device, "dtype": dtype}
        L = params.L
        self.x = torch.arange(nx, **kw) * (float(L) / nx)
        self.theta = torch.arange(ntheta, **kw) * (2 * math.pi / ntheta)
        self.dtheta = 2 * math.pi / ntheta
        kx_i = torch.fft.fftfreq(nx, d=1.0 / nx, **kw)
        m = torch.fft.rfftfreq(ntheta, d=1.0 / ntheta, **kw)
        self.kx = (2 * math.pi / float(L)) * kx_i[:, None]
        self.m = m[None, :]
        self.linear = -float(params.dT) * self.kx ** 2 - float(params.dR) * self.m ** 2
        self.mask = dealias_mask(kx_i, nx)[:, None] & dealias_mask(m, ntheta)[None, :]
        th = self.theta
        self._cos2, self._sin2 = torch.cos(2 * th), torch.sin(2 * th)
        self._c2 = torch.cos(th) ** 2
        c, s = torch.cos(th), torch.sin(th)
        self._w = {"D11": c * c, "D12": c * s, "D22": s * s, "S1111": c ** 4,
                   "S1112": c ** 3 * s, "S1122": c * c * s * s, "S1222": c * s ** 3}

    # -- physics ---------------------------------------------------------------------------
    def moments(self, psi: torch.Tensor) -> dict[str, torch.Tensor]:
        """c, D₁₁, D₁₂, D₂₂, S₁₁₁₁, S₁₁₁₂, S₁₁₂₂, S₁₂₂₂ on x (shape (B, nx)), z and m₄."""
        out = {"c": psi.sum(-1) * self.dtheta}
        for k, w in self._w.items():
            out[k] = (psi * w).sum(-1) * self.dtheta
        out["z"] = torch.complex(out["D11"] - out["D22"], 2 * out["D12"]) / out["c"]
        out["m4"] = m4_quadrature(psi, self.theta)
        return out

    def velocity_gradient(self, mom: dict[str, torch.Tensor]) -> torch.Tensor:
        """v′(x) from the algebraic Stokes balance (zero mean)."""
        p = self.params
        dd12 = mom["D12"] * (mom["D11"] + mom["D22"])
        sd12 = mom["S1112"] * mom["D11"] + 2 * mom["S1122"] * mom["D12"] + \
            mom["S1222"] * mom["D22"]
        sigma0 = p.alpha * mom["D12"] - 2 * p.zeta * p.beta * (dd12 - sd12)
        inv = 1.0 / (1.0 + p.beta * mom["S1122"])
        C = (sigma0 * inv).mean(-1, keepdim=True) / inv.mean(-1, keepdim=True)
        return (C - sigma0) * inv

    def nonlinear(self, psi: torch.Tensor) -> torch.Tensor:
        """Spectral −∂θ(θ̇ Ψ), dealiased."""
        mom = self.moments(psi)
        vx = self.velocity_gradient(mom)
        p = self.params
        rate = (vx[..., None] * self._c2
                + 2 * p.zeta * (mom["D12"][..., None] * self._cos2
                                - 0.5 * (mom["D11"] - mom["D22"])[..., None] * self._sin2))
        flux = torch.fft.rfft2(rate * psi)
        return torch.where(self.mask, -1j * self.m * flux, 0)

    # -- initial states --------------------------------------------------------------------
    def isotropic(self, batch: int = 1, *, amplitude: float = 0.0, mode: int = 1,
                  seed: int | None = None) -> torch.Tensor:
        """Ψ = (1 + perturbation)/(2π): with `seed` None a shear perturbation
        ``amplitude · cos(2π mode x/L) · sin 2θ``; with a `seed`, 8 random plane waves in x
        (wavenumbers 1-4 × 2π/L) in the 2θ harmonic only, so the perturbation is one of D
        and m₄ starts at zero; total amplitude `amplitude`."""
        x = self.x[:, None]
        th = self.theta[None, :]
        if seed is None:
            k = 2 * math.pi * mode / float(self.params.L)
            pert = amplitude * torch.cos(k * x) * torch.sin(2 * th)
            pert = pert.expand(batch, -1, -1)
        else:
            g = torch.Generator(device="cpu").manual_seed(seed)
            pert = torch.zeros(batch, self.nx, self.ntheta, device=self.device,
                               dtype=self.dtype)
            for kx in (1, 1, 2, 2, 3, 3, 4, 4):
                ph = 2 * math.pi * torch.rand(batch, 2, generator=g,
                                              dtype=self.dtype).to(self.device)
                kk = 2 * math.pi * kx / float(self.params.L)
                pert = pert + (amplitude / 8) * (torch.cos(kk * x + ph[:, 0, None, None])
                                                 * torch.cos(2 * th + ph[:, 1, None, None]))
        return (1.0 + pert) / (2 * math.pi)

    # -- time stepping ---------------------------------------------------------------------
    def run(self, psi0: torch.Tensor, t_end: float, *, save_every: float | None = None,
            callback=None) -> KineticRun:
        """Advance Ψ from `psi0` (B, nx, nθ) to `t_end` (a multiple of dt); returns the
        snapshots at multiples of `save_every` (default: the start and the end). Raises
        :class:`FloatingPointError` if a snapshot has a clearly negative Ψ (2πΨ < −0.01): the
        grid does not resolve the distribution."""
        if psi0.ndim != 3 or psi0.shape[1:] != (self.nx, self.ntheta):
            raise ValueError(f"psi0 must have shape (B, {self.nx}, {self.ntheta})")
        steps = _steps(t_end, self.dt, "t_end")
        every = steps if save_every is None else _steps(save_every, self.dt, "save_every")
        dt, L = self.dt, self.linear
        hat = torch.fft.rfft2(psi0.to(self.device, self.dtype))
        n_old = self.nonlinear(psi0)
        times, snaps = [0.0], [psi0.detach().clone()]
        hat_old = hat
        hat = (hat + dt * n_old) / (1 - dt * L)
        for k in range(2, steps + 1):
            psi = torch.fft.irfft2(hat, s=(self.nx, self.ntheta))
            if (k - 1) % every == 0:
                times.append((k - 1) * dt)
                snaps.append(psi.detach().clone())
                _check_positive(psi, (k - 1) * dt)
                if callback is not None:
                    callback(k - 1, psi)
            n_new = self.nonlinear(psi)
            hat, hat_old = (4 * hat - hat_old + 2 * dt * (2 * n_new - n_old)) / \
                (3 - 2 * dt * L), hat
            n_old = n_new
        psi = torch.fft.irfft2(hat, s=(self.nx, self.ntheta))
        if steps % every == 0 and steps > 0:
            times.append(steps * dt)
            snaps.append(psi.detach().clone())
            _check_positive(psi, steps * dt)
        return KineticRun(torch.tensor(times, dtype=torch.float64), torch.stack(snaps), steps)


def _check_positive(psi: torch.Tensor, t: float) -> None:
    """Ψ ≥ 0 holds for the exact equation; a clearly negative Ψ means an unresolved run."""
    low = float(psi.min()) * 2 * math.pi
    if not math.isfinite(low) or low < -0.01:
        raise FloatingPointError(
            f"Ψ lost positivity at t={t:g} (min 2πΨ = {low:.3g}): the orientation distribution "
            "is sharper than the grid resolves; raise ntheta (strong alignment ζ/d_R needs "
            "hundreds of angles) or nx, or reduce dt")


def _steps(t, dt, name) -> int:
    n = round(t / dt)
    if n < 1 or abs(n * dt - t) > 1e-9 * max(1.0, t):
        raise ValueError(f"{name}={t!r} must be a positive multiple of dt={dt!r}")
    return n
