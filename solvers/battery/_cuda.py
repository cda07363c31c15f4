"""numba.cuda version of the P2D residual (`._kernels.p2d_residual`) for many states at once.

Where the residual is hot is where many states are evaluated together: the cells of a batch
(`simulate_batch`), the perturbed states of a coloured Jacobian, an ensemble of parameter
sets. One call here evaluates R rows: row r is the state ``Y[r]``, ``YP[r]`` with drive
``D[r]`` and the packed parameters ``P[member[r]]``. Two launches:

- ``electrodes``, one thread per (row, electrode cell): the particle's shell residuals and the
  Butler–Volmer (or linear) kinetics there;
- ``transport``, one thread per (row, cell of the whole cell stack): electrolyte mass and
  charge, each thread computing the fluxes through its own two faces; the solid-phase charge at
  electrode cells; the drive equation at the first cell.

The expressions are those of the CPU kernel in the same order, so the two agree to round-off
(tested in numba's CUDA simulator, ``NUMBA_ENABLE_CUDASIM=1``, against the CPU kernel and the
NumPy twin). The material functions are bound at compile time, one kernel pair per tuple of
functions, as `._kernels.compiled` does for the CPU; they, the offsets and the kinetics
(`_reaction`) are the CPU kernel's own ``@njit`` functions of scalars, which numba compiles for
the GPU when a kernel calls them. (The CPU helpers that take the parameter array, Arrhenius
factor and prescribed current, have one-line device twins here: the simulator cannot pass its
arrays to CPU-compiled functions.)
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import cuda

from .._gpu import THREADS, add_scalar_ufuncs, blocks, require
from ._kernels import (
    AREA,
    BRUG,
    BRUG_S,
    CAP,
    CHI,
    CMAX_N,
    CMAX_P,
    D_N,
    D_P,
    EA_N,
    EA_P,
    EPS_N,
    EPS_P,
    EPS_S_N,
    EPS_S_P,
    EPS_SEP,
    F_,
    L_N,
    L_P,
    L_S,
    M_N,
    M_P,
    R_GAS,
    R_N,
    R_P,
    SIG_N,
    SIG_P,
    T_,
    T_REF,
    TPLUS,
    _reaction,
    p2d_offsets,
)

add_scalar_ufuncs()  # the material functions use np.exp and np.sqrt


@cuda.jit(device=True)
def _arrhenius(p, ea):
    return math.exp(ea / R_GAS * (1.0 / p[T_REF] - 1.0 / p[T_]))


@cuda.jit(device=True)
def _set_current(t, p, drive):
    amps = drive[1] + drive[2] * (t - drive[3])
    if drive[4] != 0:
        amps = amps * p[CAP]
    return amps / p[AREA]


@functools.cache
def p2d_cuda_kernels(fns: tuple):
    """The (``electrodes``, ``transport``) CUDA kernels with the material functions `fns`
    (order of `._kernels.FUNCTION_FIELDS`) bound at compile time."""
    ocp_n, ocp_p, dsf_n, dsf_p, g_n, g_p, d_e, kappa = fns

    @cuda.jit(device=True)
    def cell(p, i, nxn, nxs, nxp):
        """Width [m] and porosity of cell i of the stack."""
        if i < nxn:
            return p[L_N] / nxn, p[EPS_N]
        if i < nxn + nxs:
            return p[L_S] / nxs, p[EPS_SEP]
        return p[L_P] / nxp, p[EPS_P]

    @cuda.jit(device=True)
    def reaction_density(y, p, i, o_j, nxn, nxs):
        """a j [A/m³] in cell i of the stack (0 in the separator)."""
        if i < nxn:
            return 3.0 * p[EPS_S_N] / p[R_N] * y[o_j + i]
        if i < nxn + nxs:
            return 0.0
        return 3.0 * p[EPS_S_P] / p[R_P] * y[o_j + i - nxs]

    @cuda.jit(device=True)
    def faces(y, p, i, o_ce, o_phie, nxn, nxs, nxp):
        """Mass [mol/m²/s] and charge [A/m²] fluxes through the face between cells i, i + 1."""
        f = F_ / (R_GAS * p[T_])
        diff_pot = 2.0 * (1.0 - p[TPLUS]) * p[CHI] / f
        dx0, eps0 = cell(p, i, nxn, nxs, nxp)
        dx1, eps1 = cell(p, i + 1, nxn, nxs, nxp)
        c0, c1 = y[o_ce + i], y[o_ce + i + 1]
        w0, w1 = eps0 ** p[BRUG], eps1 ** p[BRUG]
        rd = 0.5 * (dx0 / (w0 * d_e(c0)) + dx1 / (w1 * d_e(c1)))
        rk = 0.5 * (dx0 / (w0 * kappa(c0)) + dx1 / (w1 * kappa(c1)))
        n_face = -(c1 - c0) / rd
        i_face = (-(y[o_phie + i + 1] - y[o_phie + i])
                  + diff_pot * (np.log(c1) - np.log(c0))) / rk
        return n_face, i_face

    @cuda.jit
    def electrodes(t, Y, YP, P, member, nxn, nxs, nxp, nrn, nrp, linear, RES):
        k = cuda.grid(1)
        ne = nxn + nxp
        if k >= Y.shape[0] * ne:
            return
        r, i = k // ne, k % ne
        y, yp, res, p = Y[r], YP[r], RES[r], P[member[r]]
        o_csn, o_csp, o_ce, o_phie, o_phis, o_j, o_i, size = p2d_offsets(nxn, nxs, nxp,
                                                                         nrn, nrp)
        jj = y[o_j + i]
        if i < nxn:
            nr, s0, radius, ds, cmax = nrn, o_csn + i * nrn, p[R_N], p[D_N], p[CMAX_N]
        else:
            nr, s0, radius, ds, cmax = (nrp, o_csp + (i - nxn) * nrp, p[R_P], p[D_P],
                                        p[CMAX_P])
        h = radius / nr
        prev = 0.0
        for s in range(nr):
            r_lo = s * h
            r_hi = r_lo + h
            if s < nr - 1:
                c_mid = 0.5 * (y[s0 + s] + y[s0 + s + 1]) / cmax
                factor = dsf_n(c_mid) if i < nxn else dsf_p(c_mid)
                flux = -ds * factor * (y[s0 + s + 1] - y[s0 + s]) / h
            else:
                flux = jj / F_
            area_flux = r_hi * r_hi * flux
            res[s0 + s] = yp[s0 + s] + 3.0 * (area_flux - prev) / (r_hi ** 3 - r_lo ** 3)
            prev = area_flux
        cs = 1.5 * y[s0 + nr - 1] - 0.5 * y[s0 + nr - 2]
        if i < nxn:
            ce = y[o_ce + i]
            j0 = p[M_N] * g_n(ce, cs, p[CMAX_N]) * _arrhenius(p, p[EA_N])
            u = ocp_n(cs / p[CMAX_N])
            phie = y[o_phie + i]
        else:
            ce = y[o_ce + i + nxs]
            j0 = p[M_P] * g_p(ce, cs, p[CMAX_P]) * _arrhenius(p, p[EA_P])
            u = ocp_p(cs / p[CMAX_P])
            phie = y[o_phie + i + nxs]
        eta = y[o_phis + i] - phie - u
        res[o_j + i] = _reaction(jj, j0, eta, F_ / (R_GAS * p[T_]), linear)

    @cuda.jit
    def transport(t, Y, YP, P, D, member, nxn, nxs, nxp, nrn, nrp, RES):
        k = cuda.grid(1)
        nx = nxn + nxs + nxp
        if k >= Y.shape[0] * nx:
            return
        r, i = k // nx, k % nx
        y, yp, res, p, drive = Y[r], YP[r], RES[r], P[member[r]], D[r]
        o_csn, o_csp, o_ce, o_phie, o_phis, o_j, o_i, size = p2d_offsets(nxn, nxs, nxp,
                                                                         nrn, nrp)
        dx, eps = cell(p, i, nxn, nxs, nxp)
        aj = reaction_density(y, p, i, o_j, nxn, nxs)
        n_lo, i_lo, n_hi, i_hi = 0.0, 0.0, 0.0, 0.0
        if i > 0:
            n_lo, i_lo = faces(y, p, i - 1, o_ce, o_phie, nxn, nxs, nxp)
        if i < nx - 1:
            n_hi, i_hi = faces(y, p, i, o_ce, o_phie, nxn, nxs, nxp)
        res[o_ce + i] = eps * yp[o_ce + i] + (n_hi - n_lo) / dx - (1.0 - p[TPLUS]) * aj / F_
        res[o_phie + i] = (i_hi - i_lo) - aj * dx
        current = y[o_i]
        sig_p = p[SIG_P] * (1.0 - p[EPS_P]) ** p[BRUG_S]
        if i < nxn:  # negative electrode: φ_s(0) = 0, no current into the separator
            sig_n = p[SIG_N] * (1.0 - p[EPS_N]) ** p[BRUG_S]
            phis = y[o_phis + i]
            if i == 0:
                prev = -sig_n * phis / (0.5 * dx)
            else:
                prev = -sig_n * (phis - y[o_phis + i - 1]) / dx
            nxt = -sig_n * (y[o_phis + i + 1] - phis) / dx if i < nxn - 1 else 0.0
            res[o_phis + i] = (nxt - prev) + aj * dx
        elif i >= nxn + nxs:  # positive electrode: I at x = L
            e = i - nxs
            phis = y[o_phis + e]
            prev = -sig_p * (phis - y[o_phis + e - 1]) / dx if i > nxn + nxs else 0.0
            nxt = -sig_p * (y[o_phis + e + 1] - phis) / dx if i < nx - 1 else current
            res[o_phis + e] = (nxt - prev) + aj * dx
        if i == 0:
            if drive[0] == 0:
                res[o_i] = current - _set_current(t, p, drive)
            else:
                res[o_i] = (y[o_phis + nxn + nxp - 1] - current * 0.5 * (p[L_P] / nxp) / sig_p
                            - drive[1])

    return electrodes, transport


def p2d_residuals_cuda(t: float, Y, YP, P, D, member, dims: tuple, linear: bool,
                       fns: tuple) -> np.ndarray:
    """P2D residuals of the rows of `Y`, `YP` (R × n) on the GPU: row r with drive ``D[r]``
    and packed parameters ``P[member[r]]``; `dims` = (nxn, nxs, nxp, nrn, nrp). Returns the
    (R, n) NumPy array of residuals."""
    require()
    nxn, nxs, nxp, nrn, nrp = (int(d) for d in dims)
    Y, YP = np.atleast_2d(Y), np.atleast_2d(YP)
    n = p2d_offsets(nxn, nxs, nxp, nrn, nrp)[-1]
    if Y.shape != YP.shape or Y.shape[1] != n:
        raise ValueError(f"Y and YP must both be (rows, {n}) for dims {dims}; got {Y.shape} "
                         f"and {YP.shape}")
    member = np.asarray(member, dtype=np.int64)
    P, D = np.atleast_2d(P), np.atleast_2d(D)
    if D.shape != (len(Y), 5):
        raise ValueError(f"D must be ({len(Y)}, 5), a drive per row; got {D.shape}")
    if member.shape != (len(Y),) or member.min() < 0 or member.max() >= len(P):
        raise ValueError(f"member must give each of the {len(Y)} rows an index into the "
                         f"{len(P)} parameter rows")
    electrodes, transport = p2d_cuda_kernels(tuple(fns))
    d = {k: cuda.to_device(np.ascontiguousarray(v, dtype=np.float64 if k != "member" else
                                                 np.int64))
         for k, v in dict(Y=Y, YP=YP, P=P, D=D, member=member).items()}
    res = cuda.device_array(Y.shape, dtype=np.float64)
    rows = len(Y)
    electrodes[blocks(rows * (nxn + nxp)), THREADS](float(t), d["Y"], d["YP"], d["P"],
                                                     d["member"], nxn, nxs, nxp, nrn, nrp,
                                                     bool(linear), res)
    transport[blocks(rows * (nxn + nxs + nxp)), THREADS](float(t), d["Y"], d["YP"], d["P"],
                                                          d["D"], d["member"], nxn, nxs, nxp,
                                                          nrn, nrp, res)
    return res.copy_to_host()
