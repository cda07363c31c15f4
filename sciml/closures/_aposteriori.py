"""A-posteriori closure training and parameter estimation through the differentiable moment
solver (`solvers.spectral.MomentSolver2D`).

The solver's step is differentiable in the closure's weights, the model parameters and the
state, so a loss on a rollout trains them directly:

- :func:`train_a_posteriori`: unroll the moment model from kinetic snapshots z(t_k) over one
  snapshot interval and match the kinetic z(t_{k+1}) (the paper's recipe for closures that stay
  accurate and stable in long rollouts), starting from an a-priori fit.
- :func:`estimate_parameter`: recover a scalar model parameter (e.g. α) from a trajectory.

The kinetic data are the 1D(x)+θ reduction (y-independent), so the moment model runs on an
n × 8 strip (the fields stay y-independent; `ny` only sets the batch of a y-independent run).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from solvers.spectral import ActiveFluidParams, MomentSolver2D, closure_data_params

from ._apriori import _sq


def _trajectories(ds, device):
    """z (case, time, x) complex128 tensor and the per-case parameters of a closure data set."""
    z = ds["z_real"].values + 1j * ds["z_imag"].values
    params = closure_data_params(ds)
    return torch.as_tensor(z, dtype=torch.complex128, device=device), params


def _strip(z_x: torch.Tensor, ny: int) -> torch.Tensor:
    """A y-independent 2D state (B, nx, ny) from z(x) (B, nx)."""
    return z_x[..., None].expand(*z_x.shape, ny).clone()


def rollout(model, params: ActiveFluidParams, z0_x: torch.Tensor, t_end: float, dt: float, *,
            ny: int = 8, save_every: float | None = None, detach: bool = True):
    """Run the moment model with closure `model` from the y-independent state z0(x) (B, nx);
    returns (times, z(x) snapshots (T, B, nx))."""
    n = z0_x.shape[-1]
    solver = MomentSolver2D(params, n=n, ny=ny, dt=dt, closure=model, device=z0_x.device)
    run = solver.run(_strip(z0_x, ny), t_end, save_every=save_every, detach=detach)
    return run.times, run.z.mean(-1)


def train_a_posteriori(model: torch.nn.Module, ds, *, cases: Sequence[int] | None = None,
                       dt: float = 0.01, horizon: int = 1, iterations: int = 100,
                       starts: int = 8, lr: float = 1e-3, seed: int = 0, ny: int = 8,
                       progress=None) -> list[float]:
    """Fine-tune `model` on rollouts: from `starts` random snapshots z(t_k) of each case, run
    `horizon` snapshot intervals of the moment model and match the kinetic snapshots (relative
    mean-square error, summed over the unrolled snapshots). Adam, `iterations` steps, one case
    per step in turn. Returns the loss per iteration."""
    device = next(model.parameters()).device
    z_all, params = _trajectories(ds, device)
    times = ds["time"].values
    every = float(times[1] - times[0])
    cases = list(range(len(params))) if cases is None else list(cases)
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for it in range(iterations):
        c = cases[it % len(cases)]
        k = rng.choice(len(times) - horizon, size=min(starts, len(times) - horizon),
                       replace=False)
        _, pred = rollout(model, params[c], z_all[c, k], horizon * every, dt, ny=ny,
                          save_every=every, detach=False)
        target = torch.stack([z_all[c, k + j] for j in range(horizon + 1)])
        scale = target[1:].abs().pow(2).mean()
        loss = _sq(pred[1:] - target[1:]).mean() / scale
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(float(loss.detach()))
        if progress is not None:
            progress(1)
    return history


def estimate_parameter(name: str, guess: float, params: ActiveFluidParams,
                       z_obs: torch.Tensor, times: torch.Tensor, dt: float, *,
                       closure="bingham", ny: int = 8,
                       iterations: int = 20) -> tuple[float, list[float]]:
    """Recover the scalar parameter `name` of `params` from an observed y-independent
    trajectory z_obs (T, B, nx) at `times` (uniform, starting at 0) by gradient-based
    optimisation through the moment solver: L-BFGS with a strong-Wolfe line search on the
    relative mean-square misfit, at most `iterations` iterations from `guess`. Returns
    (estimate, misfit at each evaluation)."""
    if name not in ("alpha", "beta", "zeta", "dT", "dR"):
        raise ValueError(f"name={name!r}; choose from alpha, beta, zeta, dT, dR")
    theta = torch.tensor(float(guess), dtype=torch.float64, device=z_obs.device,
                         requires_grad=True)
    opt = torch.optim.LBFGS([theta], lr=1.0, max_iter=iterations,
                            tolerance_grad=1e-12, tolerance_change=1e-14,
                            line_search_fn="strong_wolfe")
    every = float(times[1] - times[0])
    scale = z_obs[1:].abs().pow(2).mean()
    history = []

    def misfit():
        opt.zero_grad()
        p = params.replace(**{name: theta})
        _, pred = rollout(closure, p, z_obs[0], float(times[-1]), dt, ny=ny,
                          save_every=every, detach=False)
        loss = _sq(pred[1:] - z_obs[1:]).mean() / scale
        loss.backward()
        history.append(float(loss.detach()))
        return loss

    opt.step(misfit)
    if not math.isfinite(history[-1]):
        raise FloatingPointError("the parameter estimate diverged")
    return float(theta.detach()), history
