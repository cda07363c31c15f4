"""Closures of the moment model: the Bingham fit against the exact inversion and against
quadrature of the von Mises law, isotropic limit, rotation equivariance, autograd."""

import math

import numpy as np
import pytest
import torch

from solvers.spectral import bingham, bingham_h, bingham_h_exact, closure, m4_quadrature, quadratic


def test_bingham_fit_matches_the_exact_inversion():
    s = np.random.default_rng(0).uniform(0, 0.998 ** 2, 400)
    np.testing.assert_allclose(bingham_h(torch.tensor(s)).numpy(), bingham_h_exact(s),
                               rtol=0, atol=1e-9)
    assert bingham_h_exact(np.array([0.0]))[0] == 0.5


@pytest.mark.parametrize("lam", [0.3, 2.0, 8.0, 20.0])
def test_bingham_is_exact_for_a_von_mises_law(lam):
    # Ψ ∝ exp(λ cos 2(θ − θ₀)) is the 2D Bingham law: m₄ from quadrature must match
    theta = torch.arange(512, dtype=torch.float64) * (2 * math.pi / 512)
    psi = torch.exp(lam * torch.cos(2 * (theta - 0.7)))
    z = (psi * torch.exp(2j * theta)).sum() / psi.sum()
    assert abs(bingham(z) - m4_quadrature(psi, theta)) < 1e-9


@pytest.mark.parametrize("m4", [bingham, quadratic])
def test_isotropic_limit_and_rotation_equivariance(m4):
    assert m4(torch.zeros(3, dtype=torch.complex128)).abs().max() == 0
    z = torch.polar(torch.rand(50, dtype=torch.float64) * 0.95,
                    torch.rand(50, dtype=torch.float64) * 6.3)
    for phi in (0.3, 1.1, -2.0):
        rot = torch.exp(torch.tensor(2j * phi, dtype=torch.complex128))
        torch.testing.assert_close(m4(z * rot), m4(z) * rot ** 2, rtol=1e-12, atol=1e-14)
    # weak order: Bingham m₄ ≈ z²/2 (H(0) = 1/2), quadratic m₄ = z²
    small = torch.tensor([1e-4 + 2e-4j], dtype=torch.complex128)
    h0 = 0.5 if m4 is bingham else 1.0
    assert abs(m4(small) / small ** 2 - h0) < 1e-6


@pytest.mark.parametrize("m4", [bingham, quadratic])
def test_closures_pass_gradcheck(m4):
    def f(a, b):
        out = m4(torch.complex(a, b))
        return out.real, out.imag

    a = (torch.rand(6, dtype=torch.float64) - 0.5)
    b = (torch.rand(6, dtype=torch.float64) - 0.5)
    assert torch.autograd.gradcheck(f, (a.requires_grad_(), b.requires_grad_()))


def test_unknown_closure_is_refused():
    with pytest.raises(ValueError, match="closure="):
        closure("cubic")
    assert closure(quadratic) is quadratic  # a callable is taken as is
    named = closure("bingham")
    z = torch.tensor([0.3 + 0.2j], dtype=torch.complex128)
    assert named(z, None) == bingham(z) and named.uses_strain is False
