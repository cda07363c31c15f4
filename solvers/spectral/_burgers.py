"""1D viscous Burgers u_t + u u_x = ν u_xx on the periodic unit interval: a pseudo-spectral
solver (ETDRK4, 2/3 dealiasing) and the exact solution by the Cole–Hopf transform.

The data set of Li et al. (FNO, 2021) maps u(·, 0) ~ N(0, 625 (−Δ + 25)^(−2)) (zero mean) to
u(·, 1), ν = 0.1.
ETDRK4 (Cox & Matthews 2002) treats the stiff −νk² exactly; its φ-functions are evaluated by
the contour integral of Kassam & Trefethen (2005), which is accurate also where νk²Δt is small.
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import check_integer, check_positive


def _check_field(u0) -> np.ndarray:
    u0 = np.asarray(u0, dtype=np.float64)
    if u0.ndim not in (1, 2) or u0.shape[-1] < 4 or u0.shape[-1] % 2:
        raise ValueError(f"u0 has shape {u0.shape}; it must be (n,) or (batch, n) with n even "
                         f">= 4")
    if not np.isfinite(u0).all():
        raise ValueError("u0 must be finite")
    return u0


def burgers_initial(n: int, rng: np.random.Generator, *, amplitude: float = 25.0,
                    tau: float = 5.0) -> np.ndarray:
    """A draw of N(0, amplitude² (−Δ + τ²)^(−2)) on n points of the periodic unit interval,
    mean removed (FNO's Burgers data: amplitude 25, τ = 5)."""
    if not (isinstance(n, (int, np.integer)) and n >= 4 and n % 2 == 0):
        raise ValueError(f"n={n!r} must be an even integer >= 4")
    k = np.fft.rfftfreq(n, d=1.0 / n)
    sd = amplitude * (4 * np.pi ** 2 * k ** 2 + tau ** 2) ** -1.0
    z = rng.standard_normal(k.size) + 1j * rng.standard_normal(k.size)
    z[0] = 0.0  # zero mean (the mean is conserved and would dominate relative errors)
    z[-1] = math.sqrt(2) * z[-1].real  # the Nyquist mode is real
    # irfft of c_k gives Σ c_k e^{2πikx}/n: scale so that each real mode has variance sd²
    return np.fft.irfft(sd * z * n / math.sqrt(2), n)


def solve_burgers(u0, *, nu: float = 0.1, t_end: float = 1.0, dt: float = 1e-3,
                  saves: int = 1) -> np.ndarray:
    """Integrate from `u0` (on n equispaced points of [0, 1); or a batch ``(B, n)``) to
    `t_end` with step ≈ `dt`.

    Returns the states at `saves` equally spaced times after 0, shape ``(saves, n)`` or
    ``(saves, B, n)`` (the last is t_end).
    """
    u0 = _check_field(u0)
    for name, v in (("nu", nu), ("t_end", t_end), ("dt", dt)):
        check_positive(name, v)
    check_integer("saves", saves, 1)
    n = u0.shape[-1]
    steps_per_save = max(1, math.ceil(t_end / saves / dt))
    h = t_end / saves / steps_per_save
    k = 2 * np.pi * np.fft.rfftfreq(n, d=1.0 / n)
    L = -nu * k ** 2
    dealias = np.abs(np.fft.rfftfreq(n, d=1.0 / n)) < n / 3
    g = -0.5j * k * dealias

    def N(v):
        w = np.fft.irfft(v, n)
        return g * np.fft.rfft(w * w)

    E, E2 = np.exp(h * L), np.exp(h * L / 2)
    roots = np.exp(1j * np.pi * (np.arange(1, 33) - 0.5) / 32)
    LR = h * L[:, None] + roots[None, :]
    Q = h * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = h * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR ** 2)) / LR ** 3, axis=1))
    f2 = h * np.real(np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR ** 3, axis=1))
    f3 = h * np.real(np.mean((-4 - 3 * LR - LR ** 2 + np.exp(LR) * (4 - LR)) / LR ** 3, axis=1))
    v = np.fft.rfft(u0)
    out = np.empty((saves, *u0.shape))
    for s in range(saves):
        for _ in range(steps_per_save):
            Nv = N(v)
            a = E2 * v + Q * Nv
            Na = N(a)
            b = E2 * v + Q * Na
            Nb = N(b)
            c = E2 * a + Q * (2 * Nb - Nv)
            Nc = N(c)
            v = E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3
        out[s] = np.fft.irfft(v, n)
    return out


def burgers_exact(u0, *, nu: float, t: float) -> np.ndarray:
    """The exact solution at time `t` for a zero-mean `u0` (resolved by its n points), through
    u = −2ν ∂ₓ log φ with φ solving the heat equation (Cole–Hopf)."""
    u0 = _check_field(u0)
    if u0.ndim != 1:
        raise ValueError("burgers_exact takes one field u0 of shape (n,)")
    check_positive("nu", nu)
    if not (math.isfinite(t) and t >= 0):
        raise ValueError(f"t={t!r} must be a number >= 0")
    n = u0.size
    uh = np.fft.rfft(u0)
    if abs(uh[0].real) / n > 1e-12 * max(1.0, np.abs(u0).max()):
        raise ValueError("u0 must have zero mean for the Cole-Hopf solution used here")
    k = 2 * np.pi * np.fft.rfftfreq(n, d=1.0 / n)
    ik = 1j * k
    ik[0] = 1.0
    prim = np.fft.irfft(np.where(k == 0, 0.0, uh / ik), n)  # periodic primitive of u0
    phi0 = np.exp(-(prim - prim.mean()) / (2 * nu))
    ph = np.fft.rfft(phi0) * np.exp(-nu * k ** 2 * t)
    phi = np.fft.irfft(ph, n)
    phi_x = np.fft.irfft(1j * k * ph, n)
    return -2 * nu * phi_x / phi


def burgers_block(indices, *, seed: int, resolution: int = 256, refine: int = 2,
                  nu: float = 0.1, t_end: float = 1.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Samples `indices` of the data set `seed`, solved together as one batch: a list of
    (u(·, 0), u(·, t_end)) on `resolution` points, solved on refine·resolution points. Each
    sample depends only on (seed, index) (up to the rounding of batched FFTs)."""
    check_integer("resolution", resolution, 4)
    check_integer("refine", refine, 1)
    n = refine * resolution
    u0 = np.stack([burgers_initial(n, np.random.default_rng([seed, i])) for i in indices])
    u1 = solve_burgers(u0, nu=nu, t_end=t_end, dt=min(1e-3, 0.5 / n))[-1]
    return [(a[::refine].copy(), b[::refine].copy()) for a, b in zip(u0, u1, strict=True)]


def burgers_sample(seed: int, index: int, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """Sample `index` of the data set `seed` (settings as `burgers_block`)."""
    return burgers_block([index], seed=seed, **kwargs)[0]


def burgers_sine_exact(x, t, *, nu: float = 0.01 / math.pi, nodes: int = 200) -> np.ndarray:
    """The exact solution of the PINN benchmark u_t + u u_x = ν u_xx on [−1, 1],
    u(x, 0) = −sin(πx), u(±1, t) = 0, at the points (x, t) (broadcast together).

    Cole–Hopf gives u = −∫ sin(π(x−η)) f(x−η) G dη / ∫ f(x−η) G dη with
    f(y) = exp(−cos(πy)/(2πν)) and the heat kernel G = exp(−η²/(4νt)); both integrals are
    Gauss–Hermite sums over η = 2√(νt) z (`nodes` nodes), taken in log space because f spans
    e^{±1/(2πν)}."""
    check_positive("nu", nu)
    check_integer("nodes", nodes, 2)
    if nodes > 350:
        raise ValueError(f"nodes={nodes} is outside the valid range [2, 350] (NumPy's "
                         f"Gauss-Hermite rule overflows beyond)")
    x, t = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(t, dtype=float))
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("t must be finite and >= 0")
    z, w = np.polynomial.hermite.hermgauss(nodes)
    y = x[..., None] - 2.0 * np.sqrt(nu * t)[..., None] * z
    a = -np.cos(np.pi * y) / (2 * np.pi * nu) + np.log(w)
    e = np.exp(a - a.max(-1, keepdims=True))
    return -(np.sin(np.pi * y) * e).sum(-1) / e.sum(-1)


def burgers_sine_spectral(n: int, times, *, nu: float = 0.01 / math.pi,
                          dt: float = 2e-4) -> tuple[np.ndarray, np.ndarray]:
    """The same benchmark by the periodic ETDRK4 solver: −sin(πx) is odd and 2-periodic, so
    the solution on [−1, 1) with period 2 keeps u(±1) = 0. Returns x (n points of [−1, 1))
    and u (len(times), n); `times` > 0 increasing."""
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or np.any(times <= 0) or np.any(np.diff(times) <= 0):
        raise ValueError("times must be a 1-D increasing array of times > 0")
    x = -1.0 + 2.0 * np.arange(n) / n
    # on x' = (x + 1)/2 in [0, 1): ν' = ν/2, t' = t/2, u0 = −sin(π(2x' − 1)) = sin(2πx')
    u = np.sin(np.pi * (x + 1.0))
    out, last = [], 0.0
    for t in times:
        u = solve_burgers(u, nu=nu / 2, t_end=(t - last) / 2, dt=dt / 2)[-1]
        out.append(u)
        last = t
    return x, np.stack(out)
