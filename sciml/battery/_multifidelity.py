"""Multi-fidelity surrogate of the P2D, conditioned on the two scale factors and the C-rate.

The hierarchy of the NREL surrogate study: a lower-fidelity level is trained first and frozen,
and the higher-fidelity level learns only what the lower one misses.

- **Level 0** is the SPM's physics-informed surrogate (:class:`SPMSurrogate`). It carries the
  particle diffusion, the open-circuit potentials and the kinetics, so s_i0,n enters exactly
  and, for a cell with constant diffusivities, any C-rate by linear rescaling.
- **Level 1** is a network for the P2D − level-0 voltage gap δV(t, s_Ds,p, s_i0,n, C). The gap
  is the electrolyte's ohmic and concentration polarisation and the non-uniform reaction
  across the electrodes, plus level 0's own error. It is fitted to voltages of the classical
  P2D (`solvers.battery`) on a quasi-random design over the prior box and the C-rate range.

Level 1 learns from solver data only, with no P2D residual of its own: the physics enters
through level 0 and through the solver that makes the data. The gap is smooth and small (tens of
mV at 1C, scaling roughly with the current), so a small network holds it to well under a mV.

Inputs of level 1, each mapped onto [0, 1]: the time as a fraction of the covered part of the
nominal discharge, τ = t C / (3600 s · depth); log s_Ds,p, log s_i0,n and log C over their
ranges. Output: δV / (C · 50 mV), an O(1) number.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from solvers.battery import CellParameters, chen2020

from ..io import load_checkpoint, save_checkpoint
from ..pinn import Checkpoint, Schedule, configure, deepxde
from ..pinn import train as train_model
from ._forward import SCALES
from ._spm_pinn import SPMSurrogate, SPMSurrogateConfig, batched_forward, train_spm_surrogate

GAP_SCALE = 0.05
"""Volts per unit C-rate of level 1's output."""


@dataclass(frozen=True)
class P2DSurrogateConfig:
    """Level 1 of the P2D surrogate and its training data.

    - `layers`: hidden widths of the tanh network (inputs τ, s_Ds,p, s_i0,n, C).
    - `c_rates`: the C-rate range (low, high) the surrogate serves.
    - `depth`: the covered fraction of the nominal discharge time 3600 s / C.
    - `c_levels`, `pairs`: the design: `c_levels` C-rates log-spaced over `c_rates`, each with
      `pairs` (s_Ds,p, s_i0,n) from a scrambled Sobol sequence over the prior box.
    - `times`: voltages per P2D run, evenly spaced in τ.
    - `mesh`: finite volumes of the P2D that makes the data (x_n, x_s, x_p, r_n, r_p).
    - `schedule`: Adam then L-BFGS on the mean-square misfit.
    """

    layers: tuple[int, ...] = (64, 64, 64)
    c_rates: tuple[float, float] = (0.5, 2.0)
    depth: float = 0.92
    c_levels: int = 7
    pairs: int = 32
    times: int = 60
    mesh: tuple[int, int, int, int, int] = (16, 8, 16, 16, 16)
    schedule: Schedule = field(default_factory=lambda: Schedule(adam=4000, lr=2e-3,
                                                                decay=0.7, decay_every=800,
                                                                lbfgs=3000))
    dtype: str = "float64"

    def __post_init__(self):
        lo, hi = self.c_rates
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo <= hi <= 5):
            raise ValueError(f"c_rates={self.c_rates!r} must satisfy 0 < low <= high <= 5")
        if not 0 < self.depth <= 1:
            raise ValueError(f"depth={self.depth!r} is outside the valid range (0, 1]")
        for name in ("c_levels", "pairs", "times"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)!r} must be >= 1")

    def t_end(self, c_rate: float) -> float:
        """The covered time [s] at `c_rate`."""
        return self.depth * 3600.0 / c_rate


def _unit_log(value, bounds):
    lo, hi = bounds
    return np.log(np.asarray(value, float) / lo) / math.log(hi / lo) if hi > lo else \
        np.zeros_like(np.asarray(value, float))


class P2DSurrogate:
    """Level 0 (a frozen :class:`SPMSurrogate`) plus level 1 (the learned P2D gap).

    :meth:`voltage` evaluates V(t; s_Ds,p, s_i0,n, C) for C in ``config.c_rates``;
    :meth:`forward` gives the batched forward model of :func:`sciml.calibration.calibrate`.
    Save and load with :meth:`save` / :meth:`load`.
    """

    names = tuple(SCALES)

    def __init__(self, base: SPMSurrogate, config: P2DSurrogateConfig, net,
                 history=None, seconds: float = 0.0):
        self.base, self.config, self.net = base, config, net
        self.history, self.seconds = history, seconds
        self.params = base.params

    def _check_rate(self, c_rate: float) -> None:
        lo, hi = self.config.c_rates
        if not (np.isfinite(c_rate) and lo * (1 - 1e-12) <= c_rate <= hi * (1 + 1e-12)):
            raise ValueError(f"c_rate={c_rate!r} is outside the surrogate's range [{lo:g}, "
                             f"{hi:g}]")

    def _inputs(self, t, s_dp, s_i0n, c_rate):
        cfg = self.config
        return np.column_stack([t.ravel() / cfg.t_end(c_rate),
                                _unit_log(s_dp.ravel(), SCALES[self.names[0]]),
                                _unit_log(s_i0n.ravel(), SCALES[self.names[1]]),
                                np.full(t.size, _unit_log(c_rate, cfg.c_rates))])

    def gap(self, t, s_dp, s_i0n, c_rate: float = 1.0) -> np.ndarray:
        """Level 1: the P2D − level-0 voltage [V] (arguments as in :meth:`voltage`)."""
        self._check_rate(c_rate)
        t, s_dp, s_i0n = np.broadcast_arrays(*(np.asarray(a, float) for a in (t, s_dp, s_i0n)))
        p = next(self.net.parameters())
        with torch.no_grad():
            x = torch.as_tensor(self._inputs(t, s_dp, s_i0n, c_rate), dtype=p.dtype,
                                device=p.device)
            y = self.net(x).cpu().numpy()[:, 0]
        return (c_rate * GAP_SCALE * y).reshape(t.shape)

    def voltage(self, t, s_dp, s_i0n, c_rate: float = 1.0) -> np.ndarray:
        """Terminal voltage [V] at times `t` [s] for the scale factors (broadcast together) at
        `c_rate` (within ``config.c_rates``)."""
        self._check_rate(c_rate)
        return (self.base.voltage(t, s_dp, s_i0n, c_rate)
                + self.gap(t, s_dp, s_i0n, c_rate))

    def forward(self, t_obs: np.ndarray, c_rate: float = 1.0):
        """Batched forward model ``theta (B, 2) -> V(t_obs) (B, n)`` in the order of `names`."""
        self._check_rate(c_rate)
        return batched_forward(self, t_obs, self.config.t_end(c_rate), c_rate)

    def save(self, path) -> None:
        save_checkpoint({"kind": "p2d", "state": self.net.state_dict(), "config": self.config,
                         "base": self.base.blob(), "seconds": self.seconds}, path)

    @classmethod
    def load(cls, path, *, device="cpu") -> P2DSurrogate:
        blob = load_checkpoint(path, device=device)
        if blob.get("kind") != "p2d":
            raise ValueError(f"{path} does not hold a P2D surrogate")
        base = SPMSurrogate.from_blob(blob["base"], device=device)
        config = blob["config"]
        configure(dtype=config.dtype, device=device, seed=0)
        net = _network(config)
        net.load_state_dict(blob["state"])
        return cls(base, config, net, seconds=blob["seconds"])


def _network(config):
    return deepxde().nn.FNN([4, *config.layers, 1], "tanh", "Glorot normal")


def p2d_design(config: P2DSurrogateConfig, seed: int = 0):
    """The level-1 design: a list of (C-rate, (pairs, 2) array of (s_Ds,p, s_i0,n))."""
    from scipy.stats import qmc

    lo, hi = config.c_rates
    rates = np.geomspace(lo, hi, config.c_levels) if hi > lo else np.array([lo])
    sobol = qmc.Sobol(2, scramble=True, seed=seed)
    b = [SCALES[n] for n in P2DSurrogate.names]
    design = []
    for c in rates:
        u = sobol.random(config.pairs)
        design.append((float(c), np.column_stack([b[0][0] * (b[0][1] / b[0][0]) ** u[:, 0],
                                                  b[1][0] * (b[1][1] / b[1][0]) ** u[:, 1]])))
    return design


def p2d_voltages(params: CellParameters, mesh: tuple, c_rate: float, theta: np.ndarray,
                 t: np.ndarray, *, workers: int | None = None) -> np.ndarray:
    """Voltages (B, n) of the classical P2D at times `t` for scale factors `theta` (B, 2);
    NaN after a cut-off."""
    from solvers.battery import P2D, Mesh

    from ._forward import SolverForward

    solver = SolverForward(P2D(params, Mesh(*mesh)), c_rate, t, P2DSurrogate.names,
                           method="parallel", workers=workers)
    return solver(theta)


def train_p2d_surrogate(params: CellParameters | None = None, base: SPMSurrogate | None = None,
                        config: P2DSurrogateConfig = P2DSurrogateConfig(),
                        base_config: SPMSurrogateConfig | None = None, *,
                        device: str = "cpu", seed: int = 0, checkpoint=None, progress=None,
                        workers: int | None = None) -> P2DSurrogate:
    """Train the P2D surrogate over the prior box and ``config.c_rates``.

    Level 0: `base`, or an SPM surrogate trained here (with `base_config`, default
    :class:`SPMSurrogateConfig`) at the lowest C-rate over its whole covered time; it must serve
    every C-rate of `config` (a cell with constant diffusivities). Level 1: the P2D − level-0 gap
    on the design of :func:`p2d_design`, the P2D run with `workers` processes. The surrogate's
    `seconds` count both levels' training and the P2D data. With a `checkpoint` file (level 0
    then uses a second file beside it) an interrupted training resumes where it stopped.
    `progress(n)` is called per training iteration of either level.
    """
    params = params or chen2020()
    lo, hi = config.c_rates
    if base is None:
        base_ckpt = None if checkpoint is None else f"{checkpoint}.level0"
        base = train_spm_surrogate(params, lo, config.t_end(lo),
                                   base_config or SPMSurrogateConfig(), device=device,
                                   seed=seed, checkpoint=base_ckpt, progress=progress)
    if base.params.name != params.name:
        raise ValueError(f"base: trained for {base.params.name!r}, not {params.name!r}")
    if (lo != base.c_rate or hi != base.c_rate) and not base.linear:
        raise ValueError("base: this cell's diffusivities depend on concentration, so the SPM "
                         f"surrogate holds only at its trained {base.c_rate:g}C")
    if base.t_end * base.c_rate < config.t_end(lo) * lo * (1 - 1e-9):
        raise ValueError(f"base: covers {base.t_end:g} s at {base.c_rate:g}C, less than the "
                         f"{config.t_end(lo):g} s at {lo:g}C that config needs")
    configure(dtype=config.dtype, device=device, seed=seed)
    dde = deepxde()
    net = _network(config)
    sur = P2DSurrogate(base, config, net)
    t0 = time.perf_counter()
    xs, ys = [], []
    tau = np.linspace(0.0, 1.0, config.times + 1)[1:]
    for c, theta in p2d_design(config, seed):
        t = tau * config.t_end(c)
        v = p2d_voltages(params, config.mesh, c, theta, t, workers=workers)
        for row, vp in zip(theta, v, strict=True):
            ok = np.isfinite(vp)
            v0 = base.voltage(t[ok], row[0], row[1], c)
            xs.append(sur._inputs(t[ok], np.full(ok.sum(), row[0]),
                                  np.full(ok.sum(), row[1]), c))
            ys.append((vp[ok] - v0) / (c * GAP_SCALE))
    x, y = np.concatenate(xs), np.concatenate(ys)[:, None]
    data = dde.data.DataSet(X_train=x, y_train=y, X_test=x[::7], y_test=y[::7],
                            standardize=False)
    model = dde.Model(data, net)
    ckpt = None
    if checkpoint is not None:
        meta = {"surrogate": "p2d-level1", "params": params.name, "config": repr(config),
                "base": repr((base.c_rate, base.t_end, base.config)), "seed": seed}
        ckpt = Checkpoint(checkpoint, net, [], meta)
        ckpt.resume()
    sur.history = train_model(model, [], config.schedule, progress=progress, checkpoint=ckpt)
    sur.seconds = base.seconds + time.perf_counter() - t0
    return sur


def load_surrogate(path, *, device: str = "cpu") -> SPMSurrogate | P2DSurrogate:
    """Load a surrogate saved by :meth:`SPMSurrogate.save` or :meth:`P2DSurrogate.save`."""
    blob = load_checkpoint(path, device=device)
    if blob.get("kind") == "p2d":
        return P2DSurrogate.load(path, device=device)
    return SPMSurrogate.from_blob(blob, device=device)
