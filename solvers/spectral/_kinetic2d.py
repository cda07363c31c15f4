"""Kinetic reference in 2D: Ψ(x, y, θ, t) in a periodic box, pseudo-spectral, IMEX SBDF2.

The Smoluchowski equation of the active suspension (the 1D(x)+θ reduction of `_kinetic` with
the y dependence and the advection restored),

    ∂ₜΨ = −∇·(uΨ) + d_T ΔΨ + d_R ∂θθΨ − ∂θ(θ̇ Ψ),
    θ̇ = ω/2 + Im[(e + ζ a₂) e^{−2iθ}]

(p⊥·∇u·p + 2ζ p⊥·D·p for p = (cos θ, sin θ): ω the vorticity, e = E₁₁ + i E₁₂ the strain
rate). With the angular moments c = ∫Ψ dθ, a₂ = ∫e^{2iθ}Ψ dθ, a₄ = ∫e^{4iθ}Ψ dθ, the traceless
part of the stress Σ = αD + βS:E − 2ζβ(D·D − S:D), in complex form, is

    s = α a₂ − (ζβ/2)(c a₂ − ā₂ a₄) + (β/2)(c e + ē a₄),

which for c = 1, a₂ = z, a₄ = m₄ is the moment model's stress (`_moment`): the two solvers
differ only in m₄, exact here, closed there. Stokes is the Fourier projector of `_stokes`; the
constraint stress depends on u through e, so u is iterated `stokes_iterations` times from the
previous step's u. Fourier in x, y and θ; diffusion implicit and diagonal, the rest explicit
(SBDF2 after one IMEX Euler step), 2/3 dealiasing in all three directions, float64. The mean
of Ψ is conserved to round-off (conservative advection and rotation).

Tensors carry a leading batch dimension; any torch device. Meant as a small 2D reference
(64² × 64 angles to t = 20 in about 25 s on 2 cores), not for production turbulence.
"""

from __future__ import annotations

import math

import torch

from ._kinetic import KineticRun, _check_dt, _check_grid, _check_positive, _steps, dealias_mask
from ._params import ActiveFluidParams
from ._stokes import PeriodicBox2D


class Kinetic2D(PeriodicBox2D):
    """Ψ(x, y, θ) on an n × ny × nθ grid (box L × L ny/n) with time step `dt`.

    :meth:`run` advances a batch of Ψ (B, n, ny, nθ); :meth:`moments` gives c, a₂, a₄ and the
    normalised z = a₂/c, m₄ = a₄/c; :meth:`flow` the Stokes velocity.
    """

    def __init__(self, params: ActiveFluidParams, n: int = 32, ntheta: int = 64,
                 dt: float = 1e-2, *, ny: int | None = None, stokes_iterations: int = 4,
                 device: str | torch.device = "cpu", dtype: torch.dtype = torch.float64):
        super().__init__(params.L, n, ny, device=device, dtype=dtype)
        _check_grid("ntheta", ntheta)
        _check_dt(dt)
        params.check_dt(dt)
        if not isinstance(stokes_iterations, int) or stokes_iterations < 1:
            raise ValueError(f"stokes_iterations={stokes_iterations!r} must be an integer >= 1")
        self.params, self.ntheta, self.dt = params, ntheta, float(dt)
        self.stokes_iterations = stokes_iterations
        kw = {"device": self.device, "dtype": dtype}
        self.theta = torch.arange(ntheta, **kw) * (2 * math.pi / ntheta)
        self.dtheta = 2 * math.pi / ntheta
        m = torch.fft.rfftfreq(ntheta, d=1.0 / ntheta, **kw)
        self.m = m[None, None, :]
        self._kx3, self._ky3 = self.kx[..., None], self.ky[..., None]
        self.linear = (-float(params.dT) * self.k2[..., None]
                       - float(params.dR) * self.m ** 2)
        self.mask3 = self.mask[..., None] & dealias_mask(m, ntheta)[None, None, :]
        self._e2 = torch.exp(2j * self.theta)
        self._e4 = torch.exp(4j * self.theta)

    # -- physics ---------------------------------------------------------------------------
    def moments(self, psi: torch.Tensor) -> dict[str, torch.Tensor]:
        """c, a₂, a₄ and z = a₂/c, m₄ = a₄/c on the grid (each (B, n, ny))."""
        w = psi.to(self._e2.dtype) * self.dtheta
        c = psi.sum(-1) * self.dtheta
        a2, a4 = (w * self._e2).sum(-1), (w * self._e4).sum(-1)
        return {"c": c, "a2": a2, "a4": a4, "z": a2 / c, "m4": a4 / c}

    def flow(self, mom: dict[str, torch.Tensor], u_hat: torch.Tensor | None = None):
        """Spectral velocity û (B, 2, n, ny) and strain rate e of the moments `mom`, iterating
        Stokes from `u_hat` (default 0)."""
        p = self.params
        c, a2, a4 = mom["c"], mom["a2"], mom["a4"]
        s0 = p.alpha * a2 - (p.zeta * p.beta / 2) * (c * a2 - a2.conj() * a4)
        uh = u_hat
        if uh is None:
            uh = torch.zeros(c.shape[0], 2, self.n, self.ny, device=c.device, dtype=a2.dtype)
        e = self.strain(uh)
        for _ in range(self.stokes_iterations):
            uh = self.velocity_hat(s0 + (p.beta / 2) * (c * e + e.conj() * a4))
            e = self.strain(uh)
        return uh, e

    def nonlinear(self, psi: torch.Tensor, u_hat: torch.Tensor | None = None):
        """Spectral −∇·(uΨ) − ∂θ(θ̇Ψ), dealiased, and û (the next step's Stokes start)."""
        mom = self.moments(psi)
        uh, e = self.flow(mom, u_hat)
        u = self.velocity(uh)
        omega = self.vorticity(uh)
        a = e + self.params.zeta * mom["a2"]
        rate = 0.5 * omega[..., None] + (a[..., None] * self._e2.conj()).imag
        dims = (-3, -2, -1)
        flux = (self._kx3 * torch.fft.rfftn(u[:, 0, ..., None] * psi, dim=dims)
                + self._ky3 * torch.fft.rfftn(u[:, 1, ..., None] * psi, dim=dims)
                + self.m * torch.fft.rfftn(rate * psi, dim=dims))
        return torch.where(self.mask3, -1j * flux, 0), uh

    # -- initial states --------------------------------------------------------------------
    def isotropic(self, batch: int = 1, *, amplitude: float = 0.0, seed: int = 0,
                  waves: int = 8) -> torch.Tensor:
        """Ψ = (1 + perturbation)/(2π): `waves` random plane waves (wavenumbers up to
        4 · 2π/L in each direction) in the 2θ harmonic only, so that the perturbation is one of
        D and m₄ starts at zero; total amplitude `amplitude`."""
        g = torch.Generator(device="cpu").manual_seed(seed)
        r = torch.rand(batch, waves, 2, generator=g, dtype=self.dtype).to(self.device)
        kk = torch.randint(-4, 5, (batch, waves, 2), generator=g).to(self.device, self.dtype)
        kk[..., 0] = torch.where(kk[..., 0] == 0, 1.0, kk[..., 0])  # no wave without x part
        X, Y = torch.meshgrid(self.x, self.y, indexing="ij")
        L = float(self.params.L)
        pert = torch.zeros(batch, self.n, self.ny, self.ntheta, device=self.device,
                           dtype=self.dtype)
        for w in range(waves):
            kx = (2 * math.pi / L) * kk[:, w, 0, None, None]
            ky = (2 * math.pi / self.Ly) * torch.clamp(kk[:, w, 1, None, None],
                                                       -(self.ny // 3 - 1), self.ny // 3 - 1)
            space = torch.cos(kx * X + ky * Y + 2 * math.pi * r[:, w, 0, None, None])
            pert = pert + space[..., None] * torch.cos(
                2 * self.theta + 2 * math.pi * r[:, w, 1, None, None, None])
        return (1.0 + (amplitude / waves) * pert) / (2 * math.pi)

    def shear_mode(self, batch: int = 1, *, amplitude: float = 1e-6,
                   mode: int = 1) -> torch.Tensor:
        """Ψ = (1 + amplitude cos(2π mode x/L) sin 2θ)/(2π), a shear perturbation of the
        isotropic state: z = i (amplitude/2) cos(2π mode x/L)."""
        k = 2 * math.pi * mode / float(self.params.L)
        pert = amplitude * torch.cos(k * self.x)[:, None, None] * \
            torch.sin(2 * self.theta)[None, None, :]
        psi = (1.0 + pert.expand(self.n, self.ny, self.ntheta)) / (2 * math.pi)
        return psi.expand(batch, -1, -1, -1).clone()

    # -- time stepping ---------------------------------------------------------------------
    def run(self, psi0: torch.Tensor, t_end: float, *, save_every: float | None = None,
            callback=None) -> KineticRun:
        """Advance Ψ from `psi0` (B, n, ny, nθ) to `t_end` (a multiple of dt); returns the
        snapshots at multiples of `save_every` (default: the start and the end). Raises
        :class:`FloatingPointError` if a snapshot has a clearly negative Ψ (2πΨ < −0.01)."""
        shape = (self.n, self.ny, self.ntheta)
        if psi0.ndim != 4 or tuple(psi0.shape[1:]) != shape:
            raise ValueError(f"psi0 must have shape (B, {self.n}, {self.ny}, {self.ntheta})")
        steps = _steps(t_end, self.dt, "t_end")
        every = steps if save_every is None else _steps(save_every, self.dt, "save_every")
        dt, L, dims = self.dt, self.linear, (-3, -2, -1)
        psi = psi0.to(self.device, self.dtype)
        hat = torch.fft.rfftn(psi, dim=dims)
        n_old, uh = self.nonlinear(psi)
        times, snaps = [0.0], [psi.detach().clone()]
        hat_old = hat
        hat = (hat + dt * n_old) / (1 - dt * L)
        for k in range(1, steps + 1):
            psi = torch.fft.irfftn(hat, s=shape, dim=dims)
            if k % every == 0:
                times.append(k * dt)
                snaps.append(psi.detach().clone())
                _check_positive(psi, k * dt)
                if callback is not None:
                    callback(k, psi)
            if k == steps:
                break
            n_new, uh = self.nonlinear(psi, uh)
            hat, hat_old = (4 * hat - hat_old + 2 * dt * (2 * n_new - n_old)) / \
                (3 - 2 * dt * L), hat
            n_old = n_new
        return KineticRun(torch.tensor(times, dtype=torch.float64), torch.stack(snaps), steps)
