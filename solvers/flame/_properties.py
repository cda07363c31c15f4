"""Vectorised ideal-gas thermodynamics, mixture-averaged transport and reaction rates.

`GasProperties` copies all coefficient data once from a ``cantera.Solution`` and then evaluates
the properties at every grid point of a 1D flame with a few array operations (no loops over grid
points). Arrays have the species (or reaction) axis first and the grid axis last: species
quantities are ``(K, N)``, mixture quantities ``(N,)``. Units are SI with kmol, as in Cantera.

The evaluation is written once for NumPy arrays and torch tensors (`solvers._xp.namespace`): the
Newton solvers call it with arrays, the PINNs with tensors, so gradients flow through every
property. The coefficient data are converted once per torch dtype and device.

The formulas are Cantera 3.2's, so results agree with it to round-off: NASA7 (or constant-cp)
thermodynamics; ``MixTransport`` (Wilke viscosity, averaged conductivity, mixture-averaged
diffusion coefficients from the polynomial fits in ln T) and ``UnityLewisTransport``;
irreversible Arrhenius reactions with reaction orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cantera as ct
import numpy as np

from .._xp import namespace

#: Floor on mole fractions in transport, Cantera's ``Tiny`` (avoids pure-species singularities).
TINY = 1.0e-20

_TRANSPORT_MODELS = ("mixture-averaged", "unity-Lewis-number")


@dataclass(frozen=True, eq=False)
class PropertyValues:
    """All properties of `GasProperties` at one set of states, from `GasProperties.evaluate`.

    Shapes and units are those of the methods of the same names.
    """

    cp_species: np.ndarray
    enthalpy_species: np.ndarray
    mean_molar_mass: np.ndarray
    mole_fractions: np.ndarray
    density: np.ndarray
    cp_mixture: np.ndarray
    viscosity: np.ndarray
    conductivity: np.ndarray
    mix_diff_coeffs: np.ndarray
    net_production_rates: np.ndarray
    heat_release_rate: np.ndarray


@dataclass(frozen=True, eq=False)
class GasProperties:
    """Coefficient data of an ideal-gas mixture and vectorised property evaluation.

    K species, R reactions. Temperatures ``T`` are ``(N,)`` arrays [K], mass fractions ``Y`` are
    ``(K, N)`` [-] (used as given, not normalised), pressures ``p`` are scalars or ``(N,)`` [Pa].
    Build it with `from_cantera`; arrays are stored read-only.

    **Arguments**

    - `species_names`: species names.
    - `molar_masses`: ``(K,)`` molar masses W_k [kg/kmol].
    - `gas_constant`: universal gas constant [J/kmol/K] (Cantera's ``ct.gas_constant``).
    - `thermo_T_mid`: ``(K,)`` NASA7 mid temperatures [K]; the low range holds for T <= T_mid.
    - `thermo_low`, `thermo_high`: ``(K, 7)`` NASA7 coefficients a_0..a_6 of the two ranges:
      ``c_p/R = a_0 + a_1 T + ... + a_4 T^4``, ``h/RT = a_0 + a_1 T/2 + ... + a_4 T^4/5 + a_5/T``.
    - `transport_model`: ``"mixture-averaged"`` or ``"unity-Lewis-number"``.
    - `viscosity_coeffs`: ``(K, 5)`` fits ``μ_k = (T^(1/4) Σ_i c_i (ln T)^i)^2`` [Pa s].
    - `conductivity_coeffs`: ``(K, 5)`` fits ``λ_k = T^(1/2) Σ_i c_i (ln T)^i`` [W/m/K].
    - `diffusion_coeffs`: ``(K, K, 5)`` symmetric fits ``D_kj = T^(3/2) Σ_i c_i (ln T)^i / p``
      [m²/s].
    - `pre_exponential`: ``(R,)`` Arrhenius A [kmol, m³, s units of each reaction's order].
    - `temperature_exponent`: ``(R,)`` Arrhenius b [-].
    - `activation_energy`: ``(R,)`` Arrhenius E_a [J/kmol].
    - `reaction_orders`: ``(R, K)`` orders ≥ 0 in the molar concentrations [-].
    - `stoichiometry`: ``(K, R)`` net stoichiometric coefficients (products - reactants) [-].
    """

    species_names: tuple[str, ...]
    molar_masses: np.ndarray
    gas_constant: float
    thermo_T_mid: np.ndarray
    thermo_low: np.ndarray
    thermo_high: np.ndarray
    transport_model: str
    viscosity_coeffs: np.ndarray
    conductivity_coeffs: np.ndarray
    diffusion_coeffs: np.ndarray
    pre_exponential: np.ndarray
    temperature_exponent: np.ndarray
    activation_energy: np.ndarray
    reaction_orders: np.ndarray
    stoichiometry: np.ndarray
    _derived: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        K = len(self.species_names)
        R = np.shape(self.pre_exponential)[0]
        shapes = {
            "molar_masses": (K,),
            "thermo_T_mid": (K,),
            "thermo_low": (K, 7),
            "thermo_high": (K, 7),
            "viscosity_coeffs": (K, 5),
            "conductivity_coeffs": (K, 5),
            "diffusion_coeffs": (K, K, 5),
            "pre_exponential": (R,),
            "temperature_exponent": (R,),
            "activation_energy": (R,),
            "reaction_orders": (R, K),
            "stoichiometry": (K, R),
        }
        for name, shape in shapes.items():
            value = np.array(getattr(self, name), dtype=float)
            if value.shape != shape:
                raise ValueError(f"{name} has shape {value.shape}, expected {shape}")
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        _check_transport_model(self.transport_model)
        if np.any(self.reaction_orders < 0.0):
            raise NotImplementedError("negative reaction orders are not supported")
        object.__setattr__(self, "_derived", self._precompute())

    def _precompute(self) -> dict:
        """Derived constants used by the evaluations (read-only by convention)."""
        K = len(self.species_names)
        W = self.molar_masses
        lo, hi = self.thermo_low, self.thermo_high
        # Rows: c_p/R and h/RT of the low range, then of the high range; columns multiply the
        # powers 1, T, T², T³, T⁴, 1/T built in `_thermo_RT`.
        h_scale = np.array([1.0, 1.0 / 2.0, 1.0 / 3.0, 1.0 / 4.0, 1.0 / 5.0, 1.0])
        zero = np.zeros((K, 1))
        nasa = np.concatenate(
            [
                np.hstack([lo[:, :5], zero]),
                lo[:, :6] * h_scale,
                np.hstack([hi[:, :5], zero]),
                hi[:, :6] * h_scale,
            ]
        )
        # Rates of progress multiply (R, M) factors C^n. Factors are grouped by order value so
        # that each group is one power with a scalar exponent (NumPy's fast paths for 1, 2,
        # 0.5); sources are the rows of [C; max(C, 0); 1]: fractional orders take the floored C,
        # the padding of reactions with fewer than M factors the row of ones. `rxn_perm` puts
        # the concatenated group powers back in (reaction, factor) order.
        M = max([np.count_nonzero(row) for row in self.reaction_orders], default=0)
        groups: dict[float, tuple[list[int], list[int]]] = {}
        for r, row in enumerate(self.reaction_orders):
            nonzero = np.flatnonzero(row)
            for m in range(M):
                if m < nonzero.size:
                    k = nonzero[m]
                    order = float(row[k])
                    src = k + (K if order != round(order) else 0)
                else:
                    order, src = 1.0, 2 * K
                dest, srcs = groups.setdefault(order, ([], []))
                dest.append(r * M + m)
                srcs.append(src)
        # Each group's source rows are a named constant, so `_const` converts them once.
        powers = tuple((order, f"rxn_src_{g}") for g, order in enumerate(groups))
        sources = {f"rxn_src_{g}": np.array(src) for g, (_, src) in enumerate(groups.values())}
        dest = np.concatenate([np.array(d, dtype=int) for d, _ in groups.values()] or
                              [np.zeros(0, dtype=int)])
        offdiag = np.ones((K, K))
        np.fill_diagonal(offdiag, 0.0)
        return {
            "inv_W": (1.0 / W)[:, None],
            "R_over_W": (self.gas_constant / W)[:, None],
            "W": W[:, None],
            "W_quarter_inv": (W**-0.25)[:, None],
            "T_mid": self.thermo_T_mid[:, None],
            "nasa": nasa,
            "transport": np.concatenate([self.viscosity_coeffs, self.conductivity_coeffs]),
            "diffusion": self.diffusion_coeffs.reshape(K * K, 5),
            "offdiag": offdiag.reshape(K * K, 1),
            "ones_K": np.ones((K, 1)),
            # Wilke: Φ_kj = (1 + sqrt(μ_k/μ_j) (W_j/W_k)^(1/4))² / sqrt(8 (1 + W_k/W_j))
            "wilke": 1.0 / np.sqrt(8.0 * (1.0 + W[:, None] / W[None, :])),
            "A": self.pre_exponential[:, None],
            "b": self.temperature_exponent[:, None],
            "Ea_R": (self.activation_energy / self.gas_constant)[:, None],
            "stoichiometry": self.stoichiometry,
            "rxn_factors": M,
            "rxn_powers": powers,
            "rxn_perm": np.argsort(dest),
            **sources,
            "torch": {},  # the arrays above as tensors, per (name, dtype, device)
        }

    def _const(self, name: str, like):
        """Derived constant `name` as an array of `like`'s kind (NumPy, or torch with its
        dtype and device; integer index arrays keep an integer type)."""
        value = self._derived[name]
        if isinstance(like, np.ndarray) or isinstance(value, (int, float)):
            return value
        import torch

        key = (name, like.dtype, like.device)
        cache = self._derived["torch"]
        if key not in cache:
            dtype = torch.long if value.dtype.kind in "iu" else like.dtype
            cache[key] = torch.tensor(np.array(value), dtype=dtype, device=like.device)
        return cache[key]

    @classmethod
    def from_cantera(cls, gas: ct.Solution, *, kinetics: bool = True) -> GasProperties:
        """Copy the coefficient data of a Cantera ideal-gas ``Solution``.

        Species thermodynamics must be NASA7 (two ranges) or constant-cp; the transport model
        ``mixture-averaged`` or ``unity-Lewis-number``. With ``kinetics=True`` every reaction
        must be an irreversible elementary Arrhenius reaction (orders default to the reactant
        stoichiometric coefficients; rate multipliers are folded into A), else
        ``NotImplementedError``. ``kinetics=False`` ignores the reactions (frozen chemistry:
        zero production rates), e.g. to use ``gri30.yaml`` for properties only.
        """
        if gas.thermo_model != "ideal-gas":
            raise NotImplementedError(f"thermo model {gas.thermo_model!r}; need 'ideal-gas'")
        K = gas.n_species
        R_u = ct.gas_constant
        T_mid, low, high = np.empty(K), np.empty((K, 7)), np.empty((K, 7))
        for k in range(K):
            thermo = gas.species(k).thermo
            c = np.asarray(thermo.coeffs, dtype=float)
            if isinstance(thermo, ct.NasaPoly2):
                T_mid[k], high[k], low[k] = c[0], c[1:8], c[8:15]
            elif isinstance(thermo, ct.ConstantCp):
                # c_p = cp0, h = h0 + cp0 (T - T0), s = s0 + cp0 ln(T / T0) as one NASA7 range.
                T0, h0, s0, cp0 = c
                a = np.array([cp0, 0.0, 0.0, 0.0, 0.0, h0 - cp0 * T0, s0 - cp0 * np.log(T0)])
                low[k] = high[k] = a / R_u
                T_mid[k] = T0
            else:
                raise NotImplementedError(
                    f"species {gas.species_name(k)!r}: thermo {type(thermo).__name__} is not "
                    "supported (NASA7 with two ranges or constant-cp only)"
                )
        _check_transport_model(gas.transport_model)  # before reading its polynomial fits
        visc = np.array([gas.get_viscosity_polynomial(k) for k in range(K)])
        cond = np.array([gas.get_thermal_conductivity_polynomial(k) for k in range(K)])
        diff = np.array(
            [[gas.get_binary_diff_coeffs_polynomial(k, j) for j in range(K)] for k in range(K)]
        )
        reactions = range(gas.n_reactions) if kinetics else range(0)
        A, b, Ea = np.empty(len(reactions)), np.empty(len(reactions)), np.empty(len(reactions))
        orders = np.zeros((len(reactions), K))
        nu = np.zeros((K, len(reactions)))
        for i in reactions:
            rxn = gas.reaction(i)
            rate = rxn.rate
            if type(rate) is not ct.ArrheniusRate or rxn.reversible or rxn.third_body is not None:
                raise NotImplementedError(
                    f"reaction {i} ({rxn.equation}, {rxn.reaction_type}, reversible="
                    f"{rxn.reversible}): only irreversible elementary Arrhenius reactions are "
                    "supported; use kinetics=False for properties only"
                )
            A[i] = rate.pre_exponential_factor * gas.multiplier(i)
            b[i] = rate.temperature_exponent
            Ea[i] = rate.activation_energy
            for name, order in {**rxn.reactants, **rxn.orders}.items():
                orders[i, gas.species_index(name)] = order
            for name, s in rxn.reactants.items():
                nu[gas.species_index(name), i] -= s
            for name, s in rxn.products.items():
                nu[gas.species_index(name), i] += s
        return cls(
            species_names=tuple(gas.species_names),
            molar_masses=gas.molecular_weights,
            gas_constant=R_u,
            thermo_T_mid=T_mid,
            thermo_low=low,
            thermo_high=high,
            transport_model=gas.transport_model,
            viscosity_coeffs=visc,
            conductivity_coeffs=cond,
            diffusion_coeffs=diff,
            pre_exponential=A,
            temperature_exponent=b,
            activation_energy=Ea,
            reaction_orders=orders,
            stoichiometry=nu,
        )

    @property
    def n_species(self) -> int:
        """Number of species K."""
        return len(self.species_names)

    @property
    def n_reactions(self) -> int:
        """Number of reactions R."""
        return self.pre_exponential.shape[0]

    # --- thermodynamics -------------------------------------------------------------------

    def cp_species(self, T) -> np.ndarray:
        """Specific heat capacities c_p,k of the species, ``(K, N)`` [J/kg/K]."""
        T = _as_T(T)
        cp_R, _ = self._thermo_RT(T)
        return cp_R * self._const("R_over_W", T)

    def enthalpy_species(self, T) -> np.ndarray:
        """Specific enthalpies h_k of the species (including formation), ``(K, N)`` [J/kg]."""
        T = _as_T(T)
        _, h_RT = self._thermo_RT(T)
        return h_RT * (self._const("R_over_W", T) * T)

    def mean_molar_mass(self, Y) -> np.ndarray:
        """Mean molar mass ``W = 1 / Σ_k Y_k / W_k``, ``(N,)`` [kg/kmol]."""
        return self._composition(Y)[1]

    def mole_fractions(self, Y) -> np.ndarray:
        """Mole fractions ``X_k = Y_k W / W_k``, ``(K, N)`` [-]."""
        return self._composition(Y)[2]

    def density(self, T, Y, p) -> np.ndarray:
        """Ideal-gas density ``ρ = p W / (R T)``, ``(N,)`` [kg/m³]."""
        return self._density(_as_T(T), self._composition(Y)[1], p)

    def cp_mixture(self, T, Y) -> np.ndarray:
        """Mixture specific heat capacity ``Σ_k Y_k c_p,k``, ``(N,)`` [J/kg/K]."""
        cp_R, _ = self._thermo_RT(_as_T(T))
        return self._cp_mixture(cp_R, _as_Y(Y))

    # --- transport ------------------------------------------------------------------------

    def viscosity(self, T, Y) -> np.ndarray:
        """Mixture viscosity by Wilke's rule (Cantera's ``MixTransport``), ``(N,)`` [Pa s]."""
        T = _as_T(T)
        sqrt_mu, _ = self._species_transport(T, _log_powers(T))
        return self._viscosity(sqrt_mu, self._transport_X(Y))

    def conductivity(self, T, Y) -> np.ndarray:
        """Mixture conductivity ``(Σ X_k λ_k + 1 / Σ X_k/λ_k) / 2``, ``(N,)`` [W/m/K].

        Cantera's rule for both ``mixture-averaged`` and ``unity-Lewis-number`` transport.
        """
        T = _as_T(T)
        _, lam = self._species_transport(T, _log_powers(T))
        return self._conductivity(lam, self._transport_X(Y))

    def mix_diff_coeffs(self, T, Y, p) -> np.ndarray:
        """Mixture-averaged diffusion coefficients (Cantera's ``mix_diff_coeffs``), ``(K, N)``.

        ``mixture-averaged``: ``D_km = (W - X_k W_k) / (p W Σ_{j≠k} X_j / D_kj)`` [m²/s] for the
        flux ``j_k = -ρ (W_k / W) D_km ∇X_k``, with X floored at `TINY` as Cantera does (a
        pure species gets round-off-dominated values there, as in Cantera).
        ``unity-Lewis-number``: ``λ / (ρ c_p)`` for every species.
        """
        T, Y = _as_T(T), _as_Y(Y)
        L = _log_powers(T)
        _, mmw, X = self._composition(Y)
        Xf = namespace(X).clip(X, TINY, None)
        if self.transport_model == "mixture-averaged":
            return self._mix_diff_coeffs(T, L, mmw, Xf, p)
        _, lam = self._species_transport(T, L)
        cp_R, _ = self._thermo_RT(T)
        return self._unity_lewis(
            self._conductivity(lam, Xf), self._density(T, mmw, p), self._cp_mixture(cp_R, Y)
        )

    # --- kinetics -------------------------------------------------------------------------

    def net_production_rates(self, T, Y, p) -> np.ndarray:
        """Net molar production rates ω̇_k, ``(K, N)`` [kmol/m³/s].

        Rates of progress ``A T^b exp(-E_a / R T) Π_k C_k^(n_k)`` with ``C_k = ρ Y_k / W_k``
        [kmol/m³]. Concentrations with a fractional order are floored at zero before the power
        (finite and real for slightly negative Y); integer orders use C_k as is. Cantera
        instead zeroes a whole rate when any of its concentrations is ≤ 0 (for fractional
        orders); the two agree for non-negative compositions.
        """
        T = _as_T(T)
        ym, mmw, _ = self._composition(Y)
        xp = namespace(T)
        return self._rates(xp.log(T), 1.0 / T, ym * self._density(T, mmw, p))

    def heat_release_rate(self, T, Y, p) -> np.ndarray:
        """Heat release rate ``-Σ_k h_k W_k ω̇_k``, ``(N,)`` [W/m³]."""
        T = _as_T(T)
        _, h_RT = self._thermo_RT(T)
        return self._heat_release(T, h_RT, self.net_production_rates(T, Y, p))

    # --- everything at once ---------------------------------------------------------------

    def evaluate(self, T, Y, p, *, transport: bool = True, viscosity: bool = True,
                 kinetics: bool = True) -> PropertyValues:
        """All properties above at once, sharing intermediate results (cheaper than calls).

        ``transport=False`` (no conductivity, diffusion or viscosity), ``viscosity=False`` or
        ``kinetics=False`` (no rates, no heat release) skip those parts; their fields are
        ``None``. `T` and `Y` may be NumPy arrays or torch tensors (then so are the results).
        """
        T, Y = _as_T(T), _as_Y(Y)
        xp = namespace(T)
        cp_R, h_RT = self._thermo_RT(T)
        ym, mmw, X = self._composition(Y)
        rho = self._density(T, mmw, p)
        cp = self._cp_mixture(cp_R, Y)
        L = _log_powers(T)
        lam = D = mu = wdot = hrr = None
        if transport:
            Xf = xp.clip(X, TINY, None)
            sqrt_mu, lam_k = self._species_transport(T, L)
            lam = self._conductivity(lam_k, Xf)
            if self.transport_model == "mixture-averaged":
                D = self._mix_diff_coeffs(T, L, mmw, Xf, p)
            else:
                D = self._unity_lewis(lam, rho, cp)
            if viscosity:
                mu = self._viscosity(sqrt_mu, Xf)
        if kinetics:
            wdot = self._rates(L[1], 1.0 / T, ym * rho)
            hrr = self._heat_release(T, h_RT, wdot)
        R_over_W = self._const("R_over_W", T)
        return PropertyValues(
            cp_species=cp_R * R_over_W,
            enthalpy_species=h_RT * (R_over_W * T),
            mean_molar_mass=mmw,
            mole_fractions=X,
            density=rho,
            cp_mixture=cp,
            viscosity=mu,
            conductivity=lam,
            mix_diff_coeffs=D,
            net_production_rates=wdot,
            heat_release_rate=hrr,
        )

    # --- building blocks ------------------------------------------------------------------

    def _thermo_RT(self, T):
        """NASA7 ``c_p/R`` and ``h/RT``, each ``(K, N)``; both ranges by one matrix product."""
        xp = namespace(T)
        T2 = T * T
        T3 = T2 * T
        P = xp.stack([T**0, T, T2, T3, T3 * T, 1.0 / T])
        both = (self._const("nasa", T) @ P).reshape(2, 2, self.n_species, T.shape[-1])
        cp_R, h_RT = xp.where(T <= self._const("T_mid", T), both[0], both[1])
        return cp_R, h_RT

    def _composition(self, Y):
        """``Y_k / W_k`` [kmol/kg], mean molar mass [kg/kmol], mole fractions; as Cantera."""
        Y = _as_Y(Y)
        ym = Y * self._const("inv_W", Y)
        mmw = 1.0 / ym.sum(axis=0)
        return ym, mmw, ym * mmw

    def _transport_X(self, Y):
        X = self._composition(Y)[2]
        return namespace(X).clip(X, TINY, None)

    def _density(self, T, mmw, p):
        return p * mmw / (T * self.gas_constant)

    def _cp_mixture(self, cp_R, Y):
        return namespace(Y).einsum("kn,kn->n", cp_R * self._const("R_over_W", Y), Y)

    def _species_transport(self, T, L):
        """``sqrt(μ_k)`` [sqrt(Pa s)] and ``λ_k`` [W/m/K], each ``(K, N)``."""
        xp = namespace(T)
        fits = self._const("transport", T) @ L
        K = self.n_species
        return xp.sqrt(xp.sqrt(T)) * fits[:K], xp.sqrt(T) * fits[K:]

    def _viscosity(self, sqrt_mu, Xf):
        # With r_k = sqrt(μ_k) W_k^(-1/4), Φ_kj = c_kj (1 + r_k/r_j)², so the Wilke denominator
        # Σ_j Φ_kj X_j = Σ c_kj X_j + 2 r_k Σ c_kj X_j/r_j + r_k² Σ c_kj X_j/r_j²: three
        # matrix products instead of a (K, K, N) array; all terms are positive.
        xp = namespace(Xf)
        r = sqrt_mu * self._const("W_quarter_inv", Xf)
        a = Xf / r
        s0, s1, s2 = self._const("wilke", Xf) @ xp.stack([Xf, a, a / r])
        denom = s0 + r * (2.0 * s1 + r * s2)
        return xp.einsum("kn,kn->n", Xf * sqrt_mu * sqrt_mu, 1.0 / denom)

    @staticmethod
    def _conductivity(lam, Xf):
        xp = namespace(Xf)
        return 0.5 * (xp.einsum("kn,kn->n", Xf, lam) + 1.0 / xp.einsum("kn,kn->n", Xf, 1.0 / lam))

    def _mix_diff_coeffs(self, T, L, mmw, Xf, p):
        K, N = Xf.shape
        xp = namespace(Xf)
        # 1 / (p D_kj / T^1.5) with the diagonal (j = k) excluded from the sum.
        inv = self._const("offdiag", Xf) / (self._const("diffusion", Xf) @ L)
        s = xp.einsum("kjn,jn->kn", inv.reshape(K, K, N), Xf)
        return (mmw - Xf * self._const("W", Xf)) * (T * xp.sqrt(T)) / ((p * mmw) * s)

    def _unity_lewis(self, lam, rho, cp):
        return self._const("ones_K", lam) * (lam / (rho * cp))

    def _rates(self, lnT, invT, C):
        """Net production rates [kmol/m³/s] from ln T, 1/T and concentrations C [kmol/m³]."""
        xp = namespace(C)
        R, M = self.n_reactions, self._derived["rxn_factors"]
        if R == 0:
            return C * 0.0
        k = self._const("A", C) * xp.exp(self._const("b", C) * lnT - self._const("Ea_R", C) * invT)
        sources = xp.concatenate([C, xp.clip(C, 0.0, None), C[:1] * 0.0 + 1.0])
        parts = [sources[self._const(src, C)] ** order
                 for order, src in self._derived["rxn_powers"]]
        factors = xp.concatenate(parts)[self._const("rxn_perm", C)]
        N = C.shape[1]
        return self._const("stoichiometry", C) @ (k * xp.prod(factors.reshape(R, M, N), axis=1))

    def _heat_release(self, T, h_RT, wdot):
        return -(T * self.gas_constant) * namespace(T).einsum("kn,kn->n", h_RT, wdot)


def _check_transport_model(model: str) -> None:
    if model not in _TRANSPORT_MODELS:
        raise NotImplementedError(f"transport model {model!r}; supported: {_TRANSPORT_MODELS}")


def _as_T(T):
    return T if namespace(T) is not np else np.asarray(T, dtype=float)


def _as_Y(Y):
    return Y if namespace(Y) is not np else np.asarray(Y, dtype=float)


def _log_powers(T):
    """Rows 1, ln T, ..., (ln T)^4 of the transport fits, ``(5, N)``."""
    xp = namespace(T)
    lnT = xp.log(T)
    L2 = lnT * lnT
    return xp.stack([T**0, lnT, L2, L2 * lnT, L2 * L2])
