"""What the numba.cuda kernels of the solvers share: availability, launch sizes, the error."""

from __future__ import annotations

import math

from numba import cuda

THREADS = 128


def available() -> bool:
    """Whether numba can launch CUDA kernels here (a GPU, or the simulator)."""
    try:
        return bool(cuda.is_available())
    except Exception:  # no driver at all
        return False


def require() -> None:
    """Raise a clear error where no CUDA device can be used."""
    if not available():
        raise RuntimeError("backend 'cuda' needs a CUDA GPU that numba can use "
                           "(numba.cuda.is_available() is False); use 'numba' or 'numpy'")


def blocks(n: int) -> int:
    """Blocks of `THREADS` threads covering n items."""
    return max(math.ceil(n / THREADS), 1)
