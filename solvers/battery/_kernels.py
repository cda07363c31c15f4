"""numba residual kernels of the SPM and P2D (DFN) models, and the coloured Jacobian kernel.

The residuals are those of :mod:`._residuals` (the NumPy twins; the tests hold the two to
round-off), written as fused loops. They are generic in the scalar type, so the same code runs
on float64 states and on complex128 states for complex-step sensitivities.

Why finite volumes in r (not a Chebyshev collocation): they conserve lithium exactly, so the
discharged capacity is the integral of the current to round-off (a test checks it); they stay
monotone at the steep surface gradients of high rates; and they are the discretisation PyBaMM
uses, so a comparison on the same mesh isolates model and solver differences from mesh error.

Finite volumes: a particle of radius R is cut into `nr` shells of equal thickness h; the unknowns
are shell averages, the face fluxes two-point differences, and the surface concentration the
linear extrapolation of the two outer shells (second order, and continuous at t = 0, where a
flux-corrected extrapolation would jump by O(h)).
Electrolyte and electrode potentials live on the cell centres of a uniform mesh in each of the
three domains; face coefficients are the harmonic means of the cell values weighted by the half
widths, which keeps the flux continuous where porosity jumps.

Argument `p` is the packed parameter vector (:func:`pack`), `drive` is
``(mode, a0, a1, t0, per_c)``: mode 0 prescribes the current ``a0 + a1 (t − t0)`` [A, or C-rate
if `per_c`], mode 1 the voltage ``V = a0`` [V]. `fns` is the tuple of material functions of
:data:`FUNCTION_FIELDS`.
"""

from __future__ import annotations

import functools
import warnings
from types import SimpleNamespace

import numpy as np
from numba import njit
from numba.core.errors import NumbaExperimentalFeatureWarning

from ._params import FARADAY, GAS_CONSTANT, CellParameters

SCALARS = CellParameters.scalar_names()
FUNCTION_FIELDS = ("negative_ocp", "positive_ocp", "negative_diffusivity_factor",
                   "positive_diffusivity_factor", "negative_exchange_current_function",
                   "positive_exchange_current_function", "electrolyte_diffusivity",
                   "electrolyte_conductivity")
_IX = {name: i for i, name in enumerate(SCALARS)}
L_N, L_S, L_P = _IX["negative_thickness"], _IX["separator_thickness"], _IX["positive_thickness"]
T_, T_REF = _IX["temperature"], _IX["reference_temperature"]
R_N, R_P = _IX["negative_radius"], _IX["positive_radius"]
EPS_S_N, EPS_S_P = _IX["negative_active_fraction"], _IX["positive_active_fraction"]
CMAX_N, CMAX_P = _IX["negative_max_concentration"], _IX["positive_max_concentration"]
D_N, D_P = _IX["negative_diffusivity"], _IX["positive_diffusivity"]
SIG_N, SIG_P = _IX["negative_conductivity"], _IX["positive_conductivity"]
M_N, M_P = _IX["negative_exchange_current"], _IX["positive_exchange_current"]
EA_N, EA_P = _IX["negative_activation_energy"], _IX["positive_activation_energy"]
EPS_N, EPS_SEP, EPS_P = (_IX["negative_porosity"], _IX["separator_porosity"],
                        _IX["positive_porosity"])
BRUG, BRUG_S = _IX["bruggeman"], _IX["electrode_bruggeman"]
CE0, TPLUS, CHI = (_IX["electrolyte_initial_concentration"], _IX["transference_number"],
                   _IX["thermodynamic_factor"])
# The material functions reach the kernels as a tuple of first-class functions (bound at
# compile time by `compiled`).
warnings.filterwarnings("ignore", category=NumbaExperimentalFeatureWarning)
AREA, CAP = _IX["electrode_area"], _IX["nominal_capacity"]
F_ = FARADAY
R_GAS = GAS_CONSTANT


def pack(params: CellParameters) -> np.ndarray:
    """The scalar parameters as a float64 vector in the order of :data:`SCALARS`."""
    return np.array([np.nan if getattr(params, name) is None else getattr(params, name)
                     for name in SCALARS], dtype=float)


def functions(params: CellParameters) -> tuple:
    """The material functions of `params`, in the order of :data:`FUNCTION_FIELDS`."""
    return tuple(getattr(params, name) for name in FUNCTION_FIELDS)


@njit
def _surface(c):
    """Surface concentration: linear extrapolation of the two outer shells (second order)."""
    n = c.size
    return 1.5 * c[n - 1] - 0.5 * c[n - 2]


@njit
def _particle(c, cdot, out, j, radius, ds, cmax, dsf):
    """Shell residuals ``dc/dt + div N`` [mol/m³/s] of one particle; returns c at the surface."""
    n = c.size
    h = radius / n
    prev = 0.0 * c[0]
    for k in range(n):
        r_lo = k * h
        r_hi = r_lo + h
        if k < n - 1:
            flux = -ds * dsf(0.5 * (c[k] + c[k + 1]) / cmax) * (c[k + 1] - c[k]) / h
        else:
            flux = j / F_
        area_flux = r_hi * r_hi * flux
        out[k] = cdot[k] + 3.0 * (area_flux - prev) / (r_hi ** 3 - r_lo ** 3)
        prev = area_flux
    return _surface(c)


@njit
def _arrhenius(p, ea):
    return np.exp(ea / R_GAS * (1.0 / p[T_REF] - 1.0 / p[T_]))


@njit
def _overpotential(j, j0, f, linear):
    """η [V] that drives the interfacial current density `j` through exchange current `j0`."""
    if linear:
        return j / (f * j0)
    return 2.0 / f * np.arcsinh(0.5 * j / j0)


@njit
def _reaction(j, j0, eta, f, linear):
    """Residual of the kinetics ``j − j_BV(η)`` [A/m²]."""
    if linear:
        return j - j0 * f * eta
    return j - 2.0 * j0 * np.sinh(0.5 * f * eta)


@njit
def _set_current(t, p, drive):
    """Prescribed current density [A/m²]: ``(a0 + a1 (t − t0))`` in C-rates if ``drive[4]``,
    else in amperes, over the electrode area (inside the kernel, so that sensitivities to the
    area and the nominal capacity see it)."""
    amps = drive[1] + drive[2] * (t - drive[3])
    if drive[4] != 0:
        amps = amps * p[CAP]
    return amps / p[AREA]


@njit
def spm_voltage(y, p, nrn, nrp, linear, fns):
    """Terminal voltage [V] of the SPM state `y` (shells of both particles, then I [A/m²])."""
    ocp_n, ocp_p, g_n, g_p = fns[0], fns[1], fns[4], fns[5]
    current = y[nrn + nrp]
    f = F_ / (R_GAS * p[T_])
    jn = current * p[R_N] / (3.0 * p[EPS_S_N] * p[L_N])
    jp = -current * p[R_P] / (3.0 * p[EPS_S_P] * p[L_P])
    csn = _surface(y[:nrn])
    csp = _surface(y[nrn:nrn + nrp])
    j0n = p[M_N] * g_n(p[CE0], csn, p[CMAX_N]) * _arrhenius(p, p[EA_N])
    j0p = p[M_P] * g_p(p[CE0], csp, p[CMAX_P]) * _arrhenius(p, p[EA_P])
    return (ocp_p(csp / p[CMAX_P]) + _overpotential(jp, j0p, f, linear)
            - ocp_n(csn / p[CMAX_N]) - _overpotential(jn, j0n, f, linear))


@njit
def spm_residual(t, y, yp, res, p, drive, nrn, nrp, linear, fns):
    """SPM residual: shells of the negative then positive particle, then the drive equation."""
    dsf_n, dsf_p = fns[2], fns[3]
    current = y[nrn + nrp]
    jn = current * p[R_N] / (3.0 * p[EPS_S_N] * p[L_N])
    jp = -current * p[R_P] / (3.0 * p[EPS_S_P] * p[L_P])
    _particle(y[:nrn], yp[:nrn], res[:nrn], jn, p[R_N], p[D_N], p[CMAX_N], dsf_n)
    _particle(y[nrn:nrn + nrp], yp[nrn:nrn + nrp], res[nrn:nrn + nrp], jp, p[R_P], p[D_P],
              p[CMAX_P], dsf_p)
    if drive[0] == 0:
        res[nrn + nrp] = current - _set_current(t, p, drive)
    else:
        res[nrn + nrp] = spm_voltage(y, p, nrn, nrp, linear, fns) - drive[1]


@njit
def p2d_offsets(nxn, nxs, nxp, nrn, nrp):
    """Start of each block of the P2D state: (c_s,n, c_s,p, c_e, φ_e, φ_s, j, I, size)."""
    nx = nxn + nxs + nxp
    o_csp = nxn * nrn
    o_ce = o_csp + nxp * nrp
    o_phie = o_ce + nx
    o_phis = o_phie + nx
    o_j = o_phis + nxn + nxp
    o_i = o_j + nxn + nxp
    return 0, o_csp, o_ce, o_phie, o_phis, o_j, o_i, o_i + 1


@njit
def p2d_voltage(y, p, nxn, nxs, nxp, nrn, nrp):
    """Terminal voltage φ_s(L) − φ_s(0) [V] of the P2D state `y` (φ_s(0) = 0)."""
    o = p2d_offsets(nxn, nxs, nxp, nrn, nrp)
    current = y[o[6]]
    sig_p = p[SIG_P] * (1.0 - p[EPS_P]) ** p[BRUG_S]
    return y[o[5] - 1] - current * 0.5 * p[L_P] / nxp / sig_p


@njit
def p2d_residual(t, y, yp, res, p, drive, nxn, nxs, nxp, nrn, nrp, linear, fns):
    """P2D residual, blocks in the order of :func:`p2d_offsets`.

    Rows: particle shells [mol/m³/s]; electrolyte mass ε_e ∂c_e/∂t + ∂N/∂x − (1 − t⁺) a j / F
    [mol/m³/s]; electrolyte charge Δi_e − a j Δx and electrode charge Δi_s + a j Δx per cell
    [A/m²]; kinetics j − j_BV [A/m²]; the drive equation.
    """
    ocp_n, ocp_p, dsf_n, dsf_p, g_n, g_p, d_e, kappa = fns
    o_csn, o_csp, o_ce, o_phie, o_phis, o_j, o_i, size = p2d_offsets(nxn, nxs, nxp, nrn, nrp)
    nx = nxn + nxs + nxp
    current = y[o_i]
    f = F_ / (R_GAS * p[T_])
    tplus = p[TPLUS]
    an = 3.0 * p[EPS_S_N] / p[R_N]
    ap = 3.0 * p[EPS_S_P] / p[R_P]
    arr_n = _arrhenius(p, p[EA_N])
    arr_p = _arrhenius(p, p[EA_P])
    dxn, dxs, dxp = p[L_N] / nxn, p[L_S] / nxs, p[L_P] / nxp
    sig_n = p[SIG_N] * (1.0 - p[EPS_N]) ** p[BRUG_S]
    sig_p = p[SIG_P] * (1.0 - p[EPS_P]) ** p[BRUG_S]
    ce = y[o_ce:o_ce + nx]
    phie = y[o_phie:o_phie + nx]
    dx = np.empty(nx, dtype=p.dtype)
    eps = np.empty(nx, dtype=p.dtype)
    aj = np.empty(nx, dtype=y.dtype)  # a j [A/m³]
    for i in range(nx):
        if i < nxn:
            dx[i], eps[i] = dxn, p[EPS_N]
            aj[i] = an * y[o_j + i]
        elif i < nxn + nxs:
            dx[i], eps[i] = dxs, p[EPS_SEP]
            aj[i] = 0.0 * y[o_j]
        else:
            dx[i], eps[i] = dxp, p[EPS_P]
            aj[i] = ap * y[o_j + i - nxs]
    # particles and kinetics
    for i in range(nxn + nxp):
        if i < nxn:
            s0 = o_csn + i * nrn
            c, cdot, out = y[s0:s0 + nrn], yp[s0:s0 + nrn], res[s0:s0 + nrn]
            cs = _particle(c, cdot, out, y[o_j + i], p[R_N], p[D_N], p[CMAX_N], dsf_n)
            ix = i
            j0 = p[M_N] * g_n(ce[ix], cs, p[CMAX_N]) * arr_n
            u = ocp_n(cs / p[CMAX_N])
        else:
            s0 = o_csp + (i - nxn) * nrp
            c, cdot, out = y[s0:s0 + nrp], yp[s0:s0 + nrp], res[s0:s0 + nrp]
            cs = _particle(c, cdot, out, y[o_j + i], p[R_P], p[D_P], p[CMAX_P], dsf_p)
            ix = i + nxs
            j0 = p[M_P] * g_p(ce[ix], cs, p[CMAX_P]) * arr_p
            u = ocp_p(cs / p[CMAX_P])
        eta = y[o_phis + i] - phie[ix] - u
        res[o_j + i] = _reaction(y[o_j + i], j0, eta, f, linear)
    # electrolyte: face fluxes of mass and charge
    prev_n = 0.0 * ce[0]
    prev_i = 0.0 * ce[0]
    w_prev = eps[0] ** p[BRUG]
    d_prev = w_prev * d_e(ce[0])
    k_prev = w_prev * kappa(ce[0])
    diff_pot = 2.0 * (1.0 - tplus) * p[CHI] / f
    for i in range(nx):
        if i < nx - 1:
            w_next = eps[i + 1] ** p[BRUG]
            d_next = w_next * d_e(ce[i + 1])
            k_next = w_next * kappa(ce[i + 1])
            rd = 0.5 * (dx[i] / d_prev + dx[i + 1] / d_next)
            rk = 0.5 * (dx[i] / k_prev + dx[i + 1] / k_next)
            n_face = -(ce[i + 1] - ce[i]) / rd
            i_face = (-(phie[i + 1] - phie[i])
                      + diff_pot * (np.log(ce[i + 1]) - np.log(ce[i]))) / rk
        else:
            n_face = 0.0 * ce[0]
            i_face = 0.0 * ce[0]
        res[o_ce + i] = (eps[i] * yp[o_ce + i] + (n_face - prev_n) / dx[i]
                         - (1.0 - tplus) * aj[i] / F_)
        res[o_phie + i] = (i_face - prev_i) - aj[i] * dx[i]
        prev_n, prev_i = n_face, i_face
        if i < nx - 1:
            d_prev, k_prev = d_next, k_next
    # electrode potentials: φ_s(0) = 0, no current into the separator, I at x = L
    phis = y[o_phis:o_phis + nxn + nxp]
    prev = -sig_n * phis[0] / (0.5 * dxn)
    for i in range(nxn):
        nxt = -sig_n * (phis[i + 1] - phis[i]) / dxn if i < nxn - 1 else 0.0 * prev
        res[o_phis + i] = (nxt - prev) + aj[i] * dxn
        prev = nxt
    prev = 0.0 * prev
    for k in range(nxp):
        i = nxn + k
        nxt = -sig_p * (phis[i + 1] - phis[i]) / dxp if k < nxp - 1 else current + 0.0 * prev
        res[o_phis + i] = (nxt - prev) + aj[i + nxs] * dxp
        prev = nxt
    if drive[0] == 0:
        res[o_i] = current - _set_current(t, p, drive)
    else:
        res[o_i] = phis[nxn + nxp - 1] - current * 0.5 * dxp / sig_p - drive[1]


@njit
def _colored_jacobian(residual, args, t, y, yp, res0, cj, jj, scale, col_ptr, col_ix,
                     indptr, rows, work):
    """Fill the CSC values `jj` of ``∂F/∂y + cj ∂F/∂y'`` by coloured forward differences.

    Columns ``col_ix[col_ptr[c]:col_ptr[c + 1]]`` share no row and are perturbed together;
    ``indptr``/``rows`` is the CSC pattern. The step of column k is √ε · max(|y_k|, scale_k).
    """
    y1 = y.copy()
    yp1 = yp.copy()
    step = np.empty(y.size)
    for k in range(y.size):
        step[k] = 1.49e-8 * max(abs(y[k]), scale[k])
    for c in range(col_ptr.size - 1):
        for q in range(col_ptr[c], col_ptr[c + 1]):
            k = col_ix[q]
            y1[k] = y[k] + step[k]
            yp1[k] = yp[k] + cj * step[k]
        residual(t, y1, yp1, work, *args)
        for q in range(col_ptr[c], col_ptr[c + 1]):
            k = col_ix[q]
            for m in range(indptr[k], indptr[k + 1]):
                jj[m] = (work[rows[m]] - res0[rows[m]]) / step[k]
            y1[k] = y[k]
            yp1[k] = yp[k]


@njit
def _complex_step(y, s, n, p, k, h, yc, pc):
    """``yc = y[:n] + i h y[s:s+n]`` (state plus i h times its sensitivity block) and
    ``pc = p + i h p[k] e_k`` (the log-parameter k perturbed)."""
    for i in range(n):
        yc[i] = complex(y[i], h * y[s + i])
    for i in range(p.size):
        pc[i] = p[i]
    pc[k] = complex(p[k], h * p[k])


@functools.cache
def compiled(model: str, fns: tuple) -> SimpleNamespace:
    """``residual``, ``jacobian`` and ``voltage`` kernels of `model` (``"spm"``/``"p2d"``) with
    the material functions `fns` bound at compile time.

    Passing the functions as run-time arguments would make numba type the tuple of
    dispatchers on every call (~0.2 ms); closed over, they are compile-time constants.
    Signatures: ``residual(t, y, yp, res, p, drive, *dims, linear)``,
    ``jacobian(args, t, y, yp, res0, cj, jj, scale, col_ptr, col_ix, indptr, rows, work)``
    with ``args = (p, drive, *dims, linear)``, ``voltage(y, p, *dims, linear)``.
    """
    if model == "spm":
        @njit
        def residual(t, y, yp, res, p, drive, nrn, nrp, linear):
            spm_residual(t, y, yp, res, p, drive, nrn, nrp, linear, fns)

        @njit
        def voltage(y, p, nrn, nrp, linear):
            return spm_voltage(y, p, nrn, nrp, linear, fns)
    elif model == "p2d":
        @njit
        def residual(t, y, yp, res, p, drive, nxn, nxs, nxp, nrn, nrp, linear):
            p2d_residual(t, y, yp, res, p, drive, nxn, nxs, nxp, nrn, nrp, linear, fns)

        @njit
        def voltage(y, p, nxn, nxs, nxp, nrn, nrp, linear):
            return p2d_voltage(y, p, nxn, nxs, nxp, nrn, nrp)
    else:
        raise ValueError(f"model={model!r}; choose from spm, p2d")

    @njit
    def jacobian(args, t, y, yp, res0, cj, jj, scale, col_ptr, col_ix, indptr, rows, work):
        _colored_jacobian(residual, args, t, y, yp, res0, cj, jj, scale, col_ptr, col_ix,
                          indptr, rows, work)

    @njit
    def batch_residual(t, y, yp, res, P, D, n, dims):
        """Members stacked: member m has state ``y[m n:(m+1) n]``, parameters P[m], drive D[m]."""
        for m in range(P.shape[0]):
            s = m * n
            residual(t, y[s:s + n], yp[s:s + n], res[s:s + n], P[m], D[m], *dims)

    @njit
    def batch_voltage(y, P, n, dims, out):
        for m in range(P.shape[0]):
            out[m] = voltage(y[m * n:(m + 1) * n], P[m], *dims)

    @njit
    def sens_residual(t, y, yp, res, P, D, n, dims, idx, h):
        """Primal state, then ∂y/∂ln θ_k for θ_k = p[idx[k]]: ``F_y s + F_y' s' + θ_k F_θk``
        by complex step, ``Im F(y + i h s, y' + i h s', θ + i h θ_k e_k) / h``."""
        p, drive = P[0], D[0]
        residual(t, y[:n], yp[:n], res[:n], p, drive, *dims)
        yc = np.empty(n, dtype=np.complex128)
        ypc = np.empty(n, dtype=np.complex128)
        rc = np.empty(n, dtype=np.complex128)
        pc = np.empty(p.size, dtype=np.complex128)
        for k in range(idx.size):
            s = (k + 1) * n
            _complex_step(y, s, n, p, idx[k], h, yc, pc)
            _complex_step(yp, s, n, p, idx[k], h, ypc, pc)
            residual(t, yc, ypc, rc, pc, drive, *dims)
            for i in range(n):
                res[s + i] = rc[i].imag / h

    @njit
    def sens_voltage(y, P, n, dims, idx, h, out):
        """``out[0]`` = V, ``out[1 + k]`` = ∂V/∂ln θ_k (complex step)."""
        p = P[0]
        out[0] = voltage(y[:n], p, *dims)
        yc = np.empty(n, dtype=np.complex128)
        pc = np.empty(p.size, dtype=np.complex128)
        for k in range(idx.size):
            _complex_step(y, (k + 1) * n, n, p, idx[k], h, yc, pc)
            out[1 + k] = voltage(yc, pc, *dims).imag / h

    @njit
    def batch_jacobian(args, t, y, yp, res0, cj, jj, scale, col_ptr, col_ix, indptr, rows,
                       work):
        _colored_jacobian(batch_residual, args, t, y, yp, res0, cj, jj, scale, col_ptr,
                          col_ix, indptr, rows, work)

    return SimpleNamespace(residual=residual, jacobian=jacobian, voltage=voltage,
                           batch_residual=batch_residual, batch_voltage=batch_voltage,
                           batch_jacobian=batch_jacobian, sens_residual=sens_residual,
                           sens_voltage=sens_voltage)
