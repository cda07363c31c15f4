"""Training schedules for DeepXDE models: Adam, then L-BFGS run to its iteration budget."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import xarray as xr

from ._backend import deepxde
from ._checkpoint import Checkpoint
from ._variables import BoundedVariable, PositiveVariable, RealVariable


def _check_int(name: str, value, lo: int) -> None:
    if not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name}={value!r} must be an integer >= {lo}")


@dataclass(frozen=True)
class Schedule:
    """Optimiser phases of a PINN training.

    **Arguments**

    - `adam`: Adam iterations; `lr`: its learning rate, multiplied by `decay` every
      `decay_every` iterations.
    - `lbfgs`: L-BFGS iterations after Adam. DeepXDE's default gradient tolerance stops L-BFGS
      early once the loss is small; here it runs its whole budget (tolerances 0), which is
      what the last digits of an eigenvalue need.
    - `record_every`: iterations between entries of the loss history.
    - `checkpoint_every`: iterations between saves of the training state, when it is
      checkpointed (`Checkpoint`).
    """

    adam: int = 5000
    lr: float = 1e-3
    decay: float = 0.95
    decay_every: int = 1000
    lbfgs: int = 3000
    record_every: int = 100
    checkpoint_every: int = 500

    def __post_init__(self) -> None:
        _check_int("adam", self.adam, 0)
        _check_int("lbfgs", self.lbfgs, 0)
        _check_int("decay_every", self.decay_every, 1)
        _check_int("record_every", self.record_every, 1)
        _check_int("checkpoint_every", self.checkpoint_every, 1)
        if not 0.0 < self.lr < 1.0:
            raise ValueError(f"lr={self.lr!r} is outside the valid range (0, 1)")
        if not 0.0 < self.decay <= 1.0:
            raise ValueError(f"decay={self.decay!r} is outside the valid range (0, 1]")


def _recorder(variables: Sequence[PositiveVariable | BoundedVariable | RealVariable],
              schedule: Schedule, rows: list, phase: str,
              progress: Callable[[int], None] | None, checkpoint: Checkpoint | None, start: int):
    dde = deepxde()

    class Recorder(dde.callbacks.Callback):
        saved = 0

        def on_epoch_end(self):
            step = self.model.train_state.iteration
            if progress is not None:
                progress(1)
            if step % schedule.record_every == 0:
                loss = np.atleast_1d(np.asarray(self.model.train_state.loss_train, dtype=float))
                rows.append((phase, step, loss.copy(), [v.value for v in variables]))
            done = step - start
            if (checkpoint is not None and done - self.saved >= schedule.checkpoint_every
                    and _finite(self.model, variables)):
                checkpoint.save(self.model, phase, done, rows)
                self.saved = done

    recorder = Recorder()
    recorder.saved = checkpoint.done[phase] if checkpoint is not None else 0
    return recorder


def train(model, variables: Sequence[PositiveVariable | BoundedVariable | RealVariable],
          schedule: Schedule, *,
          loss_weights: Sequence[float] | None = None,
          progress: Callable[[int], None] | None = None,
          before_lbfgs: Callable[[], None] | None = None,
          checkpoint: Checkpoint | None = None) -> xr.Dataset:
    """Train a compiled-or-not DeepXDE `model` with Adam, then L-BFGS.

    `variables` are the trainable physical parameters (trained with the network; one with
    ``lbfgs = False`` is held at its Adam value during L-BFGS).
    `progress(n)` is called after every iteration; `before_lbfgs()` between the phases (e.g.
    to add collocation points where the residual is largest). With a `checkpoint` (already
    `resume`d, or fresh) the training state is saved as it goes, and a resumed training runs
    only the iterations left. Returns the loss history: loss terms and variable values against
    the iteration, with the optimiser phase of each entry.
    """
    dde = deepxde()
    ext = [v.raw for v in variables]
    done = checkpoint.done if checkpoint is not None else {"adam": 0, "lbfgs": 0}
    rows: list = list(checkpoint.rows) if checkpoint is not None else []
    adam_left = schedule.adam - done["adam"]
    if adam_left > 0:
        model.compile("adam", lr=schedule.lr, external_trainable_variables=ext,
                      loss_weights=loss_weights,
                      decay=("step", schedule.decay_every, schedule.decay))
        if checkpoint is not None and checkpoint.optimizer is not None:
            model.opt.load_state_dict(checkpoint.optimizer)
            if checkpoint.scheduler is not None:
                model.lr_scheduler.load_state_dict(checkpoint.scheduler)
        model.train_state.iteration = model.train_state.step = done["adam"]
        model.train(iterations=adam_left, verbose=0, display_every=schedule.record_every,
                    callbacks=[_recorder(variables, schedule, rows, "adam",
                                         progress, checkpoint, 0)])
        if checkpoint is not None:
            checkpoint.save(model, "adam", schedule.adam, rows)
    elif progress is not None:
        progress(schedule.adam)
    lbfgs_left = schedule.lbfgs - done["lbfgs"]
    if before_lbfgs is not None and lbfgs_left > 0:
        before_lbfgs()
    if lbfgs_left > 0:
        saved, n_rows = _snapshot(model.net, variables), len(rows)
        dde.optimizers.config.set_LBFGS_options(maxiter=lbfgs_left, gtol=0.0, ftol=0.0)
        ext = [v.raw for v in variables if getattr(v, "lbfgs", True)]
        model.compile("L-BFGS", external_trainable_variables=ext, loss_weights=loss_weights)
        _reject_nonfinite_trials(model.opt)
        model.train_state.iteration = model.train_state.step = schedule.adam + done["lbfgs"]
        model.train(verbose=0, display_every=max(lbfgs_left, 1),
                    callbacks=[_recorder(variables, schedule, rows, "lbfgs",
                                         progress, checkpoint, schedule.adam)])
        if not _finite(model, variables):
            # Not expected with the guard above; never hand back a NaN network.
            _restore(model.net, variables, saved)
            del rows[n_rows:]
            warnings.warn("L-BFGS ended at a non-finite loss; kept the state before it",
                          RuntimeWarning, stacklevel=2)
        if checkpoint is not None:
            checkpoint.save(model, "lbfgs", schedule.lbfgs, rows)
    return _history(rows, variables)


def _reject_nonfinite_trials(opt: torch.optim.LBFGS) -> None:
    """Make `opt`'s strong-Wolfe line search treat a non-finite loss as a failed trial.

    A trial step can overflow the network (the first L-BFGS directions can be long), and
    PyTorch's line search, whose tests are comparisons, then takes NaN for progress: it
    extrapolates further and the whole phase ends in NaN. Here such a trial reports a loss
    far above the best one seen, with a zero gradient, so the search backtracks into the
    bracket of finite points instead."""
    step, best = opt.step, [math.inf]

    def guarded_step(closure):
        def safe_closure():
            loss = closure()
            if torch.isfinite(loss):
                best[0] = min(best[0], float(loss.detach()))
                return loss
            for group in opt.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.grad.zero_()
            worse = 1e3 * best[0] if math.isfinite(best[0]) and best[0] > 0 else 1e30
            return torch.full_like(loss, worse)
        return step(safe_closure)

    opt.step = guarded_step


def _snapshot(net, variables) -> tuple[dict, list]:
    return ({k: t.detach().clone() for k, t in net.state_dict().items()},
            [v.raw.detach().clone() for v in variables])


def _restore(net, variables, saved) -> None:
    net.load_state_dict(saved[0])
    with torch.no_grad():
        for v, raw in zip(variables, saved[1], strict=True):
            v.raw.copy_(raw)


def _finite(model, variables) -> bool:
    loss = np.asarray(model.train_state.loss_train, dtype=float)
    return bool(np.all(np.isfinite(loss))
                and all(torch.isfinite(p).all() for p in model.net.parameters())
                and all(torch.isfinite(v.raw).all() for v in variables))


def _history(rows, variables) -> xr.Dataset:
    if not rows:
        return xr.Dataset()
    phase, step, loss, values = zip(*rows, strict=True)
    loss = np.stack(loss)
    data = {
        "loss": (("iteration", "term"), loss, {"long_name": "weighted-free loss terms"}),
        "phase": ("iteration", np.array(phase)),
    }
    for k, v in enumerate(variables):
        data[v.name] = ("iteration", np.array([vals[k] for vals in values]))
    return xr.Dataset(data, coords={"iteration": np.arange(len(rows)),
                                    "step": ("iteration", np.array(step)),
                                    "term": np.arange(loss.shape[1])})
