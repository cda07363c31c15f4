"""The 2D kinetic solver: the 1D(x)+θ solver for y-independent data, the moment model's
right-hand side with the exact m₄ for y-dependent data, the linear growth rate, second order in
time, a quarter turn, conservation and bad input."""

import math

import pytest
import torch

from solvers.spectral import ActiveFluidParams, Kinetic1D, Kinetic2D, MomentSolver2D

P = ActiveFluidParams(alpha=-2.5, beta=0.8, zeta=0.4, dT=0.05, dR=0.05)


def test_y_independent_runs_match_the_1d_solver():
    # the 1D solver's algebraic Stokes is exact; 40 fixed-point iterations converge the 2D one
    n, nt = 48, 32
    k1 = Kinetic1D(P, nx=n, ntheta=nt, dt=0.01)
    k2 = Kinetic2D(P, n=n, ny=8, ntheta=nt, dt=0.01, stokes_iterations=40)
    psi1 = k1.isotropic(1, amplitude=0.3, seed=2)
    a = k1.run(psi1, 1.0).psi[-1]
    b = k2.run(psi1[:, :, None, :].expand(1, n, 8, nt).clone(), 1.0).psi[-1]
    assert (a - psi1).abs().max() > 1e-2  # Ψ moved
    torch.testing.assert_close(b, a[:, :, None, :].expand_as(b), rtol=0, atol=1e-9)


def test_right_hand_side_matches_the_moment_model_with_the_exact_m4():
    # for a y-dependent Ψ with c ≡ 1, ∫ e^{2iθ} ∂ₜΨ dθ is the moment model's dz/dt with m₄ of Ψ
    n, nt = 32, 32
    kin = Kinetic2D(P, n=n, ntheta=nt, dt=0.01, stokes_iterations=40)
    X, Y = torch.meshgrid(kin.x, kin.y, indexing="ij")
    th = kin.theta
    k = 2 * math.pi / P.L
    psi = (1 + 0.3 * torch.cos(k * X + 2 * k * Y)[..., None] * torch.sin(2 * th)
           + 0.25 * torch.sin(k * Y)[..., None] * torch.cos(2 * th - 0.4)
           + 0.2 * torch.cos(2 * k * X)[..., None] * torch.cos(4 * th)
           + 0.1 * torch.sin(k * X - k * Y)[..., None] * torch.sin(th)) / (2 * math.pi)
    psi = psi[None]
    n_hat, _ = kin.nonlinear(psi)
    dpsi = torch.fft.irfftn(kin.linear * torch.fft.rfftn(psi, dim=(-3, -2, -1)) + n_hat,
                            s=psi.shape[1:], dim=(-3, -2, -1))
    dz_kin = (dpsi * torch.exp(2j * th)).sum(-1) * kin.dtheta

    mom = kin.moments(psi)
    assert (mom["c"] - 1).abs().max() < 1e-14
    m4 = mom["m4"]
    solver = MomentSolver2D(P, n=n, dt=0.01, closure=lambda z, e: m4, stokes_iterations=40)
    z = mom["z"]
    nz, _ = solver.nonlinear(z)
    dz_mom = torch.fft.ifft2(nz + solver.linear * torch.fft.fft2(z))
    torch.testing.assert_close(dz_mom, dz_kin, rtol=0, atol=1e-10)


@pytest.mark.parametrize(("alpha", "zeta", "L", "mode"),
                         [(-1.0, 0.0, 20.0, 1), (-3.0, 0.5, 10.0, 2), (-2.0, 0.3, 10.0, 1)])
def test_shear_growth_rate_matches_the_formula(alpha, zeta, L, mode):
    p = ActiveFluidParams(alpha=alpha, zeta=zeta, L=L)
    k = Kinetic2D(p, n=16, ny=8, ntheta=16, dt=0.02)
    run = k.run(k.shear_mode(amplitude=1e-6, mode=mode), 6.0, save_every=2.0)
    b = [torch.fft.fft(k.moments(ps)["z"].imag.mean(-1))[0, mode].abs().item()
         for ps in run.psi]
    rate = math.log(b[3] / b[1]) / 4.0
    assert rate / p.shear_growth_rate(2 * math.pi * mode / L) == pytest.approx(1.0, abs=1e-3)


def test_nonlinear_run_is_second_order_in_time_and_conserves_the_mean():
    ends = []
    for dt in (0.04, 0.02, 0.01):
        k = Kinetic2D(ActiveFluidParams(alpha=-3.0, zeta=0.5), n=16, ntheta=16, dt=dt)
        psi0 = k.isotropic(1, amplitude=0.6, seed=1)
        ends.append(k.run(psi0, 2.0).psi[-1])
        assert abs(ends[-1].mean() - psi0.mean()) < 1e-15
    ratio = (ends[0] - ends[1]).abs().max() / (ends[1] - ends[2]).abs().max()
    assert 3.4 < ratio < 4.6, ratio


def test_a_step_commutes_with_a_quarter_turn():
    # a quarter turn of the box moves Ψ(x, θ) to Ψ(R⁻¹x, θ − π/2)
    k = Kinetic2D(ActiveFluidParams(alpha=-4.0, zeta=1.0), n=16, ntheta=16, dt=0.01)
    psi0 = k.isotropic(1, amplitude=0.6, seed=2)

    def rot(psi):
        return torch.roll(torch.rot90(psi, 1, dims=(1, 2)), 16 // 4, dims=-1)

    a = rot(k.run(psi0, 0.1).psi[-1])
    b = k.run(rot(psi0), 0.1).psi[-1]
    assert (b - psi0).abs().max() > 1e-4
    torch.testing.assert_close(a, b, rtol=0, atol=1e-13)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="ntheta="):
        Kinetic2D(P, ntheta=15)
    with pytest.raises(ValueError, match="ny="):
        Kinetic2D(P, ny=6)
    with pytest.raises(ValueError, match="stokes_iterations="):
        Kinetic2D(P, stokes_iterations=0)
    k = Kinetic2D(P, n=8, ntheta=8)
    with pytest.raises(ValueError, match="psi0 must have shape"):
        k.run(torch.ones(1, 8, 8), 0.1)
    with pytest.raises(ValueError, match="t_end="):
        k.run(k.isotropic(), 0.015)
