"""The FE wave data set: an ensemble of `solvers.fem` runs on a regular grid, and the
(past frames + speed → next frame) windows the CNNs learn from."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
import xarray as xr

from .. import __version__
from ..hpc import ensemble


def _one(index, *, seed, grid, params):
    from solvers.fem import wave_sample

    return wave_sample(seed, index, grid=grid, params=params)


def wave_dataset(n: int, *, grid: int = 64, seed: int = 0, source: str = "pulse",
                 params=None, workers: int | None = None, client=None,
                 progress=None) -> xr.Dataset:
    """`n` FE wave runs (`solvers.fem.wave_sample`): ``u`` (sample, time, y, x) float32 on the
    nodes of a `grid`² grid over the unit square, ``speed`` (sample, y, x) [m/s], and each
    run's source position and pulse width (`source` "pulse") or Ricker frequency ("ricker").
    `params` (a `WaveEnsembleParams`) overrides the ranges, `source` included. Run i depends
    only on (seed, i); `workers` > 1 (or a Dask `client`) spreads the runs over processes."""
    from solvers.fem import WaveEnsembleParams

    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n={n!r} must be an integer >= 1")
    params = params or WaveEnsembleParams(source=source)
    fn = functools.partial(_one, seed=seed, grid=grid, params=params)
    runs = ensemble(fn, range(n), client=client, workers=workers, chunk=None,
                    progress=progress)
    x = np.linspace(0.0, 1.0, grid)
    t = params.t_end * np.arange(1, params.frames + 1) / params.frames
    src = np.array([r[2] for r in runs])
    return xr.Dataset(
        {"u": (("sample", "time", "y", "x"), np.stack([r[1] for r in runs]).astype(np.float32),
               {"long_name": "wave field u, u_tt = div(c^2 grad u) + Ricker point source"}),
         "speed": (("sample", "y", "x"), np.stack([r[0] for r in runs]).astype(np.float32),
                   {"long_name": "wave speed c", "units": "m/s"}),
         "source_x": ("sample", src[:, 0], {"units": "m"}),
         "source_y": ("sample", src[:, 1], {"units": "m"}),
         **({"frequency": ("sample", src[:, 2], {"long_name": "Ricker peak frequency",
                                                  "units": "Hz"})}
            if params.source == "ricker" else
            {"pulse_width": ("sample", src[:, 2], {"long_name": "initial pulse width sigma",
                                                   "units": "m"})})},
        coords={"time": ("time", t, {"units": "s"}), "y": ("y", x, {"units": "m"}),
                "x": ("x", x, {"units": "m"})},
        attrs={"kind": "wave", "n": n, "grid": grid, "seed": seed, "source": params.source,
               "mesh_n": params.mesh_n,
               "t_end": params.t_end, "frames": params.frames,
               "speed_min": params.speed_range[0], "speed_max": params.speed_range[1],
               "width_min": params.width_range[0], "width_max": params.width_range[1],
               "frequency_min": params.frequency_range[0],
               "frequency_max": params.frequency_range[1], "margin": params.margin,
               "generator": "solvers.fem.wave_sample (P1, leapfrog, absorbing boundary)",
               "version": __version__})


@dataclass(frozen=True)
class FrameScaling:
    """Normalisation of the CNN inputs: u / u_scale, (speed − speed_mean) / speed_std."""

    u_scale: float
    speed_mean: float
    speed_std: float

    @classmethod
    def fit(cls, ds: xr.Dataset) -> FrameScaling:
        u = ds["u"].values
        c = ds["speed"].values
        return cls(float(np.sqrt(np.mean(u.astype(np.float64) ** 2))), float(c.mean()),
                   float(c.std()) or 1.0)


def frame_windows(ds: xr.Dataset, frames: int, scaling: FrameScaling, *, horizon: int = 1,
                  start: int = 0, device="cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """All windows of `frames` consecutive frames (from frame `start` on) and the `horizon`
    frames that follow: inputs (N, frames + 1, y, x) (past frames, then the speed) and targets
    (N, horizon, y, x), normalised by `scaling`."""
    u = ds["u"].values / scaling.u_scale
    c = (ds["speed"].values - scaling.speed_mean) / scaling.speed_std
    n_t = u.shape[1]
    if frames + horizon > n_t - start:
        raise ValueError(f"frames + horizon = {frames + horizon} exceeds the {n_t - start} "
                         "frames available")
    xs, ys = [], []
    for k in range(start, n_t - frames - horizon + 1):
        xs.append(np.concatenate([u[:, k:k + frames], c[:, None]], axis=1))
        ys.append(u[:, k + frames:k + frames + horizon])
    x = torch.from_numpy(np.concatenate(xs).astype(np.float32)).to(device)
    y = torch.from_numpy(np.concatenate(ys).astype(np.float32)).to(device)
    return x, y
