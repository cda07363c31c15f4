"""numba kernel of the species and energy equations of the CH4/air flames (Cases 2 and 3).

One fused loop over the grid replaces the ~100 small NumPy operations of
`Transport1D.terms_numpy`, its NumPy twin (the tests hold the two to round-off). The formulas
are those of `GasProperties` (Cantera's): NASA7 thermodynamics, mixture-averaged transport with
mole fractions floored at ``TINY`` in the mixing rules, irreversible Arrhenius reactions whose
fractional-order concentrations are floored at zero.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._properties import TINY


@njit(cache=True)
def _poly4(c, L):
    return c[0] + L * (c[1] + L * (c[2] + L * (c[3] + L * c[4])))


@njit(cache=True)
def flame_terms(x, T, Y, flow, flow_is_velocity, p, W, T_mid, low, high, cond, diff, visc, A, b,
                Ea_R, orders, fractional, nu, R_u, with_viscosity):
    """Interior residuals of energy and species, and the fluxes and node properties.

    **Returns** ``(RT, RY, j, q, rho, cp, rates, hrr, mu_mid)``: energy (N-2) [K kg/m³/s] and
    species (K, N-2) [kg/m³/s] residuals at the interior nodes; species mass fluxes (K, N-1)
    [kg/m²/s] and heat flux (N-1) [W/m²] at midpoints; density, c_p, mass production rates
    ``W_k ω̇_k`` and heat release at the nodes; the viscosity at the midpoints (zeros unless
    `with_viscosity`). `flow` is the axial mass flux ρu at the nodes [kg/m²/s], or with
    `flow_is_velocity` the axial velocity u [m/s].
    """
    K, N = Y.shape
    R = A.size
    rho = np.empty(N)
    cp = np.empty(N)
    X = np.empty((K, N))
    cpk = np.empty((K, N))
    rates = np.empty((K, N))
    hrr = np.empty(N)
    hRT = np.empty(K)
    wdot = np.empty(K)
    for n in range(N):
        t = T[n]
        inv_mmw = 0.0
        for k in range(K):
            inv_mmw += Y[k, n] / W[k]
        mmw = 1.0 / inv_mmw
        rho[n] = p * mmw / (R_u * t)
        cpn = 0.0
        for k in range(K):
            a = low[k] if t <= T_mid[k] else high[k]
            cpR = a[0] + t * (a[1] + t * (a[2] + t * (a[3] + t * a[4])))
            hRT[k] = (a[0] + t * (a[1] / 2.0 + t * (a[2] / 3.0 + t * (a[3] / 4.0
                      + t * a[4] / 5.0)))) + a[5] / t
            cpk[k, n] = cpR * R_u / W[k]
            cpn += Y[k, n] * cpk[k, n]
            X[k, n] = Y[k, n] / W[k] * mmw
            wdot[k] = 0.0
        cp[n] = cpn
        lnT = math.log(t)
        for r in range(R):
            rop = A[r] * math.exp(b[r] * lnT - Ea_R[r] / t)
            for k in range(K):
                if orders[r, k] != 0.0:
                    c = rho[n] * Y[k, n] / W[k]
                    if fractional[r, k] and c < 0.0:
                        c = 0.0
                    rop *= c ** orders[r, k]
            for k in range(K):
                wdot[k] += nu[k, r] * rop
        h = 0.0
        for k in range(K):
            rates[k, n] = W[k] * wdot[k]
            h += hRT[k] * wdot[k]
        hrr[n] = -R_u * t * h

    j = np.empty((K, N - 1))
    q = np.empty(N - 1)
    mu_mid = np.zeros(N - 1)
    Ym = np.empty(K)
    Xf = np.empty(K)
    lam_k = np.empty(K)
    smu = np.empty(K)
    for i in range(N - 1):
        dx = x[i + 1] - x[i]
        tm = 0.5 * (T[i] + T[i + 1])
        inv_mmw = 0.0
        for k in range(K):
            Ym[k] = 0.5 * (Y[k, i] + Y[k, i + 1])
            inv_mmw += Ym[k] / W[k]
        mmw = 1.0 / inv_mmw
        rho_m = p * mmw / (R_u * tm)
        L = math.log(tm)
        sq = math.sqrt(tm)
        s1 = 0.0
        s2 = 0.0
        for k in range(K):
            Xf[k] = max(Ym[k] / W[k] * mmw, TINY)
            lam_k[k] = sq * _poly4(cond[k], L)
            s1 += Xf[k] * lam_k[k]
            s2 += Xf[k] / lam_k[k]
        q[i] = -0.5 * (s1 + 1.0 / s2) * (T[i + 1] - T[i]) / dx
        t15 = tm * sq
        jsum = 0.0
        for k in range(K):
            s = 0.0
            for m in range(K):
                if m != k:
                    s += Xf[m] / _poly4(diff[k, m], L)
            D = (mmw - Xf[k] * W[k]) * t15 / (p * mmw * s)
            j[k, i] = -rho_m * W[k] / mmw * D * (X[k, i + 1] - X[k, i]) / dx
            jsum += j[k, i]
        for k in range(K):
            j[k, i] -= Ym[k] * jsum
        if with_viscosity:
            qt = math.sqrt(sq)
            for k in range(K):
                smu[k] = qt * _poly4(visc[k], L)
            mu = 0.0
            for k in range(K):
                den = 0.0
                for m in range(K):
                    phi = (1.0 + smu[k] / smu[m] * (W[m] / W[k]) ** 0.25) ** 2 / math.sqrt(
                        8.0 * (1.0 + W[k] / W[m]))
                    den += Xf[m] * phi
                mu += Xf[k] * smu[k] * smu[k] / den
            mu_mid[i] = mu

    RT = np.empty(N - 2)
    RY = np.empty((K, N - 2))
    for n in range(1, N - 1):
        h1 = x[n] - x[n - 1]
        h2 = x[n + 1] - x[n]
        s = h1 + h2
        wm, w0, wp = -h2 / (h1 * s), (h2 - h1) / (h1 * h2), h1 / (h2 * s)
        half = 0.5 * s
        dT = wm * T[n - 1] + w0 * T[n] + wp * T[n + 1]
        mf = flow[n] * rho[n] if flow_is_velocity else flow[n]
        enth = 0.0
        for k in range(K):
            dY = wm * Y[k, n - 1] + w0 * Y[k, n] + wp * Y[k, n + 1]
            RY[k, n - 1] = -mf * dY - (j[k, n] - j[k, n - 1]) / half + rates[k, n]
            enth += 0.5 * (j[k, n - 1] + j[k, n]) * cpk[k, n]
        RT[n - 1] = (-(q[n] - q[n - 1]) / half - (mf * cp[n] + enth) * dT
                     + hrr[n]) / cp[n]
    return RT, RY, j, q, rho, cp, rates, hrr, mu_mid
