"""Parameters of the active-fluid kinetic and moment models (dimensionless)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch


def _value(x) -> float:
    return float(x.detach()) if isinstance(x, torch.Tensor) else float(x)


@dataclass(frozen=True)
class ActiveFluidParams:
    """Saintillan–Shelley active suspension of immotile extensors in a periodic box.

    - `alpha`: active dipole stress strength (< 0 extensile, the turbulent case).
    - `beta`: constraint-stress coefficient, ≥ 0.
    - `zeta`: steric alignment strength, ≥ 0 (ordering above 4 d_R).
    - `dT`, `dR`: translational and rotational diffusivities, ≥ 0.
    - `L`: side of the periodic box, > 0.

    `alpha` (and the others) may be a scalar torch tensor, e.g. one with ``requires_grad`` to
    estimate it through the differentiable solver.
    """

    alpha: float = -1.0
    beta: float = 0.8
    zeta: float = 0.0
    dT: float = 0.05
    dR: float = 0.05
    L: float = 10.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        for name in ("alpha", "beta", "zeta", "dT", "dR", "L"):
            v = _value(getattr(self, name))
            if not math.isfinite(v):
                raise ValueError(f"{name}={v!r} must be finite")
        for name in ("beta", "zeta", "dT", "dR"):
            if _value(getattr(self, name)) < 0:
                raise ValueError(f"{name}={_value(getattr(self, name))!r} is outside the valid "
                                 "range [0, inf)")
        if _value(self.L) <= 0:
            raise ValueError(f"L={_value(self.L)!r} is outside the valid range (0, inf)")

    def replace(self, **changes) -> ActiveFluidParams:
        return replace(self, **changes)

    def max_stable_dt(self) -> float:
        """The largest time step the explicit terms allow: dt · σ(0) ≤ ½ for the fastest
        linear growth rate σ(0) of the isotropic state (a necessary bound; advection adds its
        own, checked during a run)."""
        rate = self.shear_growth_rate(0.0) + 4 * _value(self.dR)
        return math.inf if rate <= 0 else 0.5 / rate

    def check_dt(self, dt: float) -> None:
        """Raise ValueError if `dt` exceeds :meth:`max_stable_dt`."""
        if dt > self.max_stable_dt():
            raise ValueError(f"dt={dt!r} is unstable for these parameters: the explicit "
                             f"growth needs dt <= {self.max_stable_dt():.3g}")

    def shear_growth_rate(self, k: float) -> float:
        """Linear growth rate of a shear perturbation of wavenumber k about the isotropic state:
        σ(k) = ζ − 4 d_R − d_T k² + (ζβ/2 − α)/(4 + β/2) (|α| for the extensile α < 0), the
        same for the kinetic and the moment model (the closure enters only at second order)."""
        a, b, z = _value(self.alpha), _value(self.beta), _value(self.zeta)
        return z - 4 * _value(self.dR) - _value(self.dT) * k ** 2 + (-a + z * b / 2) / (4 + b / 2)
