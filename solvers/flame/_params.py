"""Operating conditions and physical constants of the 1D flame cases."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

ONE_ATM = 101325.0  # Pa


def _check(name: str, value: float, lo: float, hi: float, *, lo_open: bool = True) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``lo < value <= hi`` (or ``lo <= value``)."""
    ok = isinstance(value, (int, float)) and math.isfinite(value)
    if ok:
        ok = (value > lo if lo_open else value >= lo) and value <= hi
    if not ok:
        bracket = "(" if lo_open else "["
        raise ValueError(f"{name}={value!r} is outside the valid range {bracket}{lo:g}, {hi:g}]")


@dataclass(frozen=True)
class SimpleFlameParams:
    """Case 1: a freely propagating premixed flame with simplified physics.

    One fuel species, a single irreversible step ``ω = A exp(-E_a / R T) (ρ Y_F)^n``, constant
    ``c_p`` and ``λ``, equal molar masses and unity Lewis number, so that
    ``Y_F = Y_F,in + c_p (T_in - T) / q_F`` and the energy equation is the only ODE.

    **Arguments**

    - `phi`: equivalence ratio [-]; ``Y_F,in = φ / (φ + 4)``.
    - `T_in`: inlet (unburnt) temperature [K].
    - `pressure`: thermodynamic pressure [Pa].
    - `conductivity`: thermal conductivity λ [W/m/K].
    - `cp`: specific heat capacity [J/kg/K].
    - `heat_release`: fuel calorific value q_F [J/kg].
    - `molar_mass`: molar mass W of every species [kg/mol].
    - `pre_exponential`: A [SI: (kg/m³)^(1-n)/s].
    - `activation_energy`: E_a [J/mol].
    - `reaction_order`: n, the order in ρ Y_F [-].
    - `gas_constant`: R [J/mol/K].
    """

    phi: float = 0.42
    T_in: float = 298.0
    pressure: float = ONE_ATM
    conductivity: float = 0.026
    cp: float = 1000.0
    heat_release: float = 5.0e7
    molar_mass: float = 28.97e-3
    pre_exponential: float = 1.4e8
    activation_energy: float = 1.214172e5
    reaction_order: float = 1.6
    gas_constant: float = 8.3145

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field outside its valid range."""
        _check("phi", self.phi, 0.0, 10.0)
        _check("T_in", self.T_in, 0.0, 3000.0)
        _check("pressure", self.pressure, 0.0, 1e8)
        for f in fields(self)[3:]:
            _check(f.name, getattr(self, f.name), 0.0, math.inf)

    @property
    def Y_F_in(self) -> float:
        """Inlet fuel mass fraction [-]."""
        return self.phi / (self.phi + 4.0)

    @property
    def rho_in(self) -> float:
        """Inlet density [kg/m³]."""
        return self.pressure * self.molar_mass / (self.gas_constant * self.T_in)

    @property
    def T_ad(self) -> float:
        """Adiabatic flame temperature T_max = T_in + q_F Y_F,in / c_p [K]."""
        return self.T_in + self.heat_release * self.Y_F_in / self.cp


@dataclass(frozen=True)
class PremixedFlameParams:
    """Cases 2 and 3: a CH4/air premixed flame with the one-step ``1S_CH4_MP1`` chemistry.

    **Arguments**

    - `phi`: equivalence ratio of the CH4/air mixture [-].
    - `T_in`: unburnt temperature [K].
    - `pressure`: thermodynamic pressure [Pa].
    """

    phi: float = 1.0
    T_in: float = 300.0
    pressure: float = ONE_ATM

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field outside its valid range."""
        _check("phi", self.phi, 0.0, 10.0)
        _check("T_in", self.T_in, 0.0, 3000.0)
        _check("pressure", self.pressure, 0.0, 1e8)

    @property
    def composition(self) -> dict[str, float]:
        """Unburnt mole fractions (air is O2 + 3.76 N2) as a Cantera composition mapping."""
        return {"CH4": self.phi, "O2": 2.0, "N2": 7.52}


@dataclass(frozen=True)
class CounterflowParams:
    """Case 3: a premixed CH4/air jet against an N2 jet (axisymmetric counterflow).

    **Arguments**

    - `flame`: the premixed mixture issued at ``x = 0`` (see `PremixedFlameParams`).
    - `width`: separation of the two nozzles [m].
    - `mdot_reactants`: mass flux of the premixed jet at ``x = 0`` [kg/m²/s].
    - `mdot_products`: mass flux of the N2 jet at ``x = width`` [kg/m²/s] (flowing towards ``-x``).
    - `T_opposed`: temperature of the N2 jet [K].
    """

    flame: PremixedFlameParams = PremixedFlameParams()
    width: float = 0.02
    mdot_reactants: float = 1.0
    mdot_products: float = 1.0
    T_opposed: float = 300.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field outside its valid range."""
        self.flame.validate()
        _check("width", self.width, 0.0, 1.0)
        _check("mdot_reactants", self.mdot_reactants, 0.0, 100.0)
        _check("mdot_products", self.mdot_products, 0.0, 100.0)
        _check("T_opposed", self.T_opposed, 0.0, 3000.0)
