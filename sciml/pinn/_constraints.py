"""Hard constraints: conditions built into a network's output transform, so that they hold
exactly (to rounding) instead of being penalised in the loss.

Each constraint is an `OutputTransform` ``(x, raw) -> u``; ``a.then(b)`` applies `b` to what
`a` returns, and ``transform.apply(net)`` installs it in a DeepXDE network.

- `dirichlet(value, distance)`: u = g(x) + d(x)·N, with d = 0 exactly where u = g is imposed;
- `initial_boundary(initial, distance, t_column)`: u = u₀(x) + (t − t₀)·d(x)·N, for a
  time-dependent problem whose initial state u₀ already meets the boundary values;
- `bounded(lo, hi)` / `positive()`: u = lo + (hi − lo)·sigmoid(N) / softplus(N) (range
  constraints, applied per output column);
- `pinned_sigmoid(net, point, value)`: u = sigmoid(N(x) − N(x_p) + logit(v)), so 0 < u < 1
  and u(x_p) = v exactly: a front (a flame) pinned at x_p, fixed or trainable;
- `on_top_of(coarse)`: u = u_coarse(x) + s·N, a multi-fidelity level: a network learning a
  correction on top of a frozen, already trained coarser one.

`interval_distance` gives the usual d for a box: the product of (x − a)(b − x) over the
constrained columns, scaled to 1 at the centre.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ._nets import raw_output

Field = Callable[[torch.Tensor], torch.Tensor]


class OutputTransform:
    """u = `fn`(x, raw). Call it like a function; compose with `then`."""

    def __init__(self, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                 name: str = "transform"):
        self.fn = fn
        self.name = name

    def __call__(self, x: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
        return self.fn(x, raw)

    def then(self, other: OutputTransform) -> OutputTransform:
        """`other` applied to this transform's output."""
        return OutputTransform(lambda x, raw: other(x, self(x, raw)),
                               f"{self.name} then {other.name}")

    def apply(self, net) -> None:
        """Install in a DeepXDE network (``net.apply_output_transform``)."""
        net.apply_output_transform(self)

    def __repr__(self) -> str:
        return f"OutputTransform({self.name})"


def _column(x: torch.Tensor, j: int) -> torch.Tensor:
    return x[:, j : j + 1] if j >= 0 else x[:, x.shape[1] + j : x.shape[1] + j + 1]


def interval_distance(bounds: Sequence[tuple[float, float]],
                      columns: Sequence[int] | None = None) -> Field:
    """d(x) = Π_j (x_j − a_j)(b_j − x_j) / ((b_j − a_j)/2)², zero on the faces x_j = a_j, b_j of
    the constrained `columns` (default 0, 1, …) and 1 at the centre."""
    bounds = [(float(a), float(b)) for a, b in bounds]
    for a, b in bounds:
        if not b > a:
            raise ValueError(f"bounds ({a}, {b}) must have a < b")
    columns = list(range(len(bounds))) if columns is None else list(columns)
    if len(columns) != len(bounds):
        raise ValueError(f"{len(columns)} columns for {len(bounds)} bounds")

    def d(x):
        out = 1.0
        for j, (a, b) in zip(columns, bounds, strict=True):
            xj = _column(x, j)
            out = out * (xj - a) * (b - xj) / ((b - a) / 2) ** 2
        return out

    return d


def dirichlet(value: Field | float, distance: Field) -> OutputTransform:
    """u = g(x) + d(x)·N(x): u = g exactly where d = 0."""
    g = value if callable(value) else (lambda x: torch.full_like(x[:, :1], float(value)))
    return OutputTransform(lambda x, raw: g(x) + distance(x) * raw, "dirichlet")


def initial_boundary(initial: Field, distance: Field | None = None, *, t_column: int = -1,
                     t0: float = 0.0) -> OutputTransform:
    """u = u₀(x) + (t − t₀)·d(x)·N(x, t): u(·, t₀) = u₀ exactly and, where d = 0, u keeps the
    boundary values of u₀ for all t. `initial` receives the whole input (it should not depend
    on t); `distance` (optional) vanishes on the Dirichlet boundary."""
    def fn(x, raw):
        ramp = _column(x, t_column) - t0
        if distance is not None:
            ramp = ramp * distance(x)
        return initial(x) + ramp * raw

    return OutputTransform(fn, "initial_boundary")


def bounded(lo: float, hi: float) -> OutputTransform:
    """u = lo + (hi − lo)·sigmoid(N): lo < u < hi."""
    lo, hi = float(lo), float(hi)
    if not hi > lo:
        raise ValueError(f"bounded: hi={hi} must be > lo={lo}")
    return OutputTransform(lambda x, raw: lo + (hi - lo) * torch.sigmoid(raw), "bounded")


def positive() -> OutputTransform:
    """u = softplus(N) > 0."""
    return OutputTransform(lambda x, raw: torch.nn.functional.softplus(raw), "positive")


def pinned_sigmoid(net, point, value, *, column: int = 0) -> OutputTransform:
    """u = sigmoid(N(x) − N(x_p) + logit(v)) from output column `column` of the DeepXDE
    network `net`: 0 < u < 1 everywhere and u(x_p) = v exactly. `point` x_p and `value` v
    are numbers or zero-argument callables returning tensors (a trainable position, a value
    that depends on it); N(x_p) is the raw output (the input transform applied, not the output
    transform)."""

    def fn(x, raw):
        xp = point() if callable(point) else point
        xp = torch.as_tensor(xp).to(dtype=x.dtype, device=x.device).reshape(1, -1)
        v = value() if callable(value) else value
        v = torch.as_tensor(v).to(dtype=x.dtype, device=x.device)
        at = raw_output(net, xp)[:, column:column + 1]
        return torch.sigmoid(raw[:, column:column + 1] - at + torch.logit(v))

    return OutputTransform(fn, "pinned_sigmoid")


def on_top_of(coarse, scale: float = 1.0) -> OutputTransform:
    """Multi-fidelity level: u = u_coarse(x) + `scale`·c, with c what the transform before
    it gives (``initial_boundary(zero, d).then(on_top_of(coarse))`` keeps the coarse level's
    initial and boundary values). The coarser network `coarse` (trained, its own transforms
    included) is frozen: its parameters stop training, but it stays differentiable in x, so
    the PDE residual sees the sum. Levels stack: a level can be the coarse one of the next."""
    for p in coarse.parameters():
        p.requires_grad_(False)
    scale = float(scale)
    return OutputTransform(lambda x, raw: coarse(x) + scale * raw, "on_top_of")
