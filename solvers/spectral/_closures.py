"""Closures of the 2D moment model: the fourth moment m₄ = ⟨e^{4iθ}⟩ from the second, z.

In 2D the orientation tensor D (trace 1) is the complex number z = (D₁₁ − D₂₂) + 2i D₁₂ and
the closure term of the moment equation needs only m₄. A closure is a function
``m4(z) -> complex tensor`` of torch tensors (any shape), differentiable with autograd.

- ``quadratic``: m₄ = z² (exact only for perfectly aligned states).
- ``bingham``: Ψ ∝ exp(B:pp) with ⟨pp⟩ = D. In 2D that is a von Mises law in 2θ with
  concentration λ: |z| = I₁(λ)/I₀(λ) and m₄ = (I₂(λ)/I₀(λ)) z²/|z|² = (1 − 2|z|/λ) z²/|z|².
  Fast, differentiable form: m₄ = z² H(|z|²), H a Chebyshev series in s = |z|² fitted once to
  the exact inversion (`bingham_h_exact`), H(0) = ½, H → 1 as |z| → 1.

Every closure is rotation-equivariant: rotating the frame by φ maps z → z e^{2iφ} and
m₄ → m₄ e^{4iφ}, which ``z² H(|z|²)`` does by construction.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

S_MAX = 0.999 ** 2
"""Largest |z|² the Bingham fit covers; larger values are clipped to it (λ ≈ 500)."""
DEGREE = 48


def bingham_h_exact(s: np.ndarray) -> np.ndarray:
    """H(s) = m₄ / z² of the Bingham closure at s = |z|², by inverting |z| = I₁(λ)/I₀(λ)
    (Newton on λ, exponentially scaled Bessel functions). For fits and tests; use
    :func:`bingham` in solvers."""
    from scipy.special import ive

    s = np.atleast_1d(np.asarray(s, dtype=float))
    r = np.sqrt(s)
    if np.any((r < 0) | (r >= 1)):
        raise ValueError("s must lie in [0, 1)")
    out = np.full(r.shape, 0.5)
    for k, rk in enumerate(r):
        if rk < 1e-6:
            continue  # series: I₂/I₀ / r² → ½ as λ → 0
        lam = 2 * rk * (2 - rk ** 2) / (1 - rk ** 2)  # a standard starting guess
        for _ in range(100):
            i0, i1, i2 = ive(0, lam), ive(1, lam), ive(2, lam)
            f = i1 / i0 - rk
            # d(I₁/I₀)/dλ = (I₀ + I₂)/(2 I₀) − (I₁/I₀)²
            df = 0.5 * (1 + i2 / i0) - (i1 / i0) ** 2
            step = f / df
            lam = max(lam - step, 0.5 * lam)
            if abs(step) < 1e-14 * lam:
                break
        out[k] = (ive(2, lam) / ive(0, lam)) / rk ** 2
    return out


@lru_cache(maxsize=1)
def _bingham_coefficients() -> np.ndarray:
    """Chebyshev coefficients of H on s ∈ [0, S_MAX] (mapped to [−1, 1])."""
    n = 4 * DEGREE
    x = np.cos(np.pi * (np.arange(n) + 0.5) / n)  # Chebyshev points of the first kind
    h = bingham_h_exact(0.5 * S_MAX * (x + 1))
    return np.polynomial.chebyshev.chebfit(x, h, DEGREE)


def _chebyshev(x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """Clenshaw evaluation of Σ cₖ Tₖ(x)."""
    b1 = torch.zeros_like(x)
    b2 = torch.zeros_like(x)
    for ck in torch.flip(c[1:], (0,)):
        b1, b2 = ck + 2 * x * b1 - b2, b1
    return c[0] + x * b1 - b2


def bingham_h(s: torch.Tensor) -> torch.Tensor:
    """H(s) of the Bingham closure from its Chebyshev fit (s clipped to [0, S_MAX])."""
    c = torch.as_tensor(_bingham_coefficients(), dtype=s.dtype, device=s.device)
    x = 2 * torch.clamp(s, 0.0, S_MAX) / S_MAX - 1
    return _chebyshev(x, c)


def bingham(z: torch.Tensor) -> torch.Tensor:
    """Bingham closure m₄ = z² H(|z|²)."""
    return z * z * bingham_h(z.real ** 2 + z.imag ** 2)


def quadratic(z: torch.Tensor) -> torch.Tensor:
    """Quadratic closure m₄ = z²."""
    return z * z


CLOSURES = {"quadratic": quadratic, "bingham": bingham}


def closure(name_or_fn) -> callable:
    """The solver's closure ``m4(z, e)``: a named one (``"quadratic"``, ``"bingham"``; they
    ignore the strain rate e and say so with ``uses_strain = False``) or a callable as is."""
    if callable(name_or_fn):
        return name_or_fn
    try:
        fn = CLOSURES[name_or_fn]
    except KeyError:
        raise ValueError(f"closure={name_or_fn!r}; choose from {', '.join(CLOSURES)} or pass "
                         "a callable m4(z, e)") from None

    def m4(z, e=None):
        return fn(z)

    m4.uses_strain = False
    m4.__name__ = fn.__name__
    return m4


def m4_quadrature(psi: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """m₄ = ∫ e^{4iθ} Ψ dθ / ∫ Ψ dθ on a uniform θ grid (last axis of `psi`)."""
    w = torch.exp(4j * theta.to(torch.complex128 if psi.dtype == torch.float64
                                else torch.complex64))
    return (psi * w).sum(-1) / psi.sum(-1)
