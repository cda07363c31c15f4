"""Case 2: freely propagating premixed flame with detailed transport and (one-step) kinetics.

Unknowns per grid point: T, Y_1..Y_K and the mass flux m = ρ_in s_L (carried as a field with
``m_j = m_{j±1}`` equations, as Cantera does, so the Jacobian stays block-tridiagonal):

    m c_p T' = (λ T')' - Σ_k j_k c_p,k T' - Σ_k h_k W_k ω̇_k
    m Y_k'   = -j_k' + W_k ω̇_k

with mixture-averaged diffusion fluxes and a correction velocity (``Σ_k j_k = 0``),
``j_k = -ρ (W_k / W̄) D_km X_k' + Y_k Σ_i ρ (W_i / W̄) D_im X_i'``. Second-order central
differences on a non-uniform grid; transport properties at interval midpoints from the averaged
state. Inlet: T and Y fixed; outlet: zero gradients (mirror node); the flame is pinned by
``T(x_fix) = T_fix``. Properties: `GasProperties` (Cantera's data, this project's code).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ._errors import FlameConvergenceError
from ._fdjac import BandedFDJacobian
from ._grid import (
    RefineCriteria,
    central_weights,
    check_solve_args,
    refine_guess,
    solve_adaptive,
    with_node,
)
from ._kernels import flame_terms
from ._mechanisms import ch4_one_step_solution
from ._newton import NewtonOptions, solve_steady
from ._params import PremixedFlameParams, _check
from ._properties import GasProperties, PropertyValues
from ._solution import FlameSolution


class FlameTerms(NamedTuple):
    """Discrete species and energy terms on a grid (see `Transport1D.terms`)."""

    RT: np.ndarray  # energy residual at interior nodes (N-2) [K kg/m³/s]
    RY: np.ndarray  # species residuals at interior nodes (K, N-2) [kg/m³/s]
    j: np.ndarray  # species mass fluxes at midpoints (K, N-1) [kg/m²/s]
    q: np.ndarray  # heat flux at midpoints (N-1) [W/m²]
    rho: np.ndarray  # density at nodes (N) [kg/m³]
    cp: np.ndarray  # specific heat at nodes (N) [J/kg/K]
    rates: np.ndarray  # mass production rates W_k ω̇_k at nodes (K, N) [kg/m³/s]
    hrr: np.ndarray  # heat release rate at nodes (N) [W/m³]
    mu: np.ndarray | None  # viscosity at midpoints (N-1) [Pa s], when asked for


def diffusive_fluxes(gas: GasProperties, P: PropertyValues, Y, dX, dT):
    """Species mass fluxes ``j`` (K, N) [kg/m²/s] and heat flux ``q`` (N) [W/m²].

    Mixture-averaged diffusion with a correction velocity (``Σ_k j_k = 0``),
    ``j_k = j*_k - Y_k Σ_i j*_i``, ``j*_k = -ρ (W_k / W̄) D_km X_k'``, and Fourier's
    ``q = -λ T'``; `P` holds the properties at the flux points, `Y`, `dX` (= X'), `dT` (= T')
    are taken there. NumPy arrays (finite differences) or torch tensors (a PINN's autograd
    derivatives): one formula for both.
    """
    jstar = -P.density * gas._const("W", dX) / P.mean_molar_mass * P.mix_diff_coeffs * dX
    return jstar - Y * jstar.sum(axis=0), -P.conductivity * dT


def transport_residuals(mflux, dT, dY, div_q, div_j, j, cp_species, cp, rates, hrr):
    """Energy and species residuals of a steady 1D flame with axial mass flux `mflux` [kg/m²/s].

    ``R_T = (-q' - (ρu c_p + Σ_k j_k c_p,k) T' + q̇) / c_p`` [K kg/m³/s] and
    ``R_Y = -ρu Y' - j' + W ω̇`` [kg/m³/s]; every argument at the same points (`j` and the
    divergences there too), `rates` = W_k ω̇_k (K, N), `hrr` the heat release rate. NumPy or
    torch, as `diffusive_fluxes`.
    """
    RY = -mflux * dY - div_j + rates
    RT = (-div_q - (mflux * cp + (j * cp_species).sum(axis=0)) * dT + hrr) / cp
    return RT, RY


class Transport1D:
    """Species and energy equations on a non-uniform grid, shared by free and counterflow flames.

    Diffusive fluxes live at interval midpoints, with properties of the averaged state there;
    convection and the enthalpy-flux term use central differences at the nodes (second order).
    `terms` runs the numba kernel of `_kernels.py` (mixture-averaged transport), its CUDA
    version (`_cuda.py`, ``backend="cuda"``) or its NumPy twin `terms_numpy`, built on
    `GasProperties`.
    """

    def __init__(self, gas: GasProperties, x: np.ndarray, pressure: float,
                 backend: str = "numba"):
        if backend not in ("numba", "numpy", "cuda"):
            raise ValueError(f"backend={backend!r} is not one of ('numba', 'numpy', 'cuda')")
        self.gas, self.x, self.p = gas, x, pressure
        self.h = np.diff(x)
        self.dx_mid = 0.5 * (x[2:] - x[:-2])
        self.W = gas.molar_masses[:, None]
        self.w1, _ = central_weights(x)
        self.backend = backend if gas.transport_model == "mixture-averaged" else "numpy"
        orders = gas.reaction_orders
        self._data = (
            gas.molar_masses, gas.thermo_T_mid, gas.thermo_low, gas.thermo_high,
            gas.conductivity_coeffs, gas.diffusion_coeffs, gas.viscosity_coeffs,
            gas.pre_exponential, gas.temperature_exponent,
            gas.activation_energy / gas.gas_constant, orders, orders != np.round(orders),
            gas.stoichiometry, gas.gas_constant,
        )

    def d1(self, f):
        """Central first derivative at the interior nodes (second order)."""
        w = self.w1
        return w[0] * f[..., :-2] + w[1] * f[..., 1:-1] + w[2] * f[..., 2:]

    def terms(self, T, Y, flow, *, velocity: bool = False, viscosity: bool = False
              ) -> FlameTerms:
        """All terms at state (T, Y); `flow` is the axial mass flux ρu (N) [kg/m²/s] at the
        nodes, or the axial velocity u [m/s] with `velocity`."""
        if self.backend == "numpy":
            return self.terms_numpy(T, Y, flow, velocity=velocity, viscosity=viscosity)
        kernel = flame_terms
        if self.backend == "cuda":
            from ._cuda import flame_terms_cuda as kernel
        out = kernel(self.x, T, np.ascontiguousarray(Y), flow, velocity, self.p, *self._data,
                     viscosity)
        return FlameTerms(*out[:-1], out[-1] if viscosity else None)

    def terms_numpy(self, T, Y, flow, *, velocity: bool = False, viscosity: bool = False
                    ) -> FlameTerms:
        """NumPy twin of the numba kernel (same formulas, array operations)."""
        P = self.gas.evaluate(T, Y, self.p, transport=False)
        mflux = flow * P.density if velocity else flow
        Tm = 0.5 * (T[:-1] + T[1:])
        Ym = 0.5 * (Y[:, :-1] + Y[:, 1:])
        pm = self.gas.evaluate(Tm, Ym, self.p, viscosity=viscosity, kinetics=False)
        j, q = diffusive_fluxes(self.gas, pm, Ym, np.diff(P.mole_fractions, axis=1) / self.h,
                                np.diff(T) / self.h)
        rates = self.W * P.net_production_rates
        jnode = 0.5 * (j[:, :-1] + j[:, 1:])
        RT, RY = transport_residuals(
            mflux[1:-1], self.d1(T), self.d1(Y), np.diff(q) / self.dx_mid,
            np.diff(j, axis=1) / self.dx_mid, jnode, P.cp_species[:, 1:-1],
            P.cp_mixture[1:-1], rates[:, 1:-1], P.heat_release_rate[1:-1])
        return FlameTerms(RT, RY, j, q, P.density, P.cp_mixture, rates, P.heat_release_rate,
                          pm.viscosity if viscosity else None)


class _FreeFlame:
    """Residual of Case 2 on a fixed grid; state ``U`` is (K + 2, N): T, Y_k, m."""

    def __init__(self, gas, params, x, T_fix, x_fix, Y_in):
        self.gas, self.params, self.x = gas, params, x
        self.K = gas.n_species
        self.nv = self.K + 2
        self.tr = Transport1D(gas, x, params.pressure)
        self.ifix = int(np.flatnonzero(x == x_fix)[0])
        self.T_fix = T_fix
        self.Y_in = Y_in
        self.k_major = int(np.argmax(Y_in))
        self.jac = BandedFDJacobian(x.size, self.nv)

    def residual_fields(self, U):
        K, p = self.K, self.params
        T, Y, m = U[0], U[1:K + 1], U[K + 1]
        t = self.tr.terms(T, Y, m)
        R = np.empty_like(U)
        R[0, 1:-1], R[1:K + 1, 1:-1] = t.RT, t.RY
        # Inlet: fixed state.
        R[0, 0] = T[0] - p.T_in
        R[1:K + 1, 0] = Y[:, 0] - self.Y_in
        # Outlet: zero gradients, the equations at the last node with a mirrored ghost node.
        hN = self.x[-1] - self.x[-2]
        R[1:K + 1, -1] = 2.0 * t.j[:, -1] / hN + t.rates[:, -1]
        # The mirrored species equations sum to 0 = 0 (Σ j = 0): close with Σ Y = 1 in place of
        # the most abundant species' equation.
        R[1 + self.k_major, -1] = Y[:, -1].sum() - 1.0
        R[0, -1] = (2.0 * t.q[-1] / hN + t.hrr[-1]) / t.cp[-1]
        # Mass flux: uniform, fixed by the pinned temperature.
        f = self.ifix
        R[K + 1, :f] = m[:f] - m[1:f + 1]
        R[K + 1, f] = T[f] - self.T_fix
        R[K + 1, f + 1:] = m[f + 1:] - m[f:-1]
        return R

    def residual(self, z):
        return self.residual_fields(np.ascontiguousarray(z.reshape(-1, self.nv).T)).T.ravel()

    def mass(self, U):
        rho = self.gas.density(U[0], U[1:self.K + 1], self.params.pressure)
        M = np.zeros_like(U)
        M[:self.K + 1, 1:] = rho[1:]
        M[1 + self.k_major, -1] = 0.0
        return M.T.ravel()


_OPTIONS = NewtonOptions(rtol=1e-7, atol=1e-11, max_jacobian_age=5, project_bounds=True)

#: Lean mixtures converge from a tanh guess; richer ones are reached by continuation in φ
#: (a direct solve from the tanh guess fails at φ >= 1 after hundreds of pseudo-time steps).
_PHI_START = 0.8


def _continuation(params: PremixedFlameParams, setup: _Setup, T_fix, bisections, **kw
                  ) -> FlameSolution:
    """Solve at φ = 0.8, step φ to ``params.phi`` on that grid, then refine at the target.

    The one-step chemistry's √[O2] makes stoichiometric and rich flames hard to reach from a
    tanh guess (the oxygen profile ends at a point with an infinite rate derivative); a lean
    neighbour is an excellent guess. Steps start at 0.1, double on success, halve on failure.
    """
    phi = _PHI_START
    sol = _solve(replace(params, phi=phi), setup, None, None, 0, **kw)
    iterations, step = sol.newton_iterations, 0.1
    # Steps on a fixed grid, with a short pseudo-time budget so that a too-long step fails fast.
    fixed = {**kw, "criteria": None,
             "options": replace(kw["options"], max_time_steps=40)}
    while phi < params.phi:
        nxt = min(params.phi, phi + step)
        try:
            sol = _solve(replace(params, phi=nxt), setup, None, sol, 0, **fixed)
        except FlameConvergenceError:
            step /= 2.0
            if step < 1e-3:
                raise
            continue
        iterations += sol.newton_iterations
        phi, step = nxt, 2.0 * step
    sol = _solve(params, setup, T_fix, sol, bisections, **kw)
    return replace(sol, newton_iterations=iterations + sol.newton_iterations)


class _Setup(NamedTuple):
    """What every solve of one mechanism shares: its Cantera phase and property data."""

    gas: object  # cantera.Solution
    props: GasProperties
    width: float
    x_fix: float
    s_guess: float


def premixed_end_states(gas_ct, params: PremixedFlameParams):
    """Unburnt mass fractions, and the adiabatic burnt state (Cantera's HP equilibrium):
    ``(Y_in, T_b, Y_b)``.

    The phase's state is restored on return.
    """
    saved = gas_ct.TPY
    try:
        gas_ct.TPX = params.T_in, params.pressure, params.composition
        Y_in = gas_ct.Y.copy()
        gas_ct.equilibrate("HP")
        return Y_in, gas_ct.T, gas_ct.Y.copy()
    finally:
        gas_ct.TPY = saved


def solve_premixed_flame(
    params: PremixedFlameParams = PremixedFlameParams(),
    *,
    width: float = 0.01,
    x_fix: float | None = None,
    T_fix: float | None = None,
    s_guess: float = 0.4,
    initial: FlameSolution | None = None,
    criteria: RefineCriteria | None = RefineCriteria(),
    bisections: int = 2,
    options: NewtonOptions = _OPTIONS,
    gas=None,
    progress: Callable[[int, float], None] | None = None,
) -> FlameSolution:
    """Solve Case 2 (CH4/air, one-step chemistry, mixture-averaged transport) for s_L.

    **Arguments**

    - `params`: mixture, unburnt temperature and pressure.
    - `width`: domain length [m]; `x_fix`: pinning point [m] (default 0.3 `width`).
    - `T_fix`: pinning temperature [K]; default the mean of the unburnt and adiabatic
      temperatures (of φ = 0.8 when φ > 0.8 is reached by continuation), or with `initial`
      the initial solution's temperature at `x_fix`.
    - `s_guess`: flame speed of the tanh initial guess [m/s].
    - `initial`: a ``ch4`` solution (e.g. at a nearby φ) to start from instead of the tanh
      guess; its grid and width are kept.
    - `criteria`, `bisections`, `progress`: as in `solve_simple_flame`.
    - `gas`: a Cantera ``Solution`` to take the data from (default: `ch4_one_step_solution`);
      its state is left unchanged.

    Mixtures richer than φ = 0.8 are reached by continuation in φ from φ = 0.8.

    **Returns**

    A `FlameSolution` with ``flame_speed`` [m/s] and the species profiles. Raises
    `FlameConvergenceError` (with the residual reached) when Newton fails.
    """
    params.validate()
    if initial is not None:
        if initial.case != "ch4":
            raise ValueError(f"initial.case={initial.case!r}: need a 'ch4' solution")
        width = float(initial.x[-1])
    check_solve_args(width=width, bisections=bisections)
    _check("s_guess", s_guess, 0.0, 100.0)
    x_fix = 0.3 * width if x_fix is None else x_fix
    _check("x_fix", x_fix, 0.0, width)
    gas_ct = ch4_one_step_solution() if gas is None else gas
    setup = _Setup(gas_ct, GasProperties.from_cantera(gas_ct), width, x_fix, s_guess)
    kw = dict(criteria=criteria, options=options, progress=progress)
    if initial is None and params.phi > _PHI_START:
        return _continuation(params, setup, T_fix, bisections, **kw)
    return _solve(params, setup, T_fix, initial, bisections, **kw)


def _solve(params, setup: _Setup, T_fix, initial, bisections, *, criteria, options, progress):
    """One solve from `initial` or from the tanh guess (arguments already validated)."""
    props, x_fix, s_guess = setup.props, setup.x_fix, setup.s_guess
    K = props.n_species
    Y_in, T_b, Y_b = premixed_end_states(setup.gas, params)
    rho_in = props.density(np.array([params.T_in]), Y_in[:, None], params.pressure)[0]

    if initial is not None:
        x = with_node(initial.x, x_fix)
        T_fix = float(np.interp(x_fix, initial.x, initial.T)) if T_fix is None else T_fix
        U0 = np.vstack([np.interp(x, initial.x, initial.T),
                        [np.interp(x, initial.x, y) for y in initial.Y],
                        np.full(x.size, rho_in * initial.flame_speed)])
    else:
        T_fix = 0.5 * (params.T_in + T_b) if T_fix is None else T_fix

        def guess(x):
            w = 2e-4 * 0.4 / s_guess  # a CH4/air flame is a few tenths of a millimetre thick
            arg = 2.0 * (T_fix - params.T_in) / (T_b - params.T_in) - 1.0
            prog = 0.5 * (1.0 + np.tanh((x - x_fix) / w + np.arctanh(arg)))
            U = np.empty((K + 2, x.size))
            U[0] = params.T_in + (T_b - params.T_in) * prog
            U[1:K + 1] = Y_in[:, None] + (Y_b - Y_in)[:, None] * prog
            U[K + 1] = rho_in * s_guess
            return U

    if not params.T_in < T_fix < T_b:
        raise ValueError(f"T_fix={T_fix!r} is outside the valid range (T_in, T_ad) = "
                         f"({params.T_in:g}, {T_b:g})")
    if initial is None:
        # Central differences need cell Péclet numbers below ~2 from the start: 0.1 mm cells,
        # then refinement on the guess itself.
        width = setup.width
        x = with_node(np.linspace(0.0, width, max(40, int(width / 1e-4) + 1)), x_fix)
        x = refine_guess(x, lambda x: guess(x)[:K + 1], criteria)
        U0 = guess(x)

    def solve_on(x, U, eig):
        prob = _FreeFlame(props, params, x, T_fix, x_fix, Y_in)
        nv = prob.nv
        typical = np.tile(np.r_[params.T_in, np.full(K, 1e-3), rho_in * s_guess], x.size)
        lower = np.tile(np.r_[0.5 * params.T_in, np.full(K, -1e-5), 1e-6], x.size)
        upper = np.tile(np.r_[2.0 * T_b, np.full(K, 1.1), 1e3], x.size)
        res = solve_steady(
            prob.residual,
            lambda z: prob.jac(prob.residual, z, typical),
            U.T.ravel(), mass=prob.mass(U), lower=lower, upper=upper, options=options,
        )
        Un = res.x.reshape(-1, nv).T
        return Un, np.array([Un[K + 1, 0] / rho_in]), res.iterations, res.residual

    out = solve_adaptive(solve_on, x, U0, np.array([s_guess]),
                         monitor=lambda x, U: list(U[:K + 1]),
                         criteria=criteria, bisections=bisections, progress=progress)
    T, Y = out.U[0], out.U[1:K + 1]
    rho = props.density(T, Y, params.pressure)
    s = float(out.eig[0])
    return FlameSolution(
        case="ch4", mode="free", x=out.x, T=T, u=rho_in * s / rho, rho=rho, Y=Y,
        species=props.species_names, flame_speed=s, newton_iterations=out.iterations,
        refinements=out.levels, residual=out.residual, levels=tuple(out.history),
        attrs={
            "flame_speed_error_estimate_m_s": out.error_estimate,
            "observed_order": out.observed_order,
        },
    )
