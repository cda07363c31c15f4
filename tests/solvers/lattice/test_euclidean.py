"""Euclidean 2D U(1): the exact torus results against the spec, the HMC integrator's order,
reversibility and force, and HMC against the exact plaquette."""

import math

import numpy as np
import pytest
import torch

from solvers.lattice import (
    action,
    hmc,
    leapfrog,
    plaquette_exact,
    plaquettes,
    topological_susceptibility_exact,
)
from solvers.lattice._euclidean import _force


def test_exact_values_match_the_spec():
    assert plaquette_exact(2.0, 8) == pytest.approx(0.697775, abs=1e-6)
    assert plaquette_exact(4.0, 8) == pytest.approx(0.863530, abs=1e-6)
    assert topological_susceptibility_exact(2.0, 8) == pytest.approx(1.2393, abs=1e-4)
    # large volume: the infinite-volume I1/I0
    from scipy.special import i0, i1
    assert plaquette_exact(2.0, 64) == pytest.approx(i1(2.0) / i0(2.0), rel=1e-12)


def _random(L=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    return 2 * math.pi * torch.rand(2, 2, L, L, generator=g, dtype=torch.float64)


def test_plaquettes_telescope_and_the_charge_is_an_integer():
    p = plaquettes(_random())
    assert p.sum((-2, -1)).abs().max() < 1e-10  # each link enters twice with opposite signs
    wrapped = torch.remainder(p + math.pi, 2 * math.pi) - math.pi
    q = wrapped.sum((-2, -1)) / (2 * math.pi)
    assert (q - q.round()).abs().max() < 1e-10


def test_force_is_minus_the_action_gradient():
    theta = _random().requires_grad_()
    (g,) = torch.autograd.grad(action(theta, 1.7).sum(), theta)
    torch.testing.assert_close(_force(theta.detach(), 1.7), -g, rtol=0, atol=1e-12)


def test_leapfrog_is_reversible_and_second_order():
    theta0, pi0 = _random(seed=1), torch.randn(2, 2, 6, 6, dtype=torch.float64)
    th, pi = leapfrog(theta0, pi0, 2.0, 0.05, 20)
    back, pi_back = leapfrog(th, -pi, 2.0, 0.05, 20)
    torch.testing.assert_close(back, theta0, rtol=0, atol=1e-11)
    torch.testing.assert_close(-pi_back, pi0, rtol=0, atol=1e-11)

    def dH(eps):
        th, pi = leapfrog(theta0, pi0, 2.0, eps, round(1.0 / eps))
        h0 = 0.5 * (pi0 ** 2).sum((1, 2, 3)) + action(theta0, 2.0)
        return (0.5 * (pi ** 2).sum((1, 2, 3)) + action(th, 2.0) - h0).abs().max().item()

    errors = [dH(eps) for eps in (0.1, 0.05, 0.025)]
    for a, b in zip(errors, errors[1:], strict=False):
        assert 3.4 < a / b < 4.6, errors


@pytest.mark.parametrize("beta", [2.0, 4.0])
def test_hmc_reproduces_the_exact_plaquette(beta):
    run = hmc(beta, 8, 400, chains=16, step_size=0.1, steps=10, thermalize=100, seed=0)
    per_chain = run.plaquette.mean(0)
    stderr = per_chain.std(ddof=1) / np.sqrt(per_chain.size)
    assert abs(per_chain.mean() - plaquette_exact(beta, 8)) < 3 * stderr
    assert stderr < 3e-3 and run.accepted.mean() > 0.8
    assert np.all(run.charge == np.round(run.charge))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="beta="):
        plaquette_exact(0.0, 8)
    with pytest.raises(ValueError, match="L="):
        hmc(2.0, 1, 10)
    with pytest.raises(ValueError, match="step_size="):
        hmc(2.0, 8, 10, step_size=-0.1)
