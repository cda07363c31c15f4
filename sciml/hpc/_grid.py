"""Parameter grids for sweeps: ``name=start:stop:num`` or ``name=a,b,c``, and their product."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
Value = int | float | str


def _number(text: str) -> int | float | None:
    for kind in (int, float):
        try:
            v = kind(text)
        except ValueError:
            continue
        return v if kind is int or np.isfinite(v) else None
    return None


def _tidy(v: float) -> float:
    """12 significant digits: ``linspace`` noise (0.41000000000000003) would otherwise show up
    in folder names and command lines."""
    return float(f"{v:.12g}")


def format_value(v: Value) -> str:
    """How a value is written on a command line and in a point's folder name."""
    if isinstance(v, float):
        return f"{v:.12g}"
    return str(v)


@dataclass(frozen=True)
class Param:
    """One swept parameter: `name` as the case flag spells it (``T-in``), its values in order.

    `dim` is the name used in data sets (``T_in``, as argparse names the attribute).
    """

    name: str
    values: tuple[Value, ...]

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"parameter name {self.name!r} must start with a letter and hold "
                             f"only letters, digits, '_' and '-'")
        if not self.values:
            raise ValueError(f"parameter {self.name!r} has no values")
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"parameter {self.name!r} repeats a value: {list(self.values)}")
        for v in self.values:
            if isinstance(v, str) and (not v or "/" in v or v.startswith("-")):
                raise ValueError(f"parameter {self.name!r}: value {v!r} must be non-empty, "
                                 f"hold no '/' and not start with '-'")

    @property
    def dim(self) -> str:
        return self.name.replace("-", "_")

    @property
    def flag(self) -> str:
        return f"--{self.name}"


def parse_param(spec: str) -> Param:
    """Parse ``name=start:stop:num`` (``num`` evenly spaced values, ends included) or
    ``name=a,b,c`` (numbers or words) into a `Param`."""
    name, sep, rhs = spec.partition("=")
    name = name.strip().lstrip("-")
    if not sep or not name or not rhs.strip():
        raise ValueError(f"--param {spec!r} must look like name=start:stop:num or name=a,b,c")
    rhs = rhs.strip()
    if ":" in rhs:
        parts = rhs.split(":")
        nums = [_number(p) for p in parts]
        if len(parts) != 3 or any(n is None for n in nums):
            raise ValueError(f"--param {spec!r}: a range is start:stop:num with numbers")
        start, stop, num = nums
        if not isinstance(num, int) or num < 1:
            raise ValueError(f"--param {spec!r}: num={parts[2]} must be an integer >= 1")
        values = tuple(_tidy(v) for v in np.linspace(float(start), float(stop), num))
    else:
        words = [w.strip() for w in rhs.split(",")]
        nums = [_number(w) for w in words]
        if all(n is not None for n in nums):
            kinds = {type(n) for n in nums}
            values = tuple(nums) if kinds == {int} else tuple(_tidy(float(n)) for n in nums)
        else:
            values = tuple(words)
    return Param(name, values)


def as_params(grid: Mapping[str, Sequence[Value]] | Sequence[Param]) -> tuple[Param, ...]:
    """A grid given as ``{name: values}`` (or already as `Param` objects) as a tuple of Params."""
    if isinstance(grid, Mapping):
        params = []
        for name, values in grid.items():
            vals = tuple(_tidy(float(v)) if isinstance(v, (float, np.floating))
                         else int(v) if isinstance(v, (int, np.integer)) else v
                         for v in np.atleast_1d(np.asarray(values, dtype=object)))
            params.append(Param(name, vals))
        params = tuple(params)
    else:
        params = tuple(grid)
    if not params:
        raise ValueError("grid is empty: give at least one parameter")
    dims = [p.dim for p in params]
    if len(set(dims)) != len(dims):
        raise ValueError(f"grid names a parameter twice: {[p.name for p in params]}")
    return params


def points(params: Sequence[Param]) -> Iterator[dict[str, Value]]:
    """Every point of the product grid, the last parameter varying fastest."""
    for combo in itertools.product(*(p.values for p in params)):
        yield {p.name: v for p, v in zip(params, combo, strict=True)}


def point_key(point: Mapping[str, Value]) -> str:
    """A point's folder name, e.g. ``phi=0.41_T-in=298``."""
    return "_".join(f"{k}={format_value(v)}" for k, v in point.items())
