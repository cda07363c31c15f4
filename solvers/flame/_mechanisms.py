"""Cantera phases for the flame cases, built in code from the spec's data.

Cantera is used here as a property database (and, in validation, as the reference solver);
the project's solvers evaluate the properties with their own vectorised code.
"""

from __future__ import annotations

import functools

import cantera as ct
import numpy as np

from ._params import PremixedFlameParams, SimpleFlameParams

_CASE1_TEMPLATE = """
units: {{length: m, time: s, quantity: kmol, activation-energy: J/kmol, energy: J}}
elements: [{{symbol: Fu, atomic-weight: {W}}}, {{symbol: Ix, atomic-weight: {W}}}]
phases:
- {{name: case1, thermo: ideal-gas, elements: [Fu, Ix], species: [F, P, N],
   kinetics: gas, reactions: all, transport: unity-Lewis-number,
   state: {{T: {T}, P: {P}}}}}
species:
- name: F
  composition: {{Fu: 1}}
  thermo: {{model: constant-cp, T0: 298.0, h0: {h0_F}, s0: 2.0e+05, cp0: {cp0},
            T-min: 200.0, T-max: 20000.0}}
  transport: {{model: gas, geometry: atom, diameter: 3.6, well-depth: 100.0}}
- name: P
  composition: {{Fu: 1}}
  thermo: {{model: constant-cp, T0: 298.0, h0: 0.0, s0: 2.0e+05, cp0: {cp0},
            T-min: 200.0, T-max: 20000.0}}
  transport: {{model: gas, geometry: atom, diameter: 3.6, well-depth: 100.0}}
- name: N
  composition: {{Ix: 1}}
  thermo: {{model: constant-cp, T0: 298.0, h0: 0.0, s0: 2.0e+05, cp0: {cp0},
            T-min: 200.0, T-max: 20000.0}}
  transport: {{model: gas, geometry: atom, diameter: 3.6, well-depth: 100.0}}
reactions:
- equation: F => P
  rate-constant: {{A: {A}, b: 0.0, Ea: {Ea}}}
  orders: {{F: {n}}}
"""


def case1_solution(params: SimpleFlameParams) -> ct.Solution:
    """Cantera phase with the same physics as Case 1 (species F, P, N of equal molar mass).

    Cantera works in kmol; the rate constant becomes ``A W^(n-1)`` with W in kg/kmol, and the
    activation energy is rescaled so that ``E_a / R`` is the same with Cantera's gas constant.
    Cantera's conductivity is ``sqrt(T) P4(ln T)``; P4 is fitted so that λ stays at
    ``params.conductivity`` between 0.9 T_in and 1.1 T_ad (relative deviation ~1e-4).
    """
    W = params.molar_mass * 1e3  # kg/kmol
    Ea = params.activation_energy * 1e3 * ct.gas_constant / (params.gas_constant * 1e3)
    text = _CASE1_TEMPLATE.format(
        W=W,
        T=params.T_in,
        P=params.pressure,
        h0_F=params.heat_release * W,
        cp0=params.cp * W,
        A=params.pre_exponential * W ** (params.reaction_order - 1.0),
        Ea=Ea,
        n=params.reaction_order,
    )
    gas = ct.Solution(yaml=text)
    lnT = np.linspace(np.log(0.9 * params.T_in), np.log(1.1 * params.T_ad), 400)
    target = params.conductivity / np.exp(0.5 * lnT)
    coeffs = np.polynomial.polynomial.polyfit(lnT, target, 4, w=1.0 / target)
    for k in range(gas.n_species):
        gas.set_thermal_conductivity_polynomial(k, coeffs)
    F = params.Y_F_in
    gas.TPY = params.T_in, params.pressure, {"F": F, "N": 1.0 - F}
    return gas


CH4_SPECIES = ("CH4", "O2", "CO2", "H2O", "N2")

_CH4_REACTION = """
equation: CH4 + 2 O2 => CO2 + 2 H2O
rate-constant: {A: %r, b: 0.0, Ea: 8.368e7}
orders: {CH4: 1.0, O2: 0.5}
"""


@functools.cache
def _gri30_species(names: tuple[str, ...]) -> list:
    """Species objects (NASA7 and transport data) from Cantera's bundled GRI-3.0, read once."""
    gri = ct.Solution("gri30.yaml")
    return [gri.species(name) for name in names]


def ch4_one_step_solution(transport: str = "mixture-averaged") -> ct.Solution:
    """The ``1S_CH4_MP1`` one-step methane mechanism on GRI-3.0 species data.

    CH4 + 2 O2 => CO2 + 2 H2O with ``A = 1.1e10 (cm³/mol)^0.5/s``, ``E_a = 2.0e4 cal/mol``,
    orders CH4: 1, O2: 0.5; NASA7 thermodynamics and transport data of the five species are
    Cantera's bundled ``gri30.yaml``.
    """
    species = _gri30_species(CH4_SPECIES)
    A = 1.1e10 * (1e-3) ** 0.5  # (m³/kmol)^0.5 / s
    gas = ct.Solution(thermo="ideal-gas", kinetics="gas", transport_model=transport,
                      species=species, reactions=[])
    gas.add_reaction(ct.Reaction.from_yaml(_CH4_REACTION % A, gas))
    return gas


def unburnt_ch4_gas(params: PremixedFlameParams, transport: str = "mixture-averaged"
                    ) -> ct.Solution:
    """`ch4_one_step_solution` set to the unburnt state of `params`."""
    gas = ch4_one_step_solution(transport)
    gas.TPX = params.T_in, params.pressure, params.composition
    return gas
