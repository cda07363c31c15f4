"""DeepXDE on its PyTorch backend: import, floating-point precision, device and seed."""

from __future__ import annotations

import os
import sys

import torch


def deepxde():
    """Import DeepXDE with the PyTorch backend (``DDE_BACKEND=pytorch`` is set first)."""
    if "deepxde" not in sys.modules:
        os.environ["DDE_BACKEND"] = "pytorch"
    import deepxde as dde

    if dde.backend.backend_name != "pytorch":
        raise RuntimeError(
            f"deepxde was imported with the {dde.backend.backend_name!r} backend; sciml needs "
            "'pytorch': set DDE_BACKEND=pytorch before importing deepxde"
        )
    return dde


def configure(*, dtype: str = "float64", device: str | torch.device = "cpu", seed: int = 0):
    """Set DeepXDE's float type, the torch device new tensors live on, and all seeds.

    DeepXDE moves every new tensor to CUDA when a GPU exists; this puts them on `device`
    instead, so ``device="cpu"`` really runs on the CPU. Returns the ``torch.device``.
    """
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype={dtype!r} is not one of ('float32', 'float64')")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} but no CUDA device is available")
    dde = deepxde()
    dde.config.set_default_float(dtype)
    torch.set_default_device(dev)
    torch.set_default_dtype(getattr(torch, dtype))
    dde.config.set_random_seed(seed)  # also seeds NumPy's and torch's generators
    return dev
