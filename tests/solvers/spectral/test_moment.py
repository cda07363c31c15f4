"""The 2D moment solver: its complex-form right-hand side against quadrature of the kinetic
equation, the linear growth rate of the shear mode, second order in time, rotation
equivariance of a step, autograd through a rollout, bad input."""

import math

import pytest
import torch

from solvers.spectral import (
    ActiveFluidParams,
    Kinetic1D,
    MomentSolver2D,
    MomentState,
    energy_spectrum,
    m4_quadrature,
    order_parameter,
    u_rms,
)

CASES = [(-1.0, 0.0, 20.0, 1), (-3.0, 0.5, 10.0, 2), (-2.0, 0.3, 10.0, 1)]


def test_right_hand_side_matches_the_kinetic_equation():
    # dz/dt of the moment model, with the exact m₄ of Ψ, equals ∫ e^{2iθ} ∂ₜΨ dθ of the
    # kinetic equation for a y-independent, strongly non-isotropic Ψ
    p = ActiveFluidParams(alpha=-2.5, beta=0.8, zeta=1.3, dT=0.07, dR=0.03)
    n = 32  # fine enough that the two models' 2/3 truncations differ only at round-off
    kin = Kinetic1D(p, nx=n, ntheta=32, dt=0.01)
    x, th = kin.x[:, None], kin.theta[None, :]
    k = 2 * math.pi / p.L
    psi = (1 + 0.3 * torch.cos(k * x) * torch.sin(2 * th) + 0.25 * torch.sin(k * x)
           * torch.cos(2 * th - 0.4) + 0.2 * torch.cos(2 * k * x) * torch.cos(4 * th)
           + 0.1 * torch.sin(th)) / (2 * math.pi)
    psi = psi[None]
    dpsi = torch.fft.irfft2(kin.linear * torch.fft.rfft2(psi) + kin.nonlinear(psi),
                            s=psi.shape[1:])
    dz_kin = (dpsi * torch.exp(2j * kin.theta)).sum(-1) * kin.dtheta

    z = kin.moments(psi)["z"]  # (1, n): depends on x only
    m4 = m4_quadrature(psi, kin.theta)
    mom = MomentSolver2D(p, n=n, dt=0.01, closure=lambda zz, e: m4[:, :, None].expand_as(zz),
                         stokes_iterations=40)
    z2 = z[:, :, None].expand(1, n, n).clone()
    n_hat, _ = mom.nonlinear(z2)
    dz_mom = torch.fft.ifft2(n_hat + mom.linear * torch.fft.fft2(z2))
    torch.testing.assert_close(dz_mom[:, :, 0], dz_kin, rtol=0, atol=1e-10)


def _growth_error(alpha, zeta, L, mode, dt):
    p = ActiveFluidParams(alpha=alpha, zeta=zeta, L=L)
    s = MomentSolver2D(p, n=16, dt=dt)
    snaps = s.run(s.shear_mode(amplitude=1e-6, mode=mode), 6.0, save_every=2.0).z
    b = [torch.fft.fft(q.imag.mean(-1))[0, mode].abs().item() for q in snaps]
    return (math.log(b[3] / b[1]) / 4.0) / p.shear_growth_rate(2 * math.pi * mode / L) - 1


@pytest.mark.parametrize(("alpha", "zeta", "L", "mode"), CASES)
def test_shear_growth_rate_matches_the_formula(alpha, zeta, L, mode):
    assert abs(_growth_error(alpha, zeta, L, mode, 0.02)) < 1e-3


def test_nonlinear_run_is_second_order_in_time():
    p = ActiveFluidParams(alpha=-3.0, zeta=0.5)
    ends = []
    for dt in (0.04, 0.02, 0.01):
        s = MomentSolver2D(p, n=16, dt=dt)
        ends.append(s.run(s.isotropic(2, amplitude=0.3, seed=1), 2.0).z[-1])
    ratio = (ends[0] - ends[1]).abs().max() / (ends[1] - ends[2]).abs().max()
    assert 3.4 < ratio < 4.6, ratio


def test_a_step_commutes_with_a_quarter_turn():
    # rotating the box by 90° maps z(x) → −z(R⁻¹x) (z turns by 2 × 90°)
    s = MomentSolver2D(ActiveFluidParams(alpha=-4.0, zeta=1.0), n=16, dt=0.01)
    z0 = s.isotropic(1, amplitude=0.4, seed=2)

    def rot(z):
        return -torch.rot90(z, 1, dims=(1, 2))

    a = rot(s.run(z0, 0.1).z[-1])
    b = s.run(rot(z0), 0.1).z[-1]
    torch.testing.assert_close(a, b, rtol=0, atol=1e-12)


def test_gradient_flows_to_alpha_through_a_rollout():
    alpha = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    s = MomentSolver2D(ActiveFluidParams(alpha=alpha), n=16, dt=0.02)
    z0 = s.isotropic(1, amplitude=0.2, seed=0)
    z = s.run(z0, 0.4, detach=False).z[-1]
    loss = (z.abs() ** 2).mean()
    (g,) = torch.autograd.grad(loss, alpha)
    h = 1e-5
    lp, lm = ((MomentSolver2D(ActiveFluidParams(alpha=-2.0 + d), n=16, dt=0.02)
               .run(z0, 0.4).z[-1].abs() ** 2).mean() for d in (h, -h))
    assert g.item() == pytest.approx(((lp - lm) / (2 * h)).item(), rel=1e-6)


def test_bad_input_and_blow_up_are_reported():
    with pytest.raises(ValueError, match="n="):
        MomentSolver2D(ActiveFluidParams(), n=15)
    with pytest.raises(ValueError, match="dt="):
        MomentSolver2D(ActiveFluidParams(), dt=-1.0)
    with pytest.raises(ValueError, match="dt=0.05 is unstable"):
        MomentSolver2D(ActiveFluidParams(alpha=-5.0, zeta=17.0), n=16, dt=0.05)
    s = MomentSolver2D(ActiveFluidParams(), n=16, dt=0.01)
    with pytest.raises(FloatingPointError, match="realizable range"):
        s.run(torch.full((1, 16, 16), 1.2 + 0j, dtype=torch.complex128), 0.02)


def test_diagnostics_of_a_known_field():
    # u = (a cos(2π·3x/L), 0): energy ½⟨|u|²⟩ = a²/4, all in shell 3; |z| = 0.4 everywhere
    n, L, a = 32, 10.0, 0.7
    x = torch.arange(n, dtype=torch.float64) * (L / n)
    u = torch.zeros(1, 2, n, n, dtype=torch.float64)
    u[0, 0] = a * torch.cos(2 * math.pi * 3 * x / L)[:, None]
    k, e = energy_spectrum(u, L)
    assert k[2].item() == pytest.approx(2 * math.pi * 3 / L)
    assert e[0, 2].item() == pytest.approx(a ** 2 / 4, rel=1e-12)
    assert e.sum().item() == pytest.approx(a ** 2 / 4, rel=1e-12)
    assert u_rms(u).item() == pytest.approx(a / math.sqrt(2), rel=1e-12)
    z = torch.polar(torch.full((1, n, n), 0.4, dtype=torch.float64),
                    torch.rand(1, n, n, dtype=torch.float64))
    assert order_parameter(z).item() == pytest.approx(0.4, rel=1e-12)


def test_a_resumed_run_ends_bit_for_bit_where_the_whole_run_ends():
    s = MomentSolver2D(ActiveFluidParams(alpha=-3.0, zeta=0.5), n=16, dt=0.01)
    z0 = s.isotropic(2, amplitude=0.3, seed=4)
    states = []
    whole = s.run(z0, 1.0, save_every=0.1, checkpoint=states.append)
    assert [st.step for st in states] == list(range(10, 100, 10))
    mid = MomentState.from_state_dict(states[4].state_dict())  # as written and read back
    resumed = s.run(None, 1.0, save_every=0.1, resume=mid)
    assert torch.equal(resumed.z, whole.z) and torch.equal(resumed.times, whole.times)
    with pytest.raises(ValueError, match="resume state is of another run"):
        s.run(None, 2.0, save_every=0.1, resume=mid)
