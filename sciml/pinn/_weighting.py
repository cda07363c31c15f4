"""Loss weighting for DeepXDE PINNs: causal weighting of a time-dependent residual, and loss
terms normalised to O(1) at the start of training.

- `causal(pde, t_range, ...)` wraps a DeepXDE residual function so that the residual at time t
  counts with weight w(t) = exp(−ε Σ_{earlier time slices} mean r²) (Wang, Sankaran &
  Perdikaris 2022, "Respecting causality is all you need"): later times are trained only once
  the earlier ones have small residuals. The weights are computed from the current residual
  over `bins` equal slices of `t_range` and do not carry gradients. DeepXDE squares and
  averages the returned residual, so it returns r·√w.
- `normalising_weights(model)`: ``1 / L_i`` of every loss term at the current (initial)
  network, for ``train(..., loss_weights=...)``, so each term starts at 1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from solvers._checks import check_integer, check_positive


def causal_weights(r2: torch.Tensor, t: torch.Tensor, t_range: tuple[float, float], *,
                   bins: int = 32, epsilon: float = 1.0) -> torch.Tensor:
    """The causal weight of each point (detached): exp(−ε × the sum, over the time slices
    before its own, of each slice's mean squared residual `r2`)."""
    t0, t1 = t_range
    r2, t = r2.detach().reshape(-1), t.detach().reshape(-1)
    idx = ((t - t0) / (t1 - t0) * bins).floor().clamp(0, bins - 1).long()
    sums = torch.zeros(bins, dtype=r2.dtype, device=r2.device).index_add_(0, idx, r2)
    counts = torch.zeros(bins, dtype=r2.dtype, device=r2.device).index_add_(
        0, idx, torch.ones_like(r2))
    means = torch.where(counts > 0, sums / counts.clamp(min=1), 0.0)
    before = torch.cumsum(means, 0) - means
    return torch.exp(-epsilon * before)[idx]


def causal(pde: Callable, t_range: tuple[float, float], *, t_column: int = -1, bins: int = 32,
           epsilon: float = 1.0) -> Callable:
    """`pde` (DeepXDE residual function ``(x, u) -> r`` or a list of residuals) with causal
    weights over the time column `t_column` of x, on `bins` slices of `t_range`; the weight of
    a point uses the sum of all returned residuals squared."""
    t0, t1 = (float(v) for v in t_range)
    if not t1 > t0:
        raise ValueError(f"t_range=({t0}, {t1}) must have t_range[0] < t_range[1]")
    check_integer("bins", bins, 1)
    check_positive("epsilon", epsilon)

    def weighted(x, u):
        r = pde(x, u)
        many = isinstance(r, (list, tuple))
        rs = list(r) if many else [r]
        r2 = sum(ri.detach().square().reshape(-1) for ri in rs)
        w = causal_weights(r2, x[:, t_column], (t0, t1), bins=bins, epsilon=epsilon)
        root = w.sqrt().reshape(-1, 1)
        out = [ri * root.reshape(ri.shape) if ri.ndim == 1 else ri * root for ri in rs]
        return out if many else out[0]

    return weighted


def normalising_weights(model, *, floor: float = 1e-12) -> list[float]:
    """``1 / L_i`` for each loss term of the DeepXDE `model` at its current network (terms
    below `floor` get ``1 / floor``). Compiles the model with Adam to evaluate the terms."""
    model.compile("adam", lr=1e-3)
    model.train(iterations=0, verbose=0)
    loss = np.atleast_1d(np.asarray(model.train_state.loss_train, dtype=float))
    if not np.all(np.isfinite(loss)):
        raise ValueError(f"the initial loss terms are not finite: {loss}")
    return [1.0 / max(v, floor) for v in loss]
