"""The result of a flame solve."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr


@dataclass(frozen=True)
class FlameSolution:
    """A converged 1D flame on its final grid.

    **Arguments**

    - `case`: ``"simple"``, ``"ch4"`` or ``"counterflow"``; `mode`: how the flame is pinned.
    - `x`: grid [m]; `T`: temperature [K]; `u`: axial velocity [m/s]; `rho`: density [kg/m³].
    - `Y`: mass fractions, shape ``(K, N)``, of the species `species`.
    - `flame_speed`: laminar flame speed s_L [m/s] (freely propagating cases, else ``None``).
    - `strain_eigenvalue`: radial pressure curvature Λ [Pa/m²] (counterflow, else ``None``).
    - `V`: radial velocity gradient v/r [1/s] (counterflow, else ``None``).
    - `newton_iterations`: Newton iterations over all refinement levels; `refinements`: levels.
    - `residual`: max-norm residual of the final Newton iterate.
    - `levels`: ``(grid points, eigenvalue)`` on the adaptive grid and on each bisection of it:
      the data of the convergence study behind ``attrs["observed_order"]``.
    """

    case: str
    mode: str
    x: np.ndarray
    T: np.ndarray
    u: np.ndarray
    rho: np.ndarray
    Y: np.ndarray
    species: tuple[str, ...]
    flame_speed: float | None = None
    strain_eigenvalue: float | None = None
    V: np.ndarray | None = None
    newton_iterations: int = 0
    refinements: int = 0
    residual: float = float("nan")
    levels: tuple[tuple[int, float], ...] = ()
    attrs: dict = field(default_factory=dict)

    @property
    def grid_points(self) -> int:
        return int(self.x.size)

    @property
    def T_max(self) -> float:
        return float(np.max(self.T))

    def to_xarray(self) -> xr.Dataset:
        """The fields on coordinate ``x_m``, with units and the eigenvalue in ``attrs``."""
        coords = {"x_m": ("x_m", self.x, {"units": "m", "long_name": "axial position"})}
        data = {
            "T": ("x_m", self.T, {"units": "K", "long_name": "temperature"}),
            "u": ("x_m", self.u, {"units": "m/s", "long_name": "axial velocity"}),
            "rho": ("x_m", self.rho, {"units": "kg/m^3", "long_name": "density"}),
        }
        for name, y in zip(self.species, self.Y, strict=True):
            data[f"Y_{name}"] = ("x_m", y, {"units": "1", "long_name": f"mass fraction of {name}"})
        if self.V is not None:
            data["V"] = ("x_m", self.V, {"units": "1/s", "long_name": "radial velocity v/r"})
        attrs = {"case": self.case, "mode": self.mode, "newton_iterations": self.newton_iterations}
        if self.flame_speed is not None:
            attrs["flame_speed_m_s"] = self.flame_speed
        if self.strain_eigenvalue is not None:
            attrs["strain_eigenvalue_Pa_m2"] = self.strain_eigenvalue
        attrs.update(self.attrs)
        return xr.Dataset(data, coords=coords, attrs=attrs)
