"""Cell parameter sets: frozen dataclasses with units and citations, scalable by name."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from . import _materials as mat

FARADAY = 96485.33212  # C/mol (CODATA 2018, as PyBaMM)
GAS_CONSTANT = 8.314462618  # J/mol/K


@dataclass(frozen=True)
class CellParameters:
    """A Li-ion cell for the SPM and P2D models (SI units; mol, not kmol).

    Subscripts: ``negative`` / ``separator`` / ``positive``. Every float field is a parameter that
    :meth:`scaled` can multiply by name and that sensitivities can be taken with respect to.

    **Geometry and cell**

    - `negative_thickness`, `separator_thickness`, `positive_thickness`: L_n, L_s, L_p [m].
    - `electrode_area`: area of the current collectors [m²]; the current density is I / area.
    - `nominal_capacity`: [A h]; 1C is this many amperes.
    - `lower_cutoff`, `upper_cutoff`: voltage window [V].
    - `temperature`, `reference_temperature`: T and the Arrhenius reference [K].

    **Electrodes** (``negative_*`` and ``positive_*``)

    - `*_radius`: particle radius R [m].
    - `*_active_fraction`: active-material volume fraction ε_s [-]; a = 3 ε_s / R.
    - `*_max_concentration`: c_max [mol/m³].
    - `*_initial_concentration`: c_s at t = 0 [mol/m³].
    - `*_diffusivity`: reference solid diffusivity [m²/s]; D_s is it times
      `*_diffusivity_factor(c/c_max)`.
    - `*_conductivity`: electronic conductivity σ [S/m]; σ_eff = σ (1 − ε_e)^b_s.
    - `*_exchange_current`: the rate constant m in j0 = m g(c_e, c_s, c_max) exp(E_r/R (1/T_ref
      − 1/T)), where g is `*_exchange_current_function` (default c_e^½ c_s^½ (c_max − c_s)^½,
      with m in (A/m²)(m³/mol)^1.5).
    - `*_activation_energy`: of the exchange current [J/mol].
    - `*_porosity`: electrolyte volume fraction ε_e [-] (also `separator_porosity`).
    - `*_ocp`: open-circuit potential U(c_s/c_max) [V], an ``@njit`` function.

    **Electrolyte**

    - `bruggeman`: exponent b of ε_e^b in the effective electrolyte transport [-].
    - `electrode_bruggeman`: exponent b_s of the electronic conductivity [-].
    - `electrolyte_initial_concentration`: c_e0 [mol/m³].
    - `transference_number`: t⁺ [-]; `thermodynamic_factor`: χ [-].
    - `electrolyte_diffusivity`, `electrolyte_conductivity`: D_e(c_e) [m²/s], κ(c_e) [S/m].
    """

    negative_thickness: float
    separator_thickness: float | None
    positive_thickness: float
    electrode_area: float
    nominal_capacity: float
    lower_cutoff: float
    upper_cutoff: float
    temperature: float
    reference_temperature: float
    negative_radius: float
    positive_radius: float
    negative_active_fraction: float
    positive_active_fraction: float
    negative_max_concentration: float
    positive_max_concentration: float
    negative_initial_concentration: float
    positive_initial_concentration: float
    negative_diffusivity: float
    positive_diffusivity: float
    negative_conductivity: float | None
    positive_conductivity: float | None
    negative_exchange_current: float
    positive_exchange_current: float
    negative_activation_energy: float
    positive_activation_energy: float
    negative_porosity: float | None
    separator_porosity: float | None
    positive_porosity: float | None
    bruggeman: float | None
    electrode_bruggeman: float | None
    electrolyte_initial_concentration: float
    transference_number: float | None
    thermodynamic_factor: float | None
    negative_ocp: Callable = mat.graphite_ocp_chen2020
    positive_ocp: Callable = mat.nmc811_ocp_chen2020
    electrolyte_diffusivity: Callable | None = mat.electrolyte_diffusivity_nyman2008
    electrolyte_conductivity: Callable | None = mat.electrolyte_conductivity_nyman2008
    negative_diffusivity_factor: Callable = mat.constant_factor
    positive_diffusivity_factor: Callable = mat.constant_factor
    negative_exchange_current_function: Callable = mat.exchange_current_sqrt
    positive_exchange_current_function: Callable = mat.exchange_current_sqrt
    name: str = "custom"
    citation: str = ""

    def __post_init__(self) -> None:
        for name in self.scalar_names():
            value = getattr(self, name)
            if value is None and name in P2D_ONLY:
                continue
            if not (isinstance(value, (int, float)) and math.isfinite(value)):
                raise ValueError(f"{name}={value!r} must be a finite number")
        for name in self.scalar_names():
            if getattr(self, name) is None:
                continue
            if name in _MAY_BE_ZERO:
                if getattr(self, name) < 0:
                    raise ValueError(f"{name}={getattr(self, name)!r} must be >= 0")
            elif getattr(self, name) <= 0 and name != "lower_cutoff":
                raise ValueError(f"{name}={getattr(self, name)!r} must be > 0")
        for name in ("negative_active_fraction", "positive_active_fraction",
                     "negative_porosity", "separator_porosity", "positive_porosity",
                     "transference_number"):
            v = getattr(self, name)
            if v is not None and not 0 < v < 1:
                raise ValueError(f"{name}={v!r} is outside the valid range (0, 1)")
        for k in ("negative", "positive"):
            eps = getattr(self, f"{k}_active_fraction") + (getattr(self, f"{k}_porosity") or 0)
            if eps > 1 + 1e-12:
                raise ValueError(f"{k}_active_fraction + {k}_porosity = {eps:g} exceeds 1")
            c0, cmax = (getattr(self, f"{k}_initial_concentration"),
                        getattr(self, f"{k}_max_concentration"))
            if not 0 < c0 < cmax:
                raise ValueError(f"{k}_initial_concentration={c0!r} is outside the valid range "
                                 f"(0, {k}_max_concentration={cmax:g})")
        if not self.lower_cutoff < self.upper_cutoff:
            raise ValueError(f"lower_cutoff={self.lower_cutoff!r} must be below "
                             f"upper_cutoff={self.upper_cutoff!r}")

    @classmethod
    def scalar_names(cls) -> tuple[str, ...]:
        """Names of the float fields: the parameters that can be scaled or differentiated."""
        return tuple(f.name for f in fields(cls) if f.type in ("float", "float | None"))

    def missing_for_p2d(self) -> tuple[str, ...]:
        """The P2D parameters this set does not define (an SPM-only set lists them)."""
        return tuple(n for n in P2D_ONLY if getattr(self, n) is None)

    @property
    def one_c_current_density(self) -> float:
        """Current density of a 1C discharge [A/m²]."""
        return self.nominal_capacity / self.electrode_area

    def scaled(self, factors: Mapping[str, float] | None = None, **kw: float) -> CellParameters:
        """A copy with the named scalar parameters multiplied by the given factors.

        Names are field names, optionally with the suffix ``_scale``
        (``positive_diffusivity_scale=2`` doubles `positive_diffusivity`). A factor must be > 0.
        """
        merged = {**(factors or {}), **kw}
        new = {}
        for key, factor in merged.items():
            name = key[:-6] if key.endswith("_scale") else key
            if name not in self.scalar_names():
                raise ValueError(f"unknown parameter {key!r}; scalable names: "
                                 f"{', '.join(self.scalar_names())}")
            if getattr(self, name) is None:
                raise ValueError(f"parameter {name!r} is not defined in set {self.name!r}")
            if not (isinstance(factor, (int, float)) and math.isfinite(factor) and factor > 0):
                raise ValueError(f"scale factor {key}={factor!r} must be a finite number > 0")
            new[name] = new.get(name, getattr(self, name)) * float(factor)
        return dataclasses.replace(self, **new)

    def replace(self, **values) -> CellParameters:
        """A copy with the named fields set to new values (validated)."""
        unknown = set(values) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)}")
        return dataclasses.replace(self, **values)


P2D_ONLY = ("separator_thickness", "negative_conductivity", "positive_conductivity",
            "negative_porosity", "separator_porosity", "positive_porosity", "bruggeman",
            "electrode_bruggeman", "transference_number", "thermodynamic_factor",
            "electrolyte_diffusivity", "electrolyte_conductivity")

_MAY_BE_ZERO = {"bruggeman", "electrode_bruggeman", "negative_activation_energy",
                "positive_activation_energy"}


CHEN2020_CITATION = (
    "C.-H. Chen, F. Brosa Planella, K. O'Regan, D. Gastol, W. D. Widanage, E. Kendrick, "
    "'Development of experimental techniques for parameterization of multi-scale lithium-ion "
    "battery models', J. Electrochem. Soc. 167 (2020) 080534; electrolyte: L. O. Valøen-type "
    "fit of A. Nyman et al., Electrochim. Acta 53 (2008) 6356. As PyBaMM's "
    "ParameterValues('Chen2020')."
)


def chen2020() -> CellParameters:
    """LG M50 (NMC811 / graphite-SiOx, 5 A h) cell of Chen et al. (2020), as in PyBaMM."""
    return CellParameters(
        negative_thickness=85.2e-6, separator_thickness=12e-6, positive_thickness=75.6e-6,
        electrode_area=0.065 * 1.58, nominal_capacity=5.0,
        lower_cutoff=2.5, upper_cutoff=4.2,
        temperature=298.15, reference_temperature=298.15,
        negative_radius=5.86e-6, positive_radius=5.22e-6,
        negative_active_fraction=0.75, positive_active_fraction=0.665,
        negative_max_concentration=33133.0, positive_max_concentration=63104.0,
        negative_initial_concentration=29866.0, positive_initial_concentration=17038.0,
        negative_diffusivity=3.3e-14, positive_diffusivity=4e-15,
        negative_conductivity=215.0, positive_conductivity=0.18,
        negative_exchange_current=6.48e-7, positive_exchange_current=3.42e-6,
        negative_activation_energy=35000.0, positive_activation_energy=17800.0,
        negative_porosity=0.25, separator_porosity=0.47, positive_porosity=0.335,
        bruggeman=1.5, electrode_bruggeman=0.0,
        electrolyte_initial_concentration=1000.0, transference_number=0.2594,
        thermodynamic_factor=1.0,
        name="chen2020", citation=CHEN2020_CITATION,
    )


NREL_CITATION = (
    "M. Hassanaly, P. J. Weddle, R. N. King, S. De, A. Doostan, C. R. Randall, E. J. Dufek, "
    "A. M. Colclazier, K. Smith, 'PINN surrogate of Li-ion battery models for parameter "
    "inference. Part I: Implementation and multi-fidelity hierarchies for the single-particle "
    "model', J. Energy Storage (2024), arXiv:2312.17329; values from the public code "
    "NREL/PINNSTRIPES, pinn_spm_param/util/spm.py, thermo.py and uocp_cs.py."
)


def nrel_spm() -> CellParameters:
    """The cell of NREL's PINN-surrogate study of the SPM (Hassanaly et al. 2024, Part I).

    SPM only: the study's code defines no separator, porosity or electrolyte transport, so the
    P2D fields are None and :class:`~solvers.battery.P2D` refuses this set. 1C = 18.9 mA on
    14 cm²; T = T_ref = 303.15 K (Arrhenius factors 1); c_e = 1.2 mol/L. The cathode solid
    diffusivity is 2.25·10^P(x) m²/s (a degree-10 polynomial P of the stoichiometry), the cathode
    exchange current 9·Q(x)·(c_e/1200)^½ A/m² (a quintic Q), the OCPs polynomial fits; the study
    uses linearised kinetics (``SPM(..., kinetics="linear")``). It calibrates the factors
    `positive_diffusivity` ∈ [1, 10] and `negative_exchange_current` ∈ [0.5, 4] times these
    nominal values. The study defines no voltage window; the one here (3.0–4.3 V) is wide
    enough never to stop its 1350 s, 2C discharge.
    """
    return CellParameters(
        negative_thickness=44e-6, separator_thickness=None, positive_thickness=42e-6,
        electrode_area=1.4e-3, nominal_capacity=18.9e-3,
        lower_cutoff=3.0, upper_cutoff=4.3,
        temperature=303.15, reference_temperature=303.15,
        negative_radius=4.0e-6, positive_radius=1.8e-6,
        negative_active_fraction=0.5430727763, positive_active_fraction=0.47662,
        negative_max_concentration=30530.0, positive_max_concentration=49600.0,
        negative_initial_concentration=0.91 * 30530.0,
        positive_initial_concentration=0.39 * 49600.0,
        negative_diffusivity=3.0e-14, positive_diffusivity=2.25e-15,
        negative_conductivity=None, positive_conductivity=None,
        # 2.5 · 0.27 A/m² per (kmol/m³)^1.5, in (A/m²)(m³/mol)^1.5
        negative_exchange_current=0.675 * 1000.0 ** -1.5, positive_exchange_current=1.0,
        negative_activation_energy=30000.0, positive_activation_energy=30000.0,
        negative_porosity=None, separator_porosity=None, positive_porosity=None,
        bruggeman=None, electrode_bruggeman=None,
        electrolyte_initial_concentration=1200.0, transference_number=None,
        thermodynamic_factor=None,
        negative_ocp=mat.graphite_ocp_nrel, positive_ocp=mat.cathode_ocp_nrel,
        electrolyte_diffusivity=None, electrolyte_conductivity=None,
        positive_diffusivity_factor=mat.cathode_diffusivity_factor_nrel,
        positive_exchange_current_function=mat.cathode_exchange_current_nrel,
        name="nrel_spm", citation=NREL_CITATION,
    )


PARAMETER_SETS: dict[str, Callable[[], CellParameters]] = {"chen2020": chen2020,
                                                            "nrel_spm": nrel_spm}


def parameter_set(name: str) -> CellParameters:
    """The named parameter set (``'chen2020'``, ...)."""
    try:
        return PARAMETER_SETS[name.lower()]()
    except KeyError:
        raise ValueError(f"unknown parameter set {name!r}; choose from "
                         f"{', '.join(PARAMETER_SETS)}") from None
