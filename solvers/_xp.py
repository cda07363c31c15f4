"""Array-namespace dispatch, so physics written once serves NumPy solvers and torch learners."""

from __future__ import annotations

import types

import numpy as np


def namespace(*arrays) -> types.ModuleType:
    """Return ``torch`` if any argument is a torch tensor, else ``numpy``.

    Only the functions common to both (``exp``, ``log``, ``sqrt``, ``clip``, ``where``, ...) may be
    used through the returned module. torch is imported only when a tensor is present.
    """
    for a in arrays:
        if type(a).__module__.startswith("torch"):
            import torch

            return torch
    return np
