"""The 2D moment model of an active suspension, pseudo-spectral in a periodic box, IMEX SBDF2.

State: z = (D₁₁ − D₂₂) + 2i D₁₂ on an n × n grid (c ≡ 1). From the tensor equation for D,

    ∂ₜz + u·∇z = d_T Δz − 4 d_R z + iωz + (e + ζz) − (ē + ζz̄) m₄,

e = E₁₁ + i E₁₂, ω = ∂ₓu_y − ∂_y uₓ, and m₄ = ⟨e^{4iθ}⟩ from a closure (`_closures`). The
traceless stress, as s = (Σ₁₁ − Σ₂₂) + 2i Σ₁₂, is

    s = (α − ζβ/2) z + (ζβ/2) z̄ m₄ + (β/2)(e + ē m₄)

(α D + β S:T − 2ζβ D·D with T = E + 2ζD; its trace goes into the pressure). Stokes,
Δu − ∇q + ∇·Σ = 0, ∇·u = 0, is solved by the Fourier projector û = (I − k̂k̂) f̂ / |k|²,
f = ∇·Σ, û(0) = 0. The constraint stress depends on u through e, so u is a fixed point,
iterated `stokes_iterations` times from the previous step's u.

Diffusion and rotational relaxation (d_T Δ − 4 d_R) are implicit and diagonal; the rest is
explicit (SBDF2 after one IMEX Euler step); products are dealiased by the 2/3 rule. Fields have
a leading batch dimension, run on any torch device, and the whole step is differentiable with
torch autograd (closure, parameters given as tensors, initial state).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ._closures import closure as get_closure
from ._kinetic import _check_dt, _steps
from ._params import ActiveFluidParams
from ._stokes import PeriodicBox2D


@dataclass
class MomentFields:
    """Velocity and derived fields of a state z (all (B, n, ny))."""

    u: torch.Tensor  # (B, 2, n, n), real
    e: torch.Tensor  # complex strain rate E₁₁ + i E₁₂
    omega: torch.Tensor  # vorticity
    u_hat: torch.Tensor  # spectral velocity (B, 2, n, n), dealiased
    m4: torch.Tensor  # the closure's fourth moment


@dataclass
class MomentRun:
    """Snapshots of a moment-model run: `times` (T,), `z` (T, B, n, ny) complex, on the grid
    `x` (n,), `y` (ny,); `steps` time steps taken."""

    times: torch.Tensor
    z: torch.Tensor
    x: torch.Tensor
    y: torch.Tensor
    steps: int

    def to_xarray(self):
        """Dataset of D₁₁ − D₂₂, 2 D₁₂ and s = |z| on (time, batch, x, y)."""
        import xarray as xr

        z = self.z.detach().cpu().numpy()
        dims = ("time", "batch", "x", "y")
        coords = {"time": self.times.numpy(), "batch": range(z.shape[1]),
                  "x": self.x.detach().cpu().numpy(), "y": self.y.detach().cpu().numpy()}
        return xr.Dataset(
            {"D11_minus_D22": (dims, z.real, {"long_name": "D11 - D22"}),
             "two_D12": (dims, z.imag, {"long_name": "2 D12"}),
             "order_parameter": (dims, abs(z), {"long_name": "scalar order parameter |z|"})},
            coords=coords, attrs={"steps": self.steps})


class MomentSolver2D(PeriodicBox2D):
    """The moment model on an n × ny periodic grid (default ny = n; box L × L ny/n, the same
    spacing in y) with time step `dt` and a `closure`:
    ``"bingham"``, ``"quadratic"``, or a callable ``m4(z, e)`` of z and the strain rate e
    (complex tensors of one shape) — a learned closure (`sciml.closures`); one with the
    attribute ``uses_strain = False`` is evaluated once per step instead of once per Stokes
    iteration."""

    def __init__(self, params: ActiveFluidParams, n: int = 64, dt: float = 1e-3,
                 closure="bingham", *, ny: int | None = None, stokes_iterations: int = 4,
                 device: str | torch.device = "cpu", dtype: torch.dtype = torch.float64):
        super().__init__(params.L, n, ny, device=device, dtype=dtype)
        _check_dt(dt)
        params.check_dt(dt)
        if not isinstance(stokes_iterations, int) or stokes_iterations < 1:
            raise ValueError(f"stokes_iterations={stokes_iterations!r} must be an integer >= 1")
        self.params, self.dt = params, float(dt)
        self.closure = get_closure(closure)
        self._strain_dependent = getattr(self.closure, "uses_strain", True)
        self.stokes_iterations = stokes_iterations
        # tensors dT, dR (parameter estimation) keep their gradient
        self.linear = -params.dT * self.k2 - 4 * params.dR

    def stokes(self, s: torch.Tensor) -> torch.Tensor:
        """Velocity (B, 2, n, n) of the traceless stress with complex form `s`."""
        return self.velocity(self.velocity_hat(s))

    def fields(self, z: torch.Tensor, u_hat: torch.Tensor | None = None) -> MomentFields:
        """Velocity, strain rate, vorticity and closure m₄ of `z`, iterating Stokes from the
        spectral velocity `u_hat` (default 0). A strain-dependent closure is re-evaluated at
        every iteration (m₄ and u are then one fixed point)."""
        p = self.params
        uh = u_hat
        if uh is None:
            uh = torch.zeros(z.shape[0], 2, self.n, self.ny, device=z.device, dtype=z.dtype)
        e = self.strain(uh)
        m4 = self.closure(z, e)
        for _ in range(self.stokes_iterations):
            active = (p.alpha - p.zeta * p.beta / 2) * z + \
                (p.zeta * p.beta / 2) * z.conj() * m4
            uh = self.velocity_hat(active + (p.beta / 2) * (e + e.conj() * m4))
            e = self.strain(uh)
            if self._strain_dependent:
                m4 = self.closure(z, e)
        return MomentFields(u=self.velocity(uh), e=e, omega=self.vorticity(uh), u_hat=uh,
                            m4=m4)

    def nonlinear(self, z: torch.Tensor, u_hat: torch.Tensor | None = None):
        """Spectral explicit part of the right-hand side, dealiased, and the spectral
        velocity (to start the next step's Stokes iterations from)."""
        p = self.params
        f = self.fields(z, u_hat)
        z_hat = torch.fft.fft2(z)
        zx = torch.fft.ifft2(1j * self.kx * z_hat)
        zy = torch.fft.ifft2(1j * self.ky * z_hat)
        rhs = (-(f.u[:, 0] * zx + f.u[:, 1] * zy) + 1j * f.omega * z
               + (f.e + p.zeta * z) - (f.e.conj() + p.zeta * z.conj()) * f.m4)
        return torch.fft.fft2(rhs) * self.mask, f.u_hat

    # -- initial states --------------------------------------------------------------------
    def isotropic(self, batch: int = 1, *, amplitude: float = 1e-2, seed: int = 0,
                  waves: int = 8) -> torch.Tensor:
        """Isotropic state plus `waves` random plane waves of wavenumber ≤ 4·2π/L (the
        turbulence runs' start), total amplitude `amplitude`."""
        g = torch.Generator(device="cpu").manual_seed(seed)
        r = torch.rand(batch, waves, 4, generator=g, dtype=self.dtype).to(self.device)
        kk = torch.randint(-4, 5, (batch, waves, 2), generator=g).to(self.device, self.dtype)
        X, Y = torch.meshgrid(self.x, self.y, indexing="ij")
        kx = (2 * math.pi / float(self.params.L)) * kk[..., 0, None, None]
        ky = (2 * math.pi / self.Ly) * torch.clamp(kk[..., 1, None, None],
                                                   -(self.ny // 3 - 1), self.ny // 3 - 1)
        phase = kx * X + ky * Y + 2 * math.pi * r[..., 0, None, None]
        amp = torch.polar(r[..., 1, None, None], 2 * math.pi * r[..., 2, None, None])
        z = (amp * torch.cos(phase)).sum(1)
        return amplitude * z / waves

    def shear_mode(self, batch: int = 1, *, amplitude: float = 1e-6,
                   mode: int = 1) -> torch.Tensor:
        """z = i · amplitude · cos(2π mode x / L): a shear perturbation of the isotropic state."""
        k = 2 * math.pi * mode / float(self.params.L)
        z = 1j * amplitude * torch.cos(k * self.x)[:, None].expand(self.n, self.ny)
        return z.to(torch.complex128 if self.dtype == torch.float64
                    else torch.complex64).expand(batch, -1, -1).clone()

    # -- time stepping ---------------------------------------------------------------------
    def run(self, z0: torch.Tensor | None, t_end: float, *, save_every: float | None = None,
            callback=None, detach: bool = True, checkpoint=None,
            resume: MomentState | None = None) -> MomentRun:
        """Advance z from `z0` (B, n, ny) to `t_end`; returns the snapshots at multiples of
        `save_every` (default: only the start and the end) as a :class:`MomentRun`.
        `callback(step, z)` is called at each snapshot (progress bars). `detach=False` keeps the
        autograd graph (a-posteriori training, parameter estimation). Raises
        :class:`FloatingPointError` if the state leaves the realizable range (|z| ≥ 1 or
        non-finite at a snapshot): too large a dt, or a grid too coarse for the defects.

        Long runs: `checkpoint(state)` is called at each snapshot with a :class:`MomentState`
        (the caller decides whether to write it); a run given ``resume=state`` (and
        ``z0=None``) continues from it and ends bit for bit where the uninterrupted run ends.
        """
        steps = _steps(t_end, self.dt, "t_end")
        every = steps if save_every is None else _steps(save_every, self.dt, "save_every")
        dt, L = self.dt, self.linear

        def keep(z):
            return z.detach().clone() if detach else z

        if resume is None:
            if z0 is None or z0.ndim != 3 or z0.shape[1:] != (self.n, self.ny):
                raise ValueError(f"z0 must have shape (B, {self.n}, {self.ny})")
            z = z0
            hat = torch.fft.fft2(z)
            n_old, u = self.nonlinear(z)
            times, snaps = [0.0], [keep(z)]
            hat_old = hat
            hat = (hat + dt * n_old) / (1 - dt * L)
            start = 1
        else:
            resume.check(self, steps, every)
            hat, hat_old, n_old, u = resume.hat, resume.hat_old, resume.n_old, resume.u_hat
            times, snaps = list(resume.times), list(resume.snaps)
            start = resume.step + 1
        for k in range(start, steps + 1):
            z = torch.fft.ifft2(hat)
            if k % every == 0:
                times.append(k * dt)
                snaps.append(keep(z))
                _check_state(z, k * dt)
                if callback is not None:
                    callback(k, z)
            if k == steps:
                break
            n_new, u = self.nonlinear(z, u)
            hat, hat_old = (4 * hat - hat_old + 2 * dt * (2 * n_new - n_old)) / \
                (3 - 2 * dt * L), hat
            n_old = n_new
            if checkpoint is not None and k % every == 0:
                checkpoint(MomentState(k, every, steps, self.dt, (self.n, self.ny), hat,
                                       hat_old, n_old, u, list(times), list(snaps)))
        return MomentRun(torch.tensor(times, dtype=torch.float64), torch.stack(snaps), self.x,
                         self.y, steps)


@dataclass
class MomentState:
    """Where a moment-model run stands after `step` steps of `steps` (snapshot interval
    `every` steps, time step `dt`, grid `shape`): the SBDF2 history (ẑ at steps k+1 and k, the
    explicit term at step k, the last spectral velocity) and the snapshots so far. Made by
    :meth:`MomentSolver2D.run` (`checkpoint`), taken back by it (`resume`)."""

    step: int
    every: int
    steps: int
    dt: float
    shape: tuple[int, int]
    hat: torch.Tensor
    hat_old: torch.Tensor
    n_old: torch.Tensor
    u_hat: torch.Tensor
    times: list
    snaps: list

    def check(self, solver: MomentSolver2D, steps: int, every: int) -> None:
        mine = (self.steps, self.every, self.dt, tuple(self.shape))
        theirs = (steps, every, solver.dt, (solver.n, solver.ny))
        if mine != theirs:
            raise ValueError(f"resume state is of another run: (steps, snapshot interval, dt, "
                             f"grid) = {mine}, this run {theirs}")

    def state_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_state_dict(cls, d: dict, device="cpu") -> MomentState:
        def move(v):
            if isinstance(v, torch.Tensor):
                return v.to(device)
            if isinstance(v, list):
                return [move(w) for w in v]
            return v

        return cls(**{k: move(v) for k, v in d.items()})


def _check_state(z: torch.Tensor, t: float) -> None:
    with torch.no_grad():
        big = z.abs().max()
    if not torch.isfinite(big) or big >= 1:
        raise FloatingPointError(f"the moment solver left the realizable range |z| < 1 at "
                                 f"t={t:g} (max |z| = {float(big):.3g}): reduce dt, or refine "
                                 "the grid if the defects are under-resolved")
