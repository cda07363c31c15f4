"""Case 3: axisymmetric counterflow premixed flame (premixed jet against an N2 jet).

Unknowns per point: axial velocity u, radial velocity gradient V = v/r, T, Y_k, and the radial
pressure curvature Λ = (1/r) ∂p/∂r, an eigenvalue carried as a field (Λ_j = Λ_{j-1}):

    (ρu)' + 2ρV = 0
    ρu V' + ρV² + Λ - (μV')' = 0
    ρu c_p T' = (λT')' - Σ_k j_k c_p,k T' - Σ_k h_k W_k ω̇_k
    ρu Y_k'  = -j_k' + W_k ω̇_k

Both nozzles impose their mass flux, temperature, V = 0 and the inflowing species flux
(ρu Y_k + j_k = ρu Y_k,in); one more condition than a first-order continuity equation takes,
which fixes Λ. Continuity is a box scheme between neighbouring nodes (second order); the rest as
in `solve_premixed_flame`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._fdjac import BandedFDJacobian
from ._grid import RefineCriteria, check_solve_args, refine_guess, solve_adaptive
from ._mechanisms import ch4_one_step_solution
from ._newton import NewtonOptions, solve_steady
from ._params import CounterflowParams
from ._premixed import _OPTIONS, Transport1D, premixed_end_states
from ._properties import GasProperties
from ._solution import FlameSolution


def radial_momentum_residual(mflux, rho, V, dV, div_tau, Lam):
    """``((μV')' - ρu V' - ρV² - Λ) / ρ`` [1/s²] (`div_tau` is (μV')'); NumPy or torch."""
    return (div_tau - mflux * dV - rho * V**2 - Lam) / rho


class _Counterflow:
    """Residual on a fixed grid; state ``U`` is (K + 4, N): u, V, T, Y_k, Λ."""

    def __init__(self, gas: GasProperties, params: CounterflowParams, x, Y_left, Y_right):
        self.gas, self.params, self.x = gas, params, x
        self.K = gas.n_species
        self.nv = self.K + 4
        self.tr = Transport1D(gas, x, params.flame.pressure)
        self.Y_left, self.Y_right = Y_left[:, None], Y_right[:, None]
        self.jac = BandedFDJacobian(x.size, self.nv)

    def residual_fields(self, U):
        K, prm, tr = self.K, self.params, self.tr
        u, V, T, Y, Lam = U[0], U[1], U[2], U[3:K + 3], U[K + 3]
        t = tr.terms(T, Y, u, velocity=True, viscosity=True)
        rho, j = t.rho, t.j
        mflux = rho * u
        R = np.empty_like(U)
        # Continuity (box scheme on each interval), then the right nozzle's mass flux.
        rhoV = rho * V
        R[0, :-1] = -np.diff(mflux) / tr.h - (rhoV[:-1] + rhoV[1:])
        R[0, -1] = mflux[-1] + prm.mdot_products
        # Radial momentum.
        tau = t.mu * np.diff(V) / tr.h
        R[1, 1:-1] = radial_momentum_residual(mflux[1:-1], rho[1:-1], V[1:-1], tr.d1(V),
                                              np.diff(tau) / tr.dx_mid, Lam[1:-1])
        R[1, 0], R[1, -1] = V[0], V[-1]
        # Energy and species.
        R[2, 1:-1], R[3:K + 3, 1:-1] = t.RT, t.RY
        R[2, 0] = T[0] - prm.flame.T_in
        R[2, -1] = T[-1] - prm.T_opposed
        R[3:K + 3, 0] = mflux[0] * Y[:, 0] + j[:, 0] - prm.mdot_reactants * self.Y_left[:, 0]
        R[3:K + 3, -1] = mflux[-1] * Y[:, -1] + j[:, -1] + prm.mdot_products * self.Y_right[:, 0]
        # Λ: uniform, fixed by the left nozzle's mass flux.
        R[K + 3, 0] = mflux[0] - prm.mdot_reactants
        R[K + 3, 1:] = Lam[1:] - Lam[:-1]
        return R

    def residual(self, z):
        return self.residual_fields(np.ascontiguousarray(z.reshape(-1, self.nv).T)).T.ravel()

    def mass(self, U):
        rho = self.gas.density(U[2], U[3:self.K + 3], self.params.flame.pressure)
        M = np.zeros_like(U)
        M[1:self.K + 3, 1:-1] = rho[1:-1]
        M[1, 1:-1] = 1.0  # the momentum rows are divided by ρ
        return M.T.ravel()


class CounterflowEnds(NamedTuple):
    """Nozzle states of a counterflow flame (see `counterflow_end_states`)."""

    Y_left: np.ndarray  # premixed jet mass fractions (K,)
    Y_right: np.ndarray  # opposed jet (pure N2) mass fractions (K,)
    T_burnt: float  # adiabatic flame temperature of the premixed jet [K]
    rho_left: float  # [kg/m³]
    rho_right: float
    u_left: float  # axial velocities [m/s] (u_right < 0)
    u_right: float
    strain_rate: float  # (u_left - u_right) / width [1/s]


def counterflow_end_states(props: GasProperties, params: CounterflowParams, Y_in, T_b
                           ) -> CounterflowEnds:
    """Nozzle densities and velocities, the N2 jet composition and a strain-rate estimate."""
    fp = params.flame
    Y_n2 = np.zeros(props.n_species)
    Y_n2[props.species_names.index("N2")] = 1.0

    def rho_of(T, Y):
        return float(props.density(np.array([T]), Y[:, None], fp.pressure)[0])

    rho_L, rho_R = rho_of(fp.T_in, Y_in), rho_of(params.T_opposed, Y_n2)
    u_L, u_R = params.mdot_reactants / rho_L, -params.mdot_products / rho_R
    return CounterflowEnds(np.asarray(Y_in), Y_n2, float(T_b), rho_L, rho_R, u_L, u_R,
                           (u_L - u_R) / params.width)


def counterflow_guess(props: GasProperties, params: CounterflowParams, ends: CounterflowEnds,
                      Y_b, x) -> np.ndarray:
    """The initial guess (K + 4, N) of u, V, T, Y_k, Λ at `x`: a burnt layer between a flame
    halfway to the stagnation plane and that plane, and a parabolic V that carries exactly both
    nozzles' mass fluxes (it satisfies every algebraic equation of the discrete problem). It
    uses no solution, only the nozzle states; the PINN's warm-up starts from it too."""
    fp, L, K = params.flame, params.width, props.n_species
    Y_in, Y_n2, T_b = ends.Y_left, ends.Y_right, ends.T_burnt
    # Stagnation plane where the jets' momentum fluxes balance; the flame halfway between the
    # premixed nozzle and that plane (the solve moves it to where it stabilises).
    ratio = np.sqrt(ends.rho_left * ends.u_left**2 / (ends.rho_right * ends.u_right**2))
    x_s = L * ratio / (1.0 + ratio)
    x_f = 0.5 * x_s
    w = 3e-4
    burnt = 0.5 * (1.0 + np.tanh((x - x_f) / w))
    mixed = 0.5 * (1.0 + np.tanh((x - x_s) / (3.0 * w)))
    U = np.empty((K + 4, x.size))
    U[2] = (fp.T_in + (T_b - fp.T_in) * burnt) * (1.0 - mixed) + params.T_opposed * mixed
    U[3:K + 3] = ((Y_in[:, None] + (Y_b - Y_in)[:, None] * burnt) * (1.0 - mixed)
                  + Y_n2[:, None] * mixed)
    # V: a parabola vanishing at the nozzles, scaled so that the discrete continuity equation
    # carries exactly both nozzles' mass fluxes; u follows from continuity.
    rho = props.density(U[2], U[3:K + 3], fp.pressure)
    rf = rho * 4.0 * x * (L - x) / L**2
    box = np.diff(x) * (rf[:-1] + rf[1:])
    amp = (params.mdot_reactants + params.mdot_products) / box.sum()
    U[1] = amp * rf / rho
    U[0] = (params.mdot_reactants - amp * np.r_[0.0, np.cumsum(box)]) / rho
    U[K + 3] = -ends.rho_left * amp**2
    return U


def solve_counterflow_flame(
    params: CounterflowParams = CounterflowParams(),
    *,
    criteria: RefineCriteria | None = RefineCriteria(),
    bisections: int = 2,
    options: NewtonOptions = _OPTIONS,
    gas=None,
    progress: Callable[[int, float], None] | None = None,
) -> FlameSolution:
    """Solve Case 3 for the strain eigenvalue Λ and the flame structure.

    **Arguments**

    - `params`: the premixed jet (at ``x = 0``), the opposed N2 jet and the nozzle separation.
    - `criteria`, `bisections`, `progress`: as in `solve_simple_flame`.
    - `gas`: a Cantera ``Solution`` to take the data from (default: `ch4_one_step_solution`);
      its state is left unchanged.

    **Returns**

    A `FlameSolution` with ``strain_eigenvalue`` Λ [Pa/m²] and the radial velocity gradient V.
    """
    params.validate()
    check_solve_args(width=params.width, bisections=bisections)
    fp = params.flame
    gas_ct = ch4_one_step_solution() if gas is None else gas
    props = GasProperties.from_cantera(gas_ct)
    K = props.n_species
    Y_in, T_b, Y_b = premixed_end_states(gas_ct, fp)
    L = params.width
    ends = counterflow_end_states(props, params, Y_in, T_b)
    u_L, a = ends.u_left, ends.strain_rate

    def guess(x):
        return counterflow_guess(props, params, ends, Y_b, x)

    x = refine_guess(np.linspace(0.0, L, max(40, int(L / 1e-4) + 1)),
                     lambda x: guess(x)[:K + 3], criteria)

    def solve_on(x, U, eig):
        prob = _Counterflow(props, params, x, Y_in, ends.Y_right)
        typical = np.tile(np.r_[abs(u_L), a, fp.T_in, np.full(K, 1e-3), ends.rho_left * a**2],
                          x.size)
        lower = np.tile(np.r_[-1e3, -1e6, 0.5 * min(fp.T_in, params.T_opposed),
                              np.full(K, -1e-5), -1e12], x.size)
        upper = np.tile(np.r_[1e3, 1e6, 2.0 * T_b, np.full(K, 1.1), 1e12], x.size)
        res = solve_steady(
            prob.residual, lambda z: prob.jac(prob.residual, z, typical),
            U.T.ravel(), mass=prob.mass(U), lower=lower, upper=upper, options=options,
        )
        Un = res.x.reshape(-1, prob.nv).T
        return Un, np.array([Un[K + 3, 0]]), res.iterations, res.residual

    out = solve_adaptive(solve_on, x, guess(x), np.array([0.0]),
                         monitor=lambda x, U: list(U[:K + 3]),
                         criteria=criteria, bisections=bisections, progress=progress)
    U = out.U
    T, Y = U[2], U[3:K + 3]
    return FlameSolution(
        case="counterflow", mode="counterflow", x=out.x, T=T, u=U[0],
        rho=props.density(T, Y, fp.pressure), Y=Y, species=props.species_names,
        strain_eigenvalue=float(out.eig[0]), V=U[1], newton_iterations=out.iterations,
        refinements=out.levels, residual=out.residual, levels=tuple(out.history),
        attrs={
            "strain_eigenvalue_error_estimate_Pa_m2": out.error_estimate,
            "observed_order": out.observed_order,
        },
    )
