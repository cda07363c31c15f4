"""What the numba.cuda kernels of the solvers share: availability, launch sizes, the error."""

from __future__ import annotations

import math

import numpy as np
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


def add_scalar_ufuncs() -> None:
    """Let CUDA kernels call ``np.exp`` and ``np.sqrt`` on scalars, as the CPU target does.

    numba's CUDA target types these two ufuncs on scalars but has no loop to lower them (its
    ufunc table has ``np.log``, ``np.tanh``, ``np.sinh``… but not these: a KeyError when the
    GPU compiler runs, which the simulator never reaches). Functions shared by CPU and GPU
    kernels, such as the battery material functions, use them; this adds the two loops,
    lowered to the same libdevice functions as ``math.exp`` and ``math.sqrt``. Nothing
    happens in the simulator or where numba's table already has them."""
    try:
        from numba.cuda import ufuncs
        from numba.cuda.mathimpl import get_unary_impl_for_fn_and_ty
    except ImportError:  # the CUDA simulator
        return
    table = ufuncs.ufunc_db()
    for ufunc, scalar in ((np.exp, math.exp), (np.sqrt, math.sqrt)):
        if ufunc in table:
            continue

        def loop(context, builder, sig, args, scalar=scalar):
            return get_unary_impl_for_fn_and_ty(scalar, sig.args[0])(context, builder, sig,
                                                                      args)

        table[ufunc] = {"f->f": loop, "d->d": loop}
