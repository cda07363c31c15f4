"""Random FE wave runs for learning: a velocity model (layers or blobs), an initial Gaussian
pulse or a Ricker point source at a random position and of random width or frequency,
absorbing boundaries; frames interpolated to a grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_integer, check_positive
from ._assembly import grid_interpolator, mass_matrix
from ._mesh import unit_square_mesh
from ._wave import Absorbing, Ricker, WaveProblem, solve_wave


@dataclass(frozen=True)
class WaveEnsembleParams:
    """Ranges of the random wave runs on the unit square (lengths in m, times in s).

    source: ``"pulse"`` (u(0) = exp(−|x − x_s|²/(2σ²)), u_t(0) = 0: the evolution follows from
    the frames and the speed alone) or ``"ricker"`` (a Ricker point source, delay 1/f, fired
    during the run); speed_range: wave speeds [m/s] of layers and blobs; width_range: pulse
    widths σ [m]; frequency_range: Ricker peak frequencies [Hz]; margin: the source stays this
    far from the boundary; t_end: run length [s]; frames: saved frames, evenly spaced on
    (0, t_end]; mesh_n: P1 mesh squares per side.
    """

    source: str = "pulse"
    speed_range: tuple = (1.0, 3.0)
    width_range: tuple = (0.03, 0.06)
    frequency_range: tuple = (4.0, 8.0)
    margin: float = 0.2
    t_end: float = 0.4
    frames: int = 32
    mesh_n: int = 64

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        if self.source not in ("pulse", "ricker"):
            raise ValueError(f"source={self.source!r} must be 'pulse' or 'ricker'")
        for name in ("speed_range", "width_range", "frequency_range"):
            lo, hi = getattr(self, name)
            if not (0 < lo <= hi < np.inf):
                raise ValueError(f"{name}={getattr(self, name)!r} must be (lo, hi) with "
                                 "0 < lo <= hi")
        if not 0 <= self.margin < 0.5:
            raise ValueError(f"margin={self.margin!r} is outside the valid range [0, 0.5)")
        check_positive("t_end", self.t_end)
        check_integer("frames", self.frames, 2)
        check_integer("mesh_n", self.mesh_n, 4)


def velocity_model(kind: str, centroids: np.ndarray, rng: np.random.Generator,
                   speed_range=(1.0, 3.0)) -> np.ndarray:
    """Wave speed per element: ``"layers"`` (2–4 horizontal layers with random interfaces) or
    ``"blobs"`` (a background with 1–3 Gaussian inclusions)."""
    lo, hi = speed_range
    x, y = centroids[:, 0], centroids[:, 1]
    if kind == "layers":
        k = int(rng.integers(2, 5))
        depths = np.sort(rng.uniform(0.15, 0.85, k - 1))
        tilt = rng.uniform(-0.15, 0.15, k - 1)
        speeds = rng.uniform(lo, hi, k)
        layer = np.zeros(len(x), dtype=int)
        for d, t in zip(depths, tilt, strict=True):
            layer += (y > d + t * (x - 0.5)).astype(int)
        return speeds[layer]
    if kind == "blobs":
        c = np.full(len(x), rng.uniform(lo, hi))
        for _ in range(int(rng.integers(1, 4))):
            cx, cy = rng.uniform(0.1, 0.9, 2)
            r = rng.uniform(0.08, 0.25)
            amp = rng.uniform(lo, hi) - c[0]
            c = c + amp * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
        return np.clip(c, lo, hi)
    raise ValueError(f"kind={kind!r} must be 'layers' or 'blobs'")


def wave_sample(seed: int, index: int, *, grid: int = 64,
                params: WaveEnsembleParams = WaveEnsembleParams()):
    """Run `index` of the ensemble `seed`: (speed, frames, source) with speed (grid, grid) and
    frames (params.frames, grid, grid) on the nodes of a regular grid over the unit square
    (row = y), frames at t_k = k · t_end / frames, k = 1..frames; source = (x, y, σ or f).
    The random stream depends only on (seed, index)."""
    check_integer("grid", grid, 4)
    rng = np.random.default_rng([seed, index])
    mesh = unit_square_mesh(params.mesh_n)
    kind = ("layers", "blobs")[int(rng.integers(2))]
    speed = velocity_model(kind, mesh.centroids(), rng, params.speed_range)
    pos = tuple(rng.uniform(params.margin, 1 - params.margin, 2))
    if params.source == "ricker":
        scale = float(rng.uniform(*params.frequency_range))
        problem = WaveProblem(mesh, speed=speed, boundary=Absorbing(),
                              sources=[Ricker(pos, scale, delay=1.0 / scale)])
    else:
        scale = float(rng.uniform(*params.width_range))

        def pulse(x, y):
            return np.exp(-((x - pos[0]) ** 2 + (y - pos[1]) ** 2) / (2 * scale ** 2))

        problem = WaveProblem(mesh, speed=speed, boundary=Absorbing(), u0=pulse)
    P, _, _ = grid_interpolator(mesh, grid)
    sol = solve_wave(problem, params.t_end, n_frames=params.frames + 1)
    out = [(P @ u).reshape(grid, grid) for u in sol.u[1:]]
    # nodal speed: element speeds averaged with the lumped-mass weights
    node_speed = mass_matrix(mesh, speed, lumped=True) / mass_matrix(mesh, lumped=True)
    return (P @ node_speed).reshape(grid, grid), np.stack(out), (pos[0], pos[1], scale)
