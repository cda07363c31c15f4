"""Trainable physical parameters (eigenvalues, unknown constants) for PINNs."""

from __future__ import annotations

import math

import torch

from ._backend import deepxde


class PositiveVariable:
    """A positive trainable scalar, stored as its logarithm so it can never change sign.

    Optimising log(s) instead of s also makes the step relative: a flame speed started at
    0.1 m/s and one started at 0.8 m/s move at the same pace towards the answer.

    **Arguments**

    - `name`: label (with units) used in histories and summaries.
    - `initial`: starting value (> 0).
    """

    def __init__(self, name: str, initial: float):
        if not (isinstance(initial, (int, float)) and math.isfinite(initial) and initial > 0):
            raise ValueError(f"initial={initial!r} for {name} must be a finite number > 0")
        self.name = name
        self.log = deepxde().Variable(math.log(initial))

    def tensor(self) -> torch.Tensor:
        """The value as a differentiable tensor."""
        return torch.exp(self.log)

    @property
    def value(self) -> float:
        return float(torch.exp(self.log.detach()).cpu())
