"""Active learning of a closure over the parameter space (query by committee).

Kinetic data are the expensive part of closure learning, and the closure is needed over a range
of (α, ζ, ...). Instead of a fixed grid, :func:`active_closure_learning` starts from a few
parameter sets and, round by round, runs the kinetic model where a committee of closures fitted
to the data so far disagrees most about the dynamics: each member drives a moment-model rollout
at every candidate parameter set, and the score is the spread of their box-mean order parameters
|z|(t), relative to its mean. A member whose rollout leaves the realizable range scores
infinity (the data there are clearly needed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from solvers.spectral import ActiveFluidParams

from ._aposteriori import rollout
from ._apriori import ClosureSamples


def committee_spread(models: Sequence[torch.nn.Module], params: ActiveFluidParams,
                     z0_x: torch.Tensor, t_end: float, dt: float, *,
                     save_every: float | None = None) -> float:
    """Disagreement of `models` at `params`: from z0(x) (B, nx), the time mean of the standard
    deviation across the models' box-mean |z|(t), divided by its mean (inf if a rollout leaves
    the realizable range)."""
    if len(models) < 2:
        raise ValueError(f"a committee needs at least 2 models, got {len(models)}")
    order = []
    with torch.no_grad():
        for m in models:
            try:
                _, z = rollout(m, params, z0_x, t_end, dt, save_every=save_every)
            except FloatingPointError:
                return math.inf
            order.append(z.abs().mean(-1))  # (T, B)
    s = torch.stack(order)
    return float(s.std(0).mean() / s.mean().clamp_min(1e-12))


@dataclass
class ActiveLearningResult:
    """The data gathered (`data`: an `xarray.Dataset` of `kinetic_closure_data` form), the
    candidate indices in the order they were run (`chosen`, the initial ones first), the
    committee scores of all candidates at each round (`scores`, NaN where already chosen) and
    the last committee (`models`)."""

    data: object
    chosen: list[int]
    scores: list[np.ndarray] = field(default_factory=list)
    models: list = field(default_factory=list)


def active_closure_learning(
    candidates: Sequence[ActiveFluidParams],
    simulate: Callable[[list[ActiveFluidParams], int], object],
    make_model: Callable[[int, ClosureSamples], torch.nn.Module],
    fit: Callable[[torch.nn.Module, ClosureSamples], object],
    z0_x: torch.Tensor,
    *,
    initial: Sequence[int],
    rounds: int,
    committee: int = 3,
    t_end: float = 10.0,
    dt: float = 0.01,
    progress: Callable[[int], None] | None = None,
) -> ActiveLearningResult:
    """Grow a closure data set over `candidates` by query by committee.

    - `simulate(params, k)`: the kinetic data (a `kinetic_closure_data` data set) of the
      parameter sets `params`; `k` counts the calls (use it to vary the seed).
    - `make_model(seed, samples)`: a fresh closure (its strain scale may come from the data);
      `fit(model, samples)` trains it.
    - `z0_x`: the moment-model start (B, nx) of the scoring rollouts (t_end, dt).
    - `initial`: indices of the starting parameter sets; `rounds`: sets added one per round;
      `committee`: models per committee (seeds 0, 1, ...).
    `progress(1)` is called after each round.
    """
    import xarray as xr

    if not isinstance(rounds, int) or rounds < 0:
        raise ValueError(f"rounds={rounds!r} must be an integer >= 0")
    if not isinstance(committee, int) or committee < 2:
        raise ValueError(f"committee={committee!r} must be an integer >= 2")
    chosen = list(dict.fromkeys(int(i) for i in initial))
    if not chosen or not all(0 <= i < len(candidates) for i in chosen):
        raise ValueError(f"initial={list(initial)!r} must be indices into the "
                         f"{len(candidates)} candidates")
    if len(chosen) + rounds > len(candidates):
        raise ValueError(f"rounds={rounds} asks for more parameter sets than the "
                         f"{len(candidates) - len(chosen)} candidates left")
    data = simulate([candidates[i] for i in chosen], 0)
    result = ActiveLearningResult(data, chosen)
    for r in range(rounds):
        samples = ClosureSamples.from_dataset(data, device=z0_x.device)
        models = []
        for seed in range(committee):
            torch.manual_seed(seed)
            model = make_model(seed, samples)
            fit(model, samples)
            models.append(model)
        scores = np.full(len(candidates), np.nan)
        for i, p in enumerate(candidates):
            if i not in chosen:
                scores[i] = committee_spread(models, p, z0_x, t_end, dt)
        pick = int(np.nanargmax(np.where(np.isinf(scores), np.finfo(float).max, scores)))
        data = xr.concat([data, simulate([candidates[pick]], r + 1)], dim="case")
        chosen.append(pick)
        result.scores.append(scores)
        result.models = models
        if progress is not None:
            progress(1)
    result.data, result.chosen = data, chosen
    return result
