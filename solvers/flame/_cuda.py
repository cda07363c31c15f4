"""numba.cuda version of the flame kernel `_kernels.flame_terms`: the same formulas in three
launches, one thread per node (thermodynamics and kinetics), per interval midpoint (mixture-
averaged fluxes) and per interior node (residuals).

Tested on the CPU under ``NUMBA_ENABLE_CUDASIM=1`` against the numba CPU kernel and its NumPy
twin; runs on a GPU where numba finds one. Mechanisms of up to `MAX_SPECIES` species.
"""

from __future__ import annotations

import math

import numpy as np
from numba import cuda, float64

from .._gpu import THREADS, blocks, require
from ._properties import TINY

MAX_SPECIES = 32



@cuda.jit(device=True)
def _poly4(c, k, m, L):
    return c[k, m, 0] + L * (c[k, m, 1] + L * (c[k, m, 2] + L * (c[k, m, 3] + L * c[k, m, 4])))


@cuda.jit(device=True)
def _poly4_k(c, k, L):
    return c[k, 0] + L * (c[k, 1] + L * (c[k, 2] + L * (c[k, 3] + L * c[k, 4])))


@cuda.jit(device=True)
def _nasa(low, high, T_mid, k, t, i):
    return low[k, i] if t <= T_mid[k] else high[k, i]


@cuda.jit
def _nodes(T, Y, p, W, T_mid, low, high, A, b, Ea_R, orders, fractional, nu, R_u,
           rho, cp, X, cpk, rates, hrr):
    n = cuda.grid(1)
    K, N = Y.shape
    if n >= N:
        return
    hRT = cuda.local.array(MAX_SPECIES, float64)
    wdot = cuda.local.array(MAX_SPECIES, float64)
    t = T[n]
    inv_mmw = 0.0
    for k in range(K):
        inv_mmw += Y[k, n] / W[k]
    mmw = 1.0 / inv_mmw
    rho[n] = p * mmw / (R_u * t)
    cpn = 0.0
    for k in range(K):
        a0 = _nasa(low, high, T_mid, k, t, 0)
        a1 = _nasa(low, high, T_mid, k, t, 1)
        a2 = _nasa(low, high, T_mid, k, t, 2)
        a3 = _nasa(low, high, T_mid, k, t, 3)
        a4 = _nasa(low, high, T_mid, k, t, 4)
        a5 = _nasa(low, high, T_mid, k, t, 5)
        cpR = a0 + t * (a1 + t * (a2 + t * (a3 + t * a4)))
        hRT[k] = (a0 + t * (a1 / 2.0 + t * (a2 / 3.0 + t * (a3 / 4.0 + t * a4 / 5.0)))) + a5 / t
        cpk[k, n] = cpR * R_u / W[k]
        cpn += Y[k, n] * cpk[k, n]
        X[k, n] = Y[k, n] / W[k] * mmw
        wdot[k] = 0.0
    cp[n] = cpn
    lnT = math.log(t)
    for r in range(A.shape[0]):
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


@cuda.jit
def _midpoints(x, T, Y, X, p, W, cond, diff, visc, R_u, with_viscosity, j, q, mu_mid):
    i = cuda.grid(1)
    K, N = Y.shape
    if i >= N - 1:
        return
    Ym = cuda.local.array(MAX_SPECIES, float64)
    Xf = cuda.local.array(MAX_SPECIES, float64)
    lam_k = cuda.local.array(MAX_SPECIES, float64)
    smu = cuda.local.array(MAX_SPECIES, float64)
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
        lam_k[k] = sq * _poly4_k(cond, k, L)
        s1 += Xf[k] * lam_k[k]
        s2 += Xf[k] / lam_k[k]
    q[i] = -0.5 * (s1 + 1.0 / s2) * (T[i + 1] - T[i]) / dx
    t15 = tm * sq
    jsum = 0.0
    for k in range(K):
        s = 0.0
        for m in range(K):
            if m != k:
                s += Xf[m] / _poly4(diff, k, m, L)
        D = (mmw - Xf[k] * W[k]) * t15 / (p * mmw * s)
        j[k, i] = -rho_m * W[k] / mmw * D * (X[k, i + 1] - X[k, i]) / dx
        jsum += j[k, i]
    for k in range(K):
        j[k, i] -= Ym[k] * jsum
    mu_mid[i] = 0.0
    if with_viscosity:
        qt = math.sqrt(sq)
        for k in range(K):
            smu[k] = qt * _poly4_k(visc, k, L)
        mu = 0.0
        for k in range(K):
            den = 0.0
            for m in range(K):
                phi = (1.0 + smu[k] / smu[m] * (W[m] / W[k]) ** 0.25) ** 2 / math.sqrt(
                    8.0 * (1.0 + W[k] / W[m]))
                den += Xf[m] * phi
            mu += Xf[k] * smu[k] * smu[k] / den
        mu_mid[i] = mu


@cuda.jit
def _interior(x, T, Y, flow, flow_is_velocity, rho, cp, cpk, rates, hrr, j, q, RT, RY):
    n = cuda.grid(1) + 1
    K, N = Y.shape
    if n >= N - 1:
        return
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
    RT[n - 1] = (-(q[n] - q[n - 1]) / half - (mf * cp[n] + enth) * dT + hrr[n]) / cp[n]



def flame_terms_cuda(x, T, Y, flow, flow_is_velocity, p, W, T_mid, low, high, cond, diff, visc,
                     A, b, Ea_R, orders, fractional, nu, R_u, with_viscosity):
    """`_kernels.flame_terms` on the GPU: same arguments, same returned NumPy arrays
    ``(RT, RY, j, q, rho, cp, rates, hrr, mu_mid)``."""
    require()
    K, N = Y.shape
    if K > MAX_SPECIES:
        raise ValueError(f"{K} species; the CUDA flame kernel takes at most {MAX_SPECIES}")
    d = {name: cuda.to_device(np.ascontiguousarray(v)) for name, v in dict(
        x=x, T=T, Y=Y, flow=flow, W=W, T_mid=T_mid, low=low, high=high, cond=cond, diff=diff,
        visc=visc, A=A, b=b, Ea_R=Ea_R, orders=orders, fractional=fractional, nu=nu).items()}
    out = {name: cuda.device_array(shape, dtype=np.float64) for name, shape in dict(
        rho=(N,), cp=(N,), X=(K, N), cpk=(K, N), rates=(K, N), hrr=(N,), j=(K, N - 1),
        q=(N - 1,), mu_mid=(N - 1,), RT=(N - 2,), RY=(K, N - 2)).items()}
    _nodes[blocks(N), THREADS](d["T"], d["Y"], float(p), d["W"], d["T_mid"], d["low"],
                                d["high"], d["A"], d["b"], d["Ea_R"], d["orders"],
                                d["fractional"], d["nu"], float(R_u), out["rho"], out["cp"],
                                out["X"], out["cpk"], out["rates"], out["hrr"])
    _midpoints[blocks(N - 1), THREADS](d["x"], d["T"], d["Y"], out["X"], float(p), d["W"],
                                        d["cond"], d["diff"], d["visc"], float(R_u),
                                        bool(with_viscosity), out["j"], out["q"],
                                        out["mu_mid"])
    _interior[blocks(N - 2), THREADS](d["x"], d["T"], d["Y"], d["flow"],
                                       bool(flow_is_velocity), out["rho"], out["cp"],
                                       out["cpk"], out["rates"], out["hrr"], out["j"], out["q"],
                                       out["RT"], out["RY"])
    return tuple(out[k].copy_to_host() for k in ("RT", "RY", "j", "q", "rho", "cp", "rates",
                                                 "hrr", "mu_mid"))
