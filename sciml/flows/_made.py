"""MADE (Germain et al. 2015): an MLP whose masked weights make output block i depend only on
input blocks j < i, the building block of the autoregressive wavefunctions here."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class _MaskedLinear(nn.Linear):
    def __init__(self, n_in: int, n_out: int, mask: np.ndarray):
        super().__init__(n_in, n_out, dtype=torch.float64)
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.float64))

    def forward(self, x):
        return nn.functional.linear(x, self.weight * self.mask, self.bias)


def made(in_sizes: list[int], out_sizes: list[int], hidden: int, depth: int,
         rng: np.random.Generator, out_scale: float = 0.1) -> nn.Sequential:
    """A float64 MADE: variable i has `in_sizes[i]` input units and `out_sizes[i]` output
    units, and its outputs see the inputs of variables 0 … i − 1 only (tanh hidden layers;
    the last layer's weights scaled by `out_scale`)."""
    D = len(in_sizes)
    deg_in = np.repeat(np.arange(1, D + 1), in_sizes)
    deg_out = np.repeat(np.arange(1, D + 1), out_sizes)
    layers: list[nn.Module] = []
    prev = deg_in
    for _ in range(depth):
        deg = rng.integers(1, max(D, 2), size=hidden)  # hidden degrees in 1 … D − 1
        layers += [_MaskedLinear(len(prev), hidden, deg[:, None] >= prev[None, :]), nn.Tanh()]
        prev = deg
    out = _MaskedLinear(len(prev), len(deg_out), deg_out[:, None] > prev[None, :])
    with torch.no_grad():
        out.weight.mul_(out_scale)
    return nn.Sequential(*layers, out)
