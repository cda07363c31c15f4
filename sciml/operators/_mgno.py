"""MgNO: neural-operator layers whose linear part is a multigrid V-cycle (He, Liu & Xu, ICLR
2024).

A layer is u ← σ(MgConv(u) + W u + b) with W a 1×1 convolution. MgConv is one V-cycle of
learned operators on a hierarchy of grids, each a factor 2 coarser, as in the authors' Darcy
model: on the finest level u = S(f); going down, the right-hand side and the iterate are both
restricted, f ← R f and u ← Π u (stride-2 3×3 convolutions), and smoothed, u ← u + S(f − A u);
going up, u_ℓ ← u_ℓ + P(u_{ℓ+1}) with P a stride-2 4×4 transposed convolution. A, S are 3×3
convolutions without bias, each smoothing step with its own. Boundary conditions enter through
the padding of the convolutions: zeros (Dirichlet), circular (periodic) or reflect
(Neumann-like).

The stencils are learned in units of the training grid's spacing, so a model applies to any
grid size but represents the operator it learned only on grids of the training spacing: for
another resolution, evaluate it on the training grid (`sciml.operators.evaluate` with
``grid=``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

PADDINGS = ("zeros", "circular", "reflect")


def _conv(c_in, c_out, padding, stride=1, dim=2):
    cls = nn.Conv2d if dim == 2 else nn.Conv1d
    return cls(c_in, c_out, 3, stride=stride, padding=1, padding_mode=padding, bias=False)


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name}={value!r} must be one of {choices}")


class _Prolongation(nn.Module):
    """A stride-2 transposed 4×4 convolution that pads its input the way the grid's boundary
    condition says (circular for periodic grids, so that it commutes with shifts) instead of
    the zero padding built into ``ConvTranspose``."""

    def __init__(self, channels, padding, dim):
        super().__init__()
        tconv = nn.ConvTranspose2d if dim == 2 else nn.ConvTranspose1d
        self.conv = tconv(channels, channels, 4, stride=2, bias=False)
        self.mode = "constant" if padding == "zeros" else padding

    def forward(self, u: torch.Tensor, size) -> torch.Tensor:
        u = nn.functional.pad(u, (1, 1) * (u.ndim - 2), mode=self.mode)
        # with one padded cell each side, fine node j sits at output index j + 3
        v = self.conv(u)
        return v[(..., *(slice(3, 3 + n) for n in size))]


class MgConv(nn.Module):
    """One learned V-cycle mapping `in_channels` (f) to `out_channels` (u) on 1D or 2D grids.

    `levels` grids (each a factor 2 coarser), `smoothing[ℓ]` smoothing steps on level ℓ
    (default 1, and 2 on the coarsest; on the finest level the first step is u = S(f)).
    Grids must allow ``levels − 1`` halvings (odd sizes round up).
    """

    def __init__(self, in_channels: int, out_channels: int, *, levels: int = 6,
                 smoothing: Sequence[int] | None = None, padding: str = "zeros", dim: int = 2):
        super().__init__()
        for name, v in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("levels", levels)):
            if not (isinstance(v, int) and v >= 1):
                raise ValueError(f"{name}={v!r} must be an integer >= 1")
        _check_choice("padding", padding, PADDINGS)
        _check_choice("dim", dim, (1, 2))
        smoothing = list(smoothing) if smoothing is not None else [1] * (levels - 1) + [2]
        if len(smoothing) != levels or any(not isinstance(s, int) or s < 1 for s in smoothing):
            raise ValueError(f"smoothing={smoothing!r} must hold {levels} integers >= 1")
        self.levels, self.smoothing, self.dim = levels, smoothing, dim
        cf, cu = in_channels, out_channels
        self.S = nn.ModuleList(
            nn.ModuleList(_conv(cf, cu, padding, dim=dim) for _ in range(s)) for s in smoothing)
        # one A per smoothing step u += S(f - A u): all but the first step on the finest level
        self.A = nn.ModuleList(
            nn.ModuleList(_conv(cu, cf, padding, dim=dim) for _ in range(s - (level == 0)))
            for level, s in enumerate(smoothing))
        self.R = nn.ModuleList(_conv(cf, cf, padding, stride=2, dim=dim)
                               for _ in range(levels - 1))
        self.Pi = nn.ModuleList(_conv(cu, cu, padding, stride=2, dim=dim)
                                for _ in range(levels - 1))
        self.P = nn.ModuleList(_Prolongation(cu, padding, dim) for _ in range(levels - 1))

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        us = []
        for level in range(self.levels):
            steps = list(self.S[level])
            if level == 0:
                u = steps.pop(0)(f)
            else:
                f, u = self.R[level - 1](f), self.Pi[level - 1](u)
            for S, A in zip(steps, self.A[level], strict=True):
                u = u + S(f - A(u))
            us.append(u)
        for level in range(self.levels - 2, -1, -1):
            fine = us[level]
            u = fine + self.P[level](u, fine.shape[2:])
        return u


class MgNO(nn.Module):
    """The MgNO operator: `depth` layers u ← GELU(MgConv(u) + W u + b) of `width` channels, from
    `in_channels` input functions, and a 1×1 convolution to `out_channels`.

    Input ``(batch, in_channels, *grid)`` with grid of 1 or 2 dimensions (`dim`).
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, *, width: int = 32,
                 depth: int = 4, levels: int = 6, smoothing: Sequence[int] | None = None,
                 padding: str = "zeros", dim: int = 2):
        super().__init__()
        if not (isinstance(width, int) and width >= 1):
            raise ValueError(f"width={width!r} must be an integer >= 1")
        if not (isinstance(depth, int) and depth >= 1):
            raise ValueError(f"depth={depth!r} must be an integer >= 1")
        conv1 = nn.Conv2d if dim == 2 else nn.Conv1d
        chans = [in_channels] + [width] * depth
        self.mg = nn.ModuleList(
            MgConv(c_in, c_out, levels=levels, smoothing=smoothing, padding=padding, dim=dim)
            for c_in, c_out in zip(chans[:-1], chans[1:], strict=True))
        self.skip = nn.ModuleList(conv1(c_in, c_out, 1)
                                  for c_in, c_out in zip(chans[:-1], chans[1:], strict=True))
        self.out = conv1(width, out_channels, 1)
        self.config = {"in_channels": in_channels, "out_channels": out_channels, "width": width,
                       "depth": depth, "levels": levels, "smoothing": smoothing,
                       "padding": padding, "dim": dim}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for mg, skip in zip(self.mg, self.skip, strict=True):
            x = nn.functional.gelu(mg(x) + skip(x))
        return self.out(x)
