"""Baselines on the same data and metric as MgNO: FNO from the `neuraloperator` library (the
field's reference implementation) and a U-Net."""

from __future__ import annotations

import torch
from torch import nn


def fno(in_channels: int = 1, out_channels: int = 1, *, modes: int = 12, width: int = 32,
        depth: int = 4, dim: int = 2) -> nn.Module:
    """``neuralop.models.FNO`` with `modes` Fourier modes per dimension, `width` channels and
    `depth` spectral layers (a grid positional embedding, as the library's default)."""
    try:
        from neuralop.models import FNO
    except ImportError:
        raise ValueError("model 'fno' needs the neuraloperator package: "
                         "pip install -e '.[validate]'") from None
    for name, v in (("modes", modes), ("width", width), ("depth", depth)):
        if not (isinstance(v, int) and v >= 1):
            raise ValueError(f"{name}={v!r} must be an integer >= 1")
    m = FNO(n_modes=(modes,) * dim, in_channels=in_channels, out_channels=out_channels,
            hidden_channels=width, n_layers=depth)
    m.config = {"modes": modes, "width": width, "depth": depth, "dim": dim}
    return m


def _block(c_in, c_out, conv):
    # No normalisation layers: a per-sample norm would discard the amplitude of the input
    # field, and batch norm would make a step depend on how a batch is split over processes.
    return nn.Sequential(conv(c_in, c_out, 3, padding=1), nn.GELU(),
                         conv(c_out, c_out, 3, padding=1), nn.GELU())


class UNet(nn.Module):
    """A U-Net with `levels` resolutions (channels width·2^ℓ), max-pool down, transposed
    convolution up, skip connections; 1D or 2D (`dim`). Odd sizes are handled by cropping."""

    def __init__(self, in_channels: int = 1, out_channels: int = 1, *, width: int = 16,
                 levels: int = 4, dim: int = 2):
        super().__init__()
        for name, v in (("width", width), ("levels", levels)):
            if not (isinstance(v, int) and v >= 1):
                raise ValueError(f"{name}={v!r} must be an integer >= 1")
        conv = nn.Conv2d if dim == 2 else nn.Conv1d
        tconv = nn.ConvTranspose2d if dim == 2 else nn.ConvTranspose1d
        self.pool = nn.MaxPool2d(2, ceil_mode=True) if dim == 2 else nn.MaxPool1d(
            2, ceil_mode=True)
        ch = [width * 2 ** i for i in range(levels)]
        self.down = nn.ModuleList(_block(c_in, c, conv)
                                  for c_in, c in zip([in_channels] + ch[:-1], ch, strict=True))
        self.up = nn.ModuleList(tconv(ch[i + 1], ch[i], 2, stride=2) for i in range(levels - 1))
        self.merge = nn.ModuleList(_block(2 * ch[i], ch[i], conv)
                                   for i in range(levels - 1))
        self.out = conv(width, out_channels, 1)
        self.config = {"width": width, "levels": levels, "dim": dim}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.down):
            if i:
                x = self.pool(x)
            x = block(x)
            skips.append(x)
        for i in range(len(self.up) - 1, -1, -1):
            skip = skips[i]
            x = self.up[i](x)
            x = x[(..., *(slice(0, s) for s in skip.shape[2:]))]
            x = self.merge[i](torch.cat([skip, x], dim=1))
        return self.out(x)
