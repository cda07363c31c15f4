"""The three operators at matched size, as the case script and the validation table use them."""

from __future__ import annotations

from torch import nn

from ._baselines import UNet, fno
from ._mgno import MgNO

# ~0.36-0.37 M parameters on 2D grids (MgNO 359 k, FNO 357 k, U-Net 369 k) and ~0.13 M on 1D
# (MgNO 135 k, FNO 131 k, U-Net 129 k). MgNO at width 24 is the authors' Darcy model, 0.57 M.
MATCHED = {
    2: {"mgno": {"width": 19, "depth": 4, "levels": 6},
        "fno": {"modes": 12, "width": 32, "depth": 4},
        "unet": {"width": 14, "levels": 4}},
    1: {"mgno": {"width": 21, "depth": 4, "levels": 6, "padding": "circular"},
        "fno": {"modes": 16, "width": 52, "depth": 4},
        "unet": {"width": 14, "levels": 4}},
}
_MAKERS = {"mgno": MgNO, "fno": fno, "unet": UNet}


def build_operator(kind: str, *, dim: int = 2, **overrides) -> nn.Module:
    """MgNO, FNO or U-Net (`kind`) on `dim`-dimensional grids with the matched settings of
    `MATCHED`, any of them replaced by `overrides` (e.g. ``width=12``)."""
    if kind not in _MAKERS:
        raise ValueError(f"kind={kind!r} must be one of {tuple(_MAKERS)}")
    if dim not in MATCHED:
        raise ValueError(f"dim={dim!r} must be 1 or 2")
    return _MAKERS[kind](**{**MATCHED[dim][kind], **overrides}, dim=dim)
