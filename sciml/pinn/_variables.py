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

    @property
    def raw(self) -> torch.Tensor:
        """The tensor the optimiser trains (log of the value)."""
        return self.log

    def tensor(self) -> torch.Tensor:
        """The value as a differentiable tensor."""
        return torch.exp(self.log)

    @property
    def value(self) -> float:
        return float(torch.exp(self.log.detach()).cpu())

    def project(self, r0: torch.Tensor, r1: torch.Tensor, floor: float = 1e-6) -> None:
        """Set the value to the least-squares minimiser of a residual affine in it.

        `r0` and `r1` are the residual evaluated with the value 0 and 1, so the residual is
        ``r0 + v (r1 - r0)`` and ``Σ r²`` is smallest at ``v* = -Σ r0 (r1 - r0) / Σ (r1 - r0)²``
        (variable projection). Nothing is differentiated through `v*`: at the minimiser the
        gradient of the loss with respect to the network is the same with or without it.
        `floor` keeps the value positive.
        """
        with torch.no_grad():
            v = _least_squares_value(r0, r1)
            self.log.copy_(torch.log(torch.clamp(v, min=floor)))


class RealVariable:
    """A trainable scalar of either sign (e.g. a counterflow flame's pressure curvature Λ).

    **Arguments**

    - `name`: label (with units) used in histories and summaries.
    - `initial`: starting value.
    - `scale`: typical magnitude; the optimiser trains ``value / scale``, so its steps are
      relative to it.
    """

    def __init__(self, name: str, initial: float, scale: float = 1.0):
        if not (isinstance(initial, (int, float)) and math.isfinite(initial)):
            raise ValueError(f"initial={initial!r} for {name} must be a finite number")
        if not (math.isfinite(scale) and scale > 0.0):
            raise ValueError(f"scale={scale!r} for {name} is outside the valid range (0, inf)")
        self.name, self.scale = name, scale
        self.raw = deepxde().Variable(initial / scale)

    def tensor(self) -> torch.Tensor:
        """The value as a differentiable tensor."""
        return self.scale * self.raw

    @property
    def value(self) -> float:
        return float(self.tensor().detach().cpu())

    def project(self, r0: torch.Tensor, r1: torch.Tensor) -> None:
        """Set the value to the least-squares minimiser of a residual affine in it (see
        `PositiveVariable.project`)."""
        with torch.no_grad():
            self.raw.copy_(_least_squares_value(r0, r1) / self.scale)


def _least_squares_value(r0: torch.Tensor, r1: torch.Tensor) -> torch.Tensor:
    """``v* = argmin_v Σ (r0 + v (r1 - r0))²``."""
    a = r1 - r0
    return -(r0 * a).sum() / (a * a).sum()


class BoundedVariable:
    """A trainable scalar kept inside ``(lo, hi)``, stored as the logit of its position there.

    **Arguments**

    - `name`: label (with units) used in histories and summaries.
    - `initial`: starting value, inside ``(lo, hi)``.
    - `lo`, `hi`: bounds.
    - `rate`: the stored logit is divided by it, which multiplies the variable's step size in
      first-order optimisers such as Adam by the same factor (default 1).
    - `lbfgs`: whether `train` trains it in the L-BFGS phase too (default True); False holds
      it at the value Adam reached.
    """

    def __init__(self, name: str, initial: float, lo: float, hi: float, rate: float = 1.0,
                 lbfgs: bool = True):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds ({lo!r}, {hi!r}) for {name} must be finite with lo < hi")
        if not (isinstance(initial, (int, float)) and lo < initial < hi):
            raise ValueError(f"initial={initial!r} for {name} is outside the valid range "
                             f"({lo:g}, {hi:g})")
        if not (math.isfinite(rate) and rate > 0.0):
            raise ValueError(f"rate={rate!r} for {name} is outside the valid range (0, inf)")
        self.name, self.lo, self.hi, self.rate, self.lbfgs = name, lo, hi, rate, lbfgs
        f = (initial - lo) / (hi - lo)
        self.raw = deepxde().Variable(math.log(f / (1.0 - f)) / rate)

    def tensor(self) -> torch.Tensor:
        """The value as a differentiable tensor."""
        return self.lo + (self.hi - self.lo) * torch.sigmoid(self.rate * self.raw)

    @property
    def value(self) -> float:
        return float(self.tensor().detach().cpu())
