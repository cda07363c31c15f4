"""Forward models of battery calibration: parameters → voltage at the observation times."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solvers.battery import CC, P2D, SPM, simulate_batch

SCALES = {
    "positive_diffusivity_scale": (1.0, 10.0),
    "negative_exchange_current_scale": (0.5, 4.0),
}
"""The two scale factors of the NREL surrogate study and their prior ranges."""


class SolverForward:
    """The classical solver in the loop: ``forward(theta) -> V(t_obs)`` for a batch of
    scale-factor vectors ``theta`` (B, P), in the order of `names`.

    Each call is one :func:`solvers.battery.simulate_batch` of a constant-current discharge at
    `c_rate` to ``t_obs[-1]``; a run that reaches its cut-off before an observation time gives
    NaN there (zero likelihood in :func:`sciml.calibration.calibrate`).
    """

    def __init__(self, model: SPM | P2D, c_rate: float, t_obs: np.ndarray,
                 names: Sequence[str] = tuple(SCALES), *, method: str = "parallel",
                 workers: int | None = None, rtol: float = 1e-6):
        self.model, self.c_rate = model, float(c_rate)
        self.t_obs = np.asarray(t_obs, dtype=float)
        if self.t_obs.ndim != 1 or self.t_obs[0] <= 0 or np.any(np.diff(self.t_obs) <= 0):
            raise ValueError("t_obs must be positive, increasing times [s]")
        self.names = tuple(names)
        for n in self.names:
            model.params.scaled({n: 1.0})  # raises for an unknown name
        self.method, self.workers, self.rtol = method, workers, rtol
        self.experiment = [CC(c_rate=self.c_rate, duration=float(self.t_obs[-1]) + 1.0)]
        self.calls = 0

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        sets = [self.model.params.scaled(dict(zip(self.names, row, strict=True)))
                for row in theta]
        runs = simulate_batch(self.model, sets, self.experiment, t_eval=self.t_obs,
                              method=self.method, workers=self.workers, rtol=self.rtol)
        self.calls += len(sets)
        out = np.full((len(sets), self.t_obs.size), np.nan)
        for b, run in enumerate(runs):
            k = np.searchsorted(run.time_s, self.t_obs)
            ok = k < run.time_s.size
            ok[ok] &= np.isclose(run.time_s[k[ok]], self.t_obs[ok], rtol=0, atol=1e-9)
            out[b, ok] = run.voltage_V[k[ok]]
        return out
