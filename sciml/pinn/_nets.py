"""Helpers on DeepXDE networks shared by the PINNs."""

from __future__ import annotations

import torch


def raw_output(net, x: torch.Tensor) -> torch.Tensor:
    """The network's output without its output transform (its input transform applied), e.g.
    to read N at a pinning point inside the output transform itself."""
    h = x if net._input_transform is None else net._input_transform(x)
    for j, layer in enumerate(net.linears):
        h = layer(h)
        if j < len(net.linears) - 1:
            h = net.activation(h)
    return h
