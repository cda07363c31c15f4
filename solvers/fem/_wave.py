"""The scalar wave equation u_tt = ∇·(c² ∇u) + f on a 2D mesh: M ü + C u̇ + K u = F.

K is the stiffness with coefficient c² per element, M the mass, C the first-order absorbing
boundary term ∫_Γ c u̇ v ds (from ∂u/∂n = −u̇/c). Two time integrators:

- ``"leapfrog"``: explicit central differences with the lumped (row-sum) mass and lumped C,
  stable for dt ≤ 2/√λ_max(M_L⁻¹ K); λ_max is estimated by power iteration and dt taken as a
  CFL fraction of the limit. The step is one fused numba pass over the CSR rows of K.
  The conserved discrete energy is ½ |(uⁿ⁺¹ − uⁿ)/dt|²_{M_L} + ½ (uⁿ⁺¹)ᵀ K uⁿ (at half steps).
- ``"newmark"``: Newmark average acceleration (β = ¼, γ = ½) with the consistent mass,
  unconditionally stable; M + dt/2 C + dt²/4 K is factorised once (sparse LU) and reused.
  It conserves ½ u̇ᵀ M u̇ + ½ uᵀ K u exactly without damping and sources.

Both are second order in time. Dirichlet values are constant in time and imposed on their
nodes; Neumann fluxes ∂u/∂n·c² = g enter the load through the lumped boundary mass.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from .._checks import check_finite, check_integer, check_positive
from . import _kernels as kern
from ._assembly import (
    assemble,
    boundary_cells,
    boundary_mass,
    element_values,
    evaluate_nodal,
    interpolation_matrix,
    stable_dt,
)
from ._mesh import Mesh

SCHEMES = ("leapfrog", "newmark")


# --- boundary conditions and sources ---------------------------------------------------------

@dataclass(frozen=True)
class Dirichlet:
    """u = value on the boundary: a number or a function value(x, y) of the node coordinates."""

    value: object = 0.0


@dataclass(frozen=True)
class Neumann:
    """c² ∂u/∂n = flux on the boundary [m²/s² per m]: a number or a function flux(x, y, t)
    at the boundary nodes. Flux 0 is the natural (reflecting) boundary."""

    flux: object = 0.0


@dataclass(frozen=True)
class Absorbing:
    """First-order absorbing boundary ∂u/∂n = −u̇/c (exact for waves hitting it normally)."""


@dataclass(frozen=True)
class Ricker:
    """A point source with a Ricker wavelet time signal:
    amplitude · (1 − 2π²f²(t − delay)²) · exp(−π²f²(t − delay)²).

    position: (x, y) [m]; frequency: the peak frequency f [Hz]; delay [s] (default 1.2/f, so
    the signal starts near zero).
    """

    position: tuple
    frequency: float
    amplitude: float = 1.0
    delay: float | None = None

    def __post_init__(self):
        check_positive("frequency", self.frequency)
        check_finite("amplitude", self.amplitude)
        if self.delay is not None:
            check_finite("delay", self.delay)
        if np.shape(self.position) != (2,) or not np.isfinite(self.position).all():
            raise ValueError(f"position={self.position!r} must be a finite (x, y) pair")

    @property
    def t0(self) -> float:
        return 1.2 / self.frequency if self.delay is None else self.delay

    def __call__(self, t):
        a = (math.pi * self.frequency * (np.asarray(t) - self.t0)) ** 2
        return self.amplitude * (1.0 - 2.0 * a) * np.exp(-a)


@dataclass(frozen=True)
class WaveProblem:
    """A wave problem u_tt = ∇·(c² ∇u) + f on `mesh`.

    speed: wave speed c [m/s], per element (number, (n_cells,) array, {material: c} or c(x, y)
    at centroids); boundary: one condition for the whole boundary, or {tag: condition} with
    Neumann(0) for edges not listed; sources: point sources (`Ricker`); forcing: f(x, y, t)
    distributed source at the nodes; u0, v0: initial displacement and velocity (number,
    (n_nodes,) array or function of (x, y)).
    """

    mesh: Mesh
    speed: object = 1.0
    boundary: object = field(default_factory=Neumann)
    sources: tuple = ()
    forcing: object = None
    u0: object = None
    v0: object = None

    def __post_init__(self):
        object.__setattr__(self, "sources", tuple(self.sources))
        self.validate()

    def validate(self) -> None:
        element_values(self.mesh, self.speed, "speed")
        self.boundary_conditions()
        for s in self.sources:
            if not isinstance(s, Ricker):
                raise ValueError(f"sources must be Ricker point sources, not {type(s).__name__}")
        if self.forcing is not None and not callable(self.forcing):
            raise ValueError("forcing must be a function f(x, y, t)")

    def boundary_conditions(self) -> list[tuple[np.ndarray, object]]:
        """[(edge mask, condition)] covering every boundary edge once."""
        mesh = self.mesh
        kinds = (Dirichlet, Neumann, Absorbing)
        if isinstance(self.boundary, kinds):
            return [(np.ones(len(mesh.boundary_edges), dtype=bool), self.boundary)]
        if not isinstance(self.boundary, dict):
            raise ValueError("boundary must be Dirichlet, Neumann, Absorbing or a dict "
                             "{tag: condition}")
        out, covered = [], np.zeros(len(mesh.boundary_edges), dtype=bool)
        for tag, bc in self.boundary.items():
            if not isinstance(bc, kinds):
                raise ValueError(f"boundary[{tag!r}]={bc!r} must be Dirichlet, Neumann or "
                                 "Absorbing")
            mask = mesh.edge_mask(tag)
            out.append((mask, bc))
            covered |= mask
        if not covered.all():
            out.append((~covered, Neumann()))
        return out


# --- the solution -------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class WaveSolution:
    """Saved frames of a wave run: times (n_frames,) [s], u (n_frames, n_nodes), energy
    (n_frames,) (the scheme's discrete energy at those times), dt [s], steps, scheme, the
    stability limit dt_max [s] of leapfrog (NaN when not computed), wall seconds."""

    mesh: Mesh
    times: np.ndarray
    u: np.ndarray
    energy: np.ndarray
    dt: float
    steps: int
    scheme: str
    dt_max: float
    seconds: float

    def to_xarray(self):
        import xarray as xr

        p = self.mesh.points
        return xr.Dataset(
            {"u": (("time", "node"), self.u, {"long_name": "displacement", "units": "1"}),
             "energy": ("time", self.energy, {"long_name": "discrete energy"})},
            coords={"time": ("time", self.times, {"units": "s"}),
                    "x": ("node", p[:, 0], {"units": "m"}),
                    "y": ("node", p[:, 1], {"units": "m"})},
            attrs={"scheme": self.scheme, "dt_s": self.dt, "steps": self.steps,
                   "element": self.mesh.element, "n_cells": self.mesh.n_cells})


# --- the operator ----------------------------------------------------------------------------

class WaveOperator:
    """Assembled matrices and boundary data of a `WaveProblem`, shared by both schemes."""

    def __init__(self, problem: WaveProblem, *, backend: str = "numba"):
        mesh = self.mesh = problem.mesh
        self.problem = problem
        self.backend = backend
        c = element_values(mesh, problem.speed, "speed")
        self.K, self.M, self.ml = assemble(mesh, c ** 2, 1.0, backend=backend)
        n = mesh.n_nodes
        self.damping = np.zeros(n)
        self.dirichlet = np.zeros(n, dtype=bool)
        self.g = np.zeros(n)
        self.neumann = []  # (lumped boundary mass, flux)
        edge_c = c[boundary_cells(mesh)]
        for mask, bc in problem.boundary_conditions():
            if isinstance(bc, Absorbing):
                self.damping += boundary_mass(mesh, mask, edge_c)
            elif isinstance(bc, Neumann):
                if callable(bc.flux) or bc.flux != 0:
                    self.neumann.append((boundary_mass(mesh, mask), bc.flux))
        for mask, bc in problem.boundary_conditions():  # Dirichlet wins at shared corners
            if isinstance(bc, Dirichlet):
                nodes = np.unique(mesh.boundary_edges[mask])
                self.dirichlet[nodes] = True
                self.g[nodes] = evaluate_nodal(mesh, bc.value, "Dirichlet value")[nodes]
        self.free = np.flatnonzero(~self.dirichlet)
        self.P = (interpolation_matrix(mesh, [s.position for s in problem.sources]).T.tocsr()
                  if problem.sources else None)
        self._dt_max = None
        self._no_load = np.zeros(n)
        self._no_load.flags.writeable = False

    def load(self, t: float) -> np.ndarray:
        """F(t): point sources, distributed forcing (lumped) and Neumann fluxes."""
        p = self.problem
        if self.P is None and p.forcing is None and not self.neumann:
            return self._no_load  # free vibration: nothing to evaluate in the step loop
        F = np.zeros(self.mesh.n_nodes)
        if self.P is not None:
            F += self.P @ np.array([s(t) for s in p.sources])
        if p.forcing is not None:
            F += self.ml * evaluate_nodal(self.mesh, p.forcing, "forcing", t)
        x, y = self.mesh.points[:, 0], self.mesh.points[:, 1]
        for mb, flux in self.neumann:
            F += mb * (flux(x, y, t) if callable(flux) else flux)
        return F

    def dt_max(self) -> float:
        """Leapfrog stability limit 2/√λ_max(M_L⁻¹ K) on the free nodes (power iteration)."""
        if self._dt_max is None:
            self._dt_max = stable_dt(self.K, self.ml, self.free)
        return self._dt_max

    def initial(self):
        p, mesh = self.problem, self.mesh
        u = evaluate_nodal(mesh, p.u0, "u0")
        v = evaluate_nodal(mesh, p.v0, "v0")
        u[self.dirichlet] = self.g[self.dirichlet]
        v[self.dirichlet] = 0.0
        return u, v


# --- time stepping -------------------------------------------------------------------------------

def solve_wave(problem: WaveProblem, t_end: float, *, scheme: str = "leapfrog",
               dt: float | None = None, cfl: float = 0.9, n_frames: int = 11,
               backend: str = "numba", progress=None, observer=None) -> WaveSolution:
    """Integrate `problem` from t = 0 to `t_end` [s].

    dt: the time step [s]; by default cfl × the leapfrog stability limit (for both schemes),
    shortened so that the steps end on t_end. For leapfrog a dt above the limit raises
    ``ValueError``. n_frames: frames saved, evenly spaced in steps, including t = 0 and t_end.
    progress(n) is called after every n steps (a tqdm ``update``); observer(t, u) after every
    step, with u the nodal field at time t (errors, receivers; it must not modify u).
    """
    check_positive("t_end", t_end)
    if scheme not in SCHEMES:
        raise ValueError(f"scheme={scheme!r} must be one of {SCHEMES}")
    if not (isinstance(cfl, (int, float)) and 0 < cfl <= 1):
        raise ValueError(f"cfl={cfl!r} is outside the valid range (0, 1]")
    check_integer("n_frames", n_frames, 2)
    op = WaveOperator(problem, backend=backend)
    start = time.perf_counter()
    dt_max = op.dt_max() if (scheme == "leapfrog" or dt is None) else math.nan
    if dt is None:
        steps = max(1, math.ceil(t_end / (cfl * dt_max)))
    else:
        check_positive("dt", dt)
        if scheme == "leapfrog" and dt > dt_max:
            raise ValueError(f"dt={dt!r} is above the leapfrog stability limit {dt_max:.4g} s "
                             f"for this mesh and wave speed; valid range (0, {dt_max:.4g}]")
        steps = max(1, round(t_end / dt))
    dt = t_end / steps
    saves = np.unique(np.linspace(0, steps, n_frames).round().astype(int))
    run = _leapfrog if scheme == "leapfrog" else _newmark
    times, frames, energy = run(op, dt, steps, saves, progress, observer)
    return WaveSolution(problem.mesh, np.asarray(times), np.asarray(frames), np.asarray(energy),
                        dt, steps, scheme, dt_max, time.perf_counter() - start)


def _progress_every(steps):
    return max(1, steps // 200)


def _leapfrog(op: WaveOperator, dt, steps, saves, progress, observer):
    K, ml, cd = op.K, op.ml, op.damping
    fixed = op.dirichlet
    a = ml + 0.5 * dt * cd
    b = ml - 0.5 * dt * cd
    inv_a, two_m, dt2 = 1.0 / a, 2.0 * ml, dt * dt
    u0, v0 = op.initial()
    F0 = op.load(0.0)
    # Taylor start: u¹ = u⁰ + dt v⁰ + dt²/2 M_L⁻¹ (F⁰ − K u⁰ − C v⁰)
    u1 = u0 + dt * v0 + 0.5 * dt2 * (F0 - K @ u0 - cd * v0) / ml
    u1[fixed] = op.g[fixed]
    numba = op.backend in ("numba", "cuda")  # "cuda": element matrices on the GPU only
    indptr, indices, data = K.indptr, K.indices, K.data
    def energy_between(new, old):
        """The conserved leapfrog energy at the half step between `old` and `new`."""
        v = (new - old) / dt
        return 0.5 * v @ (ml * v) + 0.5 * new @ (K @ old)

    # Frame n carries E^(n-1/2), frame 0 carries E^(1/2).
    times, frames, energy = [0.0], [u0.copy()], [energy_between(u1, u0)]
    u_old, u = u0, u1
    out = np.empty_like(u)
    save = set(saves.tolist())
    every = _progress_every(steps)
    if observer is not None:
        observer(0.0, u0)
    for n in range(1, steps + 1):
        if observer is not None:
            observer(n * dt, u)
        if n in save:
            times.append(n * dt)
            frames.append(u.copy())
            energy.append(energy_between(u, u_old))
        if n == steps:
            break
        F = op.load(n * dt)
        if numba:
            kern.leapfrog_step(indptr, indices, data, u, u_old, two_m, b, inv_a, dt2, F, out)
        else:
            out = kern.leapfrog_step_numpy(K, u, u_old, two_m, b, inv_a, dt2, F)
        out[fixed] = op.g[fixed]
        u_old, u, out = u, out, u_old
        if progress is not None and n % every == 0:
            progress(every)
    return times, frames, energy


def _newmark(op: WaveOperator, dt, steps, saves, progress, observer):
    K, M = op.K, op.M
    f = op.free
    C = scipy.sparse.diags(op.damping).tocsr()
    Kff, Mff, Cff = K[f][:, f], M[f][:, f], C[f][:, f]
    lu = scipy.sparse.linalg.splu((Mff + 0.5 * dt * Cff + 0.25 * dt * dt * Kff).tocsc())
    u, v = op.initial()
    acc = np.zeros_like(u)
    acc[f] = scipy.sparse.linalg.splu(Mff.tocsc()).solve(
        (op.load(0.0) - K @ u - C @ v)[f])
    def energy_of(u, v):
        return 0.5 * v @ (M @ v) + 0.5 * u @ (K @ u)

    times, frames, energy = [0.0], [u.copy()], [energy_of(u, v)]
    if observer is not None:
        observer(0.0, u)
    save = set(saves.tolist())
    every = _progress_every(steps)
    for n in range(1, steps + 1):
        up = u + dt * v + 0.25 * dt * dt * acc
        vp = v + 0.5 * dt * acc
        acc = np.zeros_like(u)
        acc[f] = lu.solve((op.load(n * dt) - K @ up - C @ vp)[f])
        u = up + 0.25 * dt * dt * acc
        v = vp + 0.5 * dt * acc
        if observer is not None:
            observer(n * dt, u)
        if n in save:
            times.append(n * dt)
            frames.append(u.copy())
            energy.append(energy_of(u, v))
        if progress is not None and n % every == 0:
            progress(every)
    return times, frames, energy


def standing_mode(x, y, t, m: int = 1, n: int = 1, c: float = 1.0):
    """The Dirichlet standing mode of the unit square, sin(mπx) sin(nπy) cos(cπ√(m²+n²) t)."""
    w = c * math.pi * math.hypot(m, n)
    return np.sin(m * math.pi * x) * np.sin(n * math.pi * y) * math.cos(w * t)


def ricker_green(source: Ricker, xy, t: float, c: float = 1.0) -> np.ndarray:
    """The free-space (ℝ²) response to a `Ricker` point source at points xy (n, 2) and time t
    [s], for u_tt = c² Δu + δ(x − x_s) r(t), u = u_t = 0 at t = 0:
    u = 1/(2π c²) ∫₀^(t − ρ/c) r(τ) / √((t − τ)² − ρ²/c²) dτ, ρ = |x − x_s|; with
    (t − τ)² = s² + ρ²/c² the integrand is smooth."""
    from scipy.integrate import quad

    xy = np.atleast_2d(np.asarray(xy, dtype=np.float64))
    out = np.zeros(len(xy))
    for i, p in enumerate(xy):
        a = math.hypot(p[0] - source.position[0], p[1] - source.position[1]) / c
        if t <= a:
            continue

        def g(s, a=a):
            d = math.hypot(s, a)
            return source(t - d) / d

        out[i] = quad(g, 0.0, math.sqrt(t * t - a * a), limit=200)[0] / (2 * math.pi * c * c)
    return out
