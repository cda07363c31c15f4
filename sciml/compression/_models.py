"""The frame-prediction CNN: an encoder–decoder over k past frames and the wave speed."""

from __future__ import annotations

import torch
from torch import nn

_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}


class FrameCNN(nn.Module):
    """Predict the next frame of a wave field from `frames` past frames and the wave speed.

    Input (batch, frames + 1, *grid): the past frames, oldest first, then the speed map;
    output (batch, 1, *grid): the next frame, as the last frame plus a learned increment.
    An encoder of `levels` stride-2 stages doubling the channels from `width`, a decoder of
    nearest-neighbour upsampling and convolutions with skip connections, GELU activations;
    every convolution has `kernel_size` taps per axis (compress them with `compress`).
    `dim` = 1, 2 or 3 spatial dimensions; each grid size must be divisible by 2**levels.
    """

    def __init__(self, frames: int = 4, width: int = 32, levels: int = 2,
                 kernel_size: int = 3, dim: int = 2):
        super().__init__()
        if dim not in _CONV:
            raise ValueError(f"dim={dim!r} must be 1, 2 or 3")
        for name, v, lo in (("frames", frames, 1), ("width", width, 1), ("levels", levels, 0)):
            if not (isinstance(v, int) and v >= lo):
                raise ValueError(f"{name}={v!r} must be an integer >= {lo}")
        if not (isinstance(kernel_size, int) and kernel_size % 2 == 1):
            raise ValueError(f"kernel_size={kernel_size!r} must be an odd integer")
        conv, p = _CONV[dim], kernel_size // 2
        self.frames, self.levels, self.dim = frames, levels, dim
        act = nn.GELU

        def block(cin, cout, stride=1):
            return nn.Sequential(conv(cin, cout, kernel_size, stride=stride, padding=p), act(),
                                 conv(cout, cout, kernel_size, padding=p), act())

        ch = [width * 2 ** i for i in range(levels + 1)]
        self.stem = block(frames + 1, ch[0])
        self.down = nn.ModuleList([block(ch[i], ch[i + 1], stride=2) for i in range(levels)])
        self.up = nn.ModuleList([conv(ch[i + 1], ch[i], kernel_size, padding=p)
                                 for i in reversed(range(levels))])
        self.merge = nn.ModuleList([block(2 * ch[i], ch[i]) for i in reversed(range(levels))])
        self.head = conv(ch[0], 1, 1)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] != self.frames + 1:
            raise ValueError(f"input has {x.shape[1]} channels; expected frames + 1 = "
                             f"{self.frames + 1}")
        h = self.stem(x)
        skips = []
        for down in self.down:
            skips.append(h)
            h = down(h)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips), strict=True):
            h = merge(torch.cat([up(self.upsample(h)), skip], dim=1))
        return x[:, self.frames - 1: self.frames] + self.head(h)
