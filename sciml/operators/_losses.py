"""Per-sample relative errors of fields on uniform grids of the unit interval or square."""

from __future__ import annotations

import math

import torch


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.reshape(x.shape[0], -1)


def relative_l2(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """‖pred − target‖₂ / ‖target‖₂ of each sample (first dimension), shape ``(batch,)``."""
    return (torch.linalg.vector_norm(_flat(pred - target), dim=1)
            / torch.linalg.vector_norm(_flat(target), dim=1))


def _h1_weights(shape, device, dtype) -> torch.Tensor:
    """1 + 4π²|k|² on the FFT frequencies of a grid of `shape` covering a unit period."""
    w = torch.ones((), device=device, dtype=dtype)
    for i, n in enumerate(shape):
        k = torch.fft.fftfreq(n, d=1.0 / n, device=device).to(dtype)
        view = [1] * len(shape)
        view[i] = n
        w = w + (4 * math.pi ** 2) * (k ** 2).reshape(view)
    return w


def relative_h1(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Relative H¹ error of each sample, the norm computed spectrally (Σ (1 + 4π²|k|²)|û_k|²
    over the grid dimensions, i.e. all after batch and channel), shape ``(batch,)``."""
    dims = tuple(range(2, pred.ndim))
    w = _h1_weights(pred.shape[2:], pred.device, pred.real.dtype)

    def norm2(x):
        xh = torch.fft.fftn(x, dim=dims, norm="forward")
        return _flat(w * (xh.real ** 2 + xh.imag ** 2)).sum(1)

    return torch.sqrt(norm2(pred - target) / norm2(target))
