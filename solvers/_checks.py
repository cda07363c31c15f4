"""Argument checks shared by the solvers: each names the parameter and its valid range."""

from __future__ import annotations

import math

import numpy as np


def check_positive(name: str, value) -> None:
    """A finite number > 0."""
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name}={value!r} is outside the valid range (0, inf)")


def check_finite(name: str, value) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value)):
        raise ValueError(f"{name}={value!r} must be a finite number")


def check_integer(name: str, value, lo: int) -> None:
    """An integer >= lo."""
    if not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name}={value!r} must be an integer >= {lo}")
