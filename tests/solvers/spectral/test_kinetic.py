"""The 1D(x)+θ kinetic reference: linear growth rate of the shear mode (within 1e-3 of the
formula), second order in time, conservation of the concentration."""

import math

import pytest
import torch

from solvers.spectral import ActiveFluidParams, Kinetic1D

CASES = [(-1.0, 0.0, 20.0, 1), (-3.0, 0.5, 10.0, 2), (-2.0, 0.3, 10.0, 1)]


def _growth_error(alpha, zeta, L, mode, dt):
    p = ActiveFluidParams(alpha=alpha, zeta=zeta, L=L)
    s = Kinetic1D(p, nx=16, ntheta=16, dt=dt)
    snaps = s.run(s.isotropic(amplitude=1e-6, mode=mode), 6.0, save_every=2.0).psi
    b = [torch.fft.fft(s.moments(q)["D12"])[0, mode].abs().item() for q in snaps]
    rate = math.log(b[3] / b[1]) / 4.0
    theory = p.shear_growth_rate(2 * math.pi * mode / L)
    return rate / theory - 1


@pytest.mark.parametrize(("alpha", "zeta", "L", "mode"), CASES)
def test_shear_growth_rate_matches_the_formula(alpha, zeta, L, mode):
    assert abs(_growth_error(alpha, zeta, L, mode, 0.02)) < 1e-3


def test_growth_rate_error_is_second_order_in_time():
    e1, e2 = (abs(_growth_error(-3.0, 0.5, 10.0, 2, dt)) for dt in (0.04, 0.02))
    assert 3.3 < e1 / e2 < 4.8, (e1, e2)


def test_isotropic_moments_and_conservation():
    p = ActiveFluidParams(alpha=-4.0, zeta=1.0)
    s = Kinetic1D(p, nx=32, ntheta=32, dt=0.01)
    mom = s.moments(s.isotropic())
    torch.testing.assert_close(mom["D11"], torch.full_like(mom["D11"], 0.5))
    torch.testing.assert_close(mom["S1122"], torch.full_like(mom["D11"], 0.125))
    psi0 = s.isotropic(2, amplitude=0.5, seed=3)
    snaps = s.run(psi0, 1.0).psi
    c0, c1 = (s.moments(q)["c"] for q in (psi0, snaps[-1]))
    torch.testing.assert_close(c1.mean(-1), c0.mean(-1), rtol=0, atol=1e-13)
    assert (snaps[-1] - psi0).abs().max() > 1e-3  # it did evolve


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="dT"):
        ActiveFluidParams(dT=-0.1)
    with pytest.raises(ValueError, match="nx"):
        Kinetic1D(ActiveFluidParams(), nx=15)
    with pytest.raises(ValueError, match="t_end"):
        s = Kinetic1D(ActiveFluidParams(), nx=8, ntheta=8, dt=0.1)
        s.run(s.isotropic(), 0.25)
