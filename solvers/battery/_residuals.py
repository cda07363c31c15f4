"""NumPy twins of the residual kernels in :mod:`._kernels`, vectorised over shells and cells.

Same finite-volume formulas, written as whole-array operations with the material functions run
as plain Python (``.py_func``); the tests hold kernel and twin to round-off.
"""

from __future__ import annotations

import numpy as np

from . import _kernels as K


def _py(f):
    return getattr(f, "py_func", f)


def _particles(c, cdot, j, radius, ds, cmax, dsf):
    """Shell residuals of particles stacked along axis 0 (shape (m, nr)); j has shape (m,)."""
    m, n = c.shape
    h = radius / n
    r = h * np.arange(n + 1)
    flux = np.zeros((m, n + 1))
    flux[:, 1:-1] = -ds * _py(dsf)(0.5 * (c[:, 1:] + c[:, :-1]) / cmax) * np.diff(c, axis=1) / h
    flux[:, -1] = j / K.F_
    area_flux = r ** 2 * flux
    return cdot + 3.0 * np.diff(area_flux, axis=1) / np.diff(r ** 3)


def _surface(c):
    return 1.5 * c[..., -1] - 0.5 * c[..., -2]


def _eta(j, j0, f, linear):
    return j / (f * j0) if linear else 2.0 / f * np.arcsinh(0.5 * j / j0)


def _drive_residual(t, current, voltage, drive, p):
    if drive[0] == 0:
        per_c = p[K.CAP] if drive[4] else 1.0
        return current - (drive[1] + drive[2] * (t - drive[3])) * per_c / p[K.AREA]
    return voltage - drive[1]


def spm_residual(t, y, yp, p, drive, nrn, nrp, linear, fns):
    """SPM residual (NumPy); arguments as :func:`solvers.battery._kernels.spm_residual`."""
    ocp_n, ocp_p, dsf_n, dsf_p, g_n, g_p = (_py(f) for f in fns[:6])
    current = y[-1]
    jn = current * p[K.R_N] / (3 * p[K.EPS_S_N] * p[K.L_N])
    jp = -current * p[K.R_P] / (3 * p[K.EPS_S_P] * p[K.L_P])
    rn = _particles(y[None, :nrn], yp[None, :nrn], np.array([jn]), p[K.R_N], p[K.D_N],
                    p[K.CMAX_N], dsf_n)[0]
    rp = _particles(y[None, nrn:-1], yp[None, nrn:-1], np.array([jp]), p[K.R_P], p[K.D_P],
                    p[K.CMAX_P], dsf_p)[0]
    f = K.F_ / (K.R_GAS * p[K.T_])
    arr = np.exp(np.array([p[K.EA_N], p[K.EA_P]]) / K.R_GAS * (1 / p[K.T_REF] - 1 / p[K.T_]))
    csn, csp = _surface(y[:nrn]), _surface(y[nrn:-1])
    j0n = p[K.M_N] * g_n(p[K.CE0], csn, p[K.CMAX_N]) * arr[0]
    j0p = p[K.M_P] * g_p(p[K.CE0], csp, p[K.CMAX_P]) * arr[1]
    v = (ocp_p(csp / p[K.CMAX_P]) + _eta(jp, j0p, f, linear)
         - ocp_n(csn / p[K.CMAX_N]) - _eta(jn, j0n, f, linear))
    return np.concatenate([rn, rp, [_drive_residual(t, current, v, drive, p)]])


def p2d_residual(t, y, yp, p, drive, nxn, nxs, nxp, nrn, nrp, linear, fns):
    """P2D residual (NumPy); arguments as :func:`solvers.battery._kernels.p2d_residual`."""
    ocp_n, ocp_p, dsf_n, dsf_p, g_n, g_p, d_e, kappa = (_py(f) for f in fns)
    o_csn, o_csp, o_ce, o_phie, o_phis, o_j, o_i, size = K.p2d_offsets(nxn, nxs, nxp, nrn, nrp)
    nx = nxn + nxs + nxp
    current = y[o_i]
    f = K.F_ / (K.R_GAS * p[K.T_])
    dom = np.repeat([0, 1, 2], [nxn, nxs, nxp])
    dx = np.array([p[K.L_N] / nxn, p[K.L_S] / nxs, p[K.L_P] / nxp])[dom]
    eps = np.array([p[K.EPS_N], p[K.EPS_SEP], p[K.EPS_P]])[dom]
    a = np.array([3 * p[K.EPS_S_N] / p[K.R_N], 0.0, 3 * p[K.EPS_S_P] / p[K.R_P]])[dom]
    j_el = y[o_j:o_i]
    j = np.zeros(nx)
    j[dom != 1] = j_el
    ce, phie = y[o_ce:o_phie], y[o_phie:o_phis]
    phis = y[o_phis:o_j]
    # particles and kinetics
    cn = y[o_csn:o_csp].reshape(nxn, nrn)
    cp = y[o_csp:o_ce].reshape(nxp, nrp)
    rn = _particles(cn, yp[o_csn:o_csp].reshape(nxn, nrn), j_el[:nxn], p[K.R_N], p[K.D_N],
                    p[K.CMAX_N], dsf_n)
    rp = _particles(cp, yp[o_csp:o_ce].reshape(nxp, nrp), j_el[nxn:], p[K.R_P], p[K.D_P],
                    p[K.CMAX_P], dsf_p)
    ce_el = ce[dom != 1]
    cs = np.concatenate([_surface(cn), _surface(cp)])
    arr = np.exp(np.array([p[K.EA_N], p[K.EA_P]]) / K.R_GAS * (1 / p[K.T_REF] - 1 / p[K.T_]))
    j0 = np.concatenate([p[K.M_N] * g_n(ce_el[:nxn], cs[:nxn], p[K.CMAX_N]) * arr[0],
                         p[K.M_P] * g_p(ce_el[nxn:], cs[nxn:], p[K.CMAX_P]) * arr[1]])
    u = np.concatenate([ocp_n(cs[:nxn] / p[K.CMAX_N]), ocp_p(cs[nxn:] / p[K.CMAX_P])])
    eta = phis - phie[dom != 1] - u
    r_j = j_el - (j0 * f * eta if linear else 2 * j0 * np.sinh(0.5 * f * eta))
    # electrolyte faces: harmonic means weighted by half widths
    w = eps ** p[K.BRUG]
    res_d = 0.5 * (dx[:-1] / (w[:-1] * d_e(ce[:-1])) + dx[1:] / (w[1:] * d_e(ce[1:])))
    res_k = 0.5 * (dx[:-1] / (w[:-1] * kappa(ce[:-1])) + dx[1:] / (w[1:] * kappa(ce[1:])))
    n_face = np.concatenate([[0.0], -np.diff(ce) / res_d, [0.0]])
    diff_pot = 2 * (1 - p[K.TPLUS]) * p[K.CHI] / f
    i_face = np.concatenate([[0.0], (-np.diff(phie) + diff_pot * np.diff(np.log(ce))) / res_k,
                             [0.0]])
    r_ce = eps * yp[o_ce:o_phie] + np.diff(n_face) / dx - (1 - p[K.TPLUS]) * a * j / K.F_
    r_phie = np.diff(i_face) - a * j * dx
    # electrode potentials
    sig_n = p[K.SIG_N] * (1 - p[K.EPS_N]) ** p[K.BRUG_S]
    sig_p = p[K.SIG_P] * (1 - p[K.EPS_P]) ** p[K.BRUG_S]
    dxn, dxp = p[K.L_N] / nxn, p[K.L_P] / nxp
    is_n = np.concatenate([[-sig_n * phis[0] / (0.5 * dxn)], -sig_n * np.diff(phis[:nxn]) / dxn,
                           [0.0]])
    is_p = np.concatenate([[0.0], -sig_p * np.diff(phis[nxn:]) / dxp, [current]])
    r_phis = np.concatenate([np.diff(is_n) + a[:nxn] * j[:nxn] * dxn,
                             np.diff(is_p) + a[nxn + nxs:] * j[nxn + nxs:] * dxp])
    v = phis[-1] - current * 0.5 * dxp / sig_p
    return np.concatenate([rn.ravel(), rp.ravel(), r_ce, r_phie, r_phis, r_j,
                           [_drive_residual(t, current, v, drive, p)]])
