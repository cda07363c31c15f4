"""Resumable PINN training: the whole training state in one file, written atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import torch

from ..io import load_checkpoint, save_checkpoint


class Checkpoint:
    """Save and restore a PINN training so an interrupted run (a batch job that hit its wall
    time) continues where it stopped.

    The file holds the network parameters, the trainable variables, the iterations done in each
    optimiser phase, Adam's state and learning-rate schedule, the loss history so far and a
    description of the run (`meta`). It is written to a temporary file and renamed, so a kill
    during a save leaves the previous checkpoint intact. `train` saves every
    ``Schedule.checkpoint_every`` iterations and at the end of each phase. An L-BFGS phase
    resumes with its remaining iterations and a fresh curvature memory (its line-search state
    is not worth saving).

    **Arguments**

    - `path`: checkpoint file.
    - `net`: the network (a ``torch.nn.Module``).
    - `variables`: trainable physical parameters (with a ``raw`` tensor each).
    - `meta`: anything JSON-like that identifies the run (problem, parameters, schedule); a
      checkpoint written with different `meta` is refused rather than silently mixed in.
    """

    def __init__(self, path: str | os.PathLike, net: torch.nn.Module, variables: Sequence,
                 meta: dict | None = None):
        self.path = Path(path)
        self.net, self.variables, self.meta = net, list(variables), meta or {}
        self.done = {"adam": 0, "lbfgs": 0}
        self.rows: list = []
        self.optimizer: dict | None = None
        self.scheduler: dict | None = None

    def resume(self) -> bool:
        """Load the checkpoint file if there is one; True when the training was restored."""
        if not self.path.exists():
            return False
        state = load_checkpoint(self.path)
        if state["meta"] != self.meta:
            raise ValueError(
                f"checkpoint {self.path} belongs to another run ({state['meta']}); remove it or "
                "choose another checkpoint file")
        self.net.load_state_dict(state["net"])
        with torch.no_grad():
            for v, raw in zip(self.variables, state["variables"], strict=True):
                v.raw.copy_(raw)
        self.done, self.rows = dict(state["done"]), list(state["rows"])
        self.optimizer, self.scheduler = state["optimizer"], state["scheduler"]
        return True

    def save(self, model, phase: str, iterations_done: int, rows: list) -> None:
        """Write the state: `iterations_done` in `phase` (``"adam"`` or ``"lbfgs"``)."""
        self.done[phase] = iterations_done
        adam = phase == "adam"
        state = {
            "meta": self.meta,
            "net": self.net.state_dict(),
            "variables": [v.raw.detach().clone() for v in self.variables],
            "done": dict(self.done),
            "rows": list(rows),
            "optimizer": model.opt.state_dict() if adam else None,
            "scheduler": (model.lr_scheduler.state_dict()
                          if adam and model.lr_scheduler is not None else None),
        }
        save_checkpoint(state, self.path)
