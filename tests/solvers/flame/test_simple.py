"""Case 1 (simplified freely propagating flame): references, convergence order, robustness."""

import numpy as np
import pytest
import torch

from solvers.flame import (
    FlameConvergenceError,
    NewtonOptions,
    SimpleFlameParams,
    bisect,
    energy_residual,
    reaction_rate,
    solve_simple_flame,
)
from solvers.flame._simple import _Problem

# Published converged values at phi = 0.42, T_in = 298 K, 1 atm (spec flame.md).
S_GRADIENT = 0.292786
S_FREE = 0.293596


@pytest.mark.parametrize(("mode", "reference"), [("gradient", S_GRADIENT), ("free", S_FREE)])
def test_flame_speed_matches_published_converged_value(mode, reference):
    sol = solve_simple_flame(SimpleFlameParams(), mode=mode)
    assert sol.flame_speed == pytest.approx(reference, rel=5e-4)
    # The Richardson estimate must bound the actual error (with a safety factor 2).
    assert abs(sol.flame_speed - reference) < 2 * sol.attrs["flame_speed_error_estimate_m_s"] + 5e-6


@pytest.mark.parametrize("mode", ["gradient", "free"])
def test_flame_speed_converges_at_second_order(mode):
    base = solve_simple_flame(mode=mode, bisections=0)
    x, speeds, h = base.x, [], []
    for _ in range(5):
        sol = solve_simple_flame(mode=mode, grid=x, criteria=None, bisections=0,
                                 s_guess=base.flame_speed)
        speeds.append(sol.flame_speed)
        h.append(np.max(np.diff(x)))
        x = bisect(x)
    s = np.array(speeds)
    s_inf = s[-1] + (s[-1] - s[-2]) / 3.0  # Richardson on the two finest grids
    err = np.abs(s[:-1] - s_inf)
    slope = np.polyfit(np.log(h[:-1]), np.log(err), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.2)


def test_jacobian_matches_finite_differences():
    p = SimpleFlameParams(phi=0.45, T_in=400.0)
    x = np.sort(np.concatenate([np.linspace(0, 1.5e-3, 25), [3.3e-4, 4.1e-4, 4.4e-4]]))
    for mode in ("free", "gradient"):
        prob = _Problem(x, p, mode, 1e5, x[10], 0.5 * (p.T_in + p.T_ad))
        T = p.T_in + (p.T_ad - p.T_in) * 0.5 * (1 + np.tanh((x - 4.2e-4) / 1e-4))
        z = np.append(T, 0.37)
        J = prob.jacobian(z).toarray()
        Jfd = np.empty_like(J)
        for j in range(z.size):
            dz = np.zeros_like(z)
            dz[j] = 1e-6 * max(1.0, abs(z[j]))
            Jfd[:, j] = (prob.residual(z + dz) - prob.residual(z - dz)) / (2 * dz[j])
        assert np.max(np.abs(J - Jfd)) < 1e-6 * np.max(np.abs(J))


def test_physics_is_one_function_for_numpy_and_torch():
    p = SimpleFlameParams()
    T = np.linspace(p.T_in, p.T_ad + 50.0, 200)
    d1, d2 = np.full_like(T, 3e6), np.full_like(T, -2e9)
    ref = energy_residual(T, d1, d2, 0.3, p)
    Tt = torch.tensor(T, dtype=torch.float64, requires_grad=True)
    out = energy_residual(Tt, torch.tensor(d1), torch.tensor(d2), 0.3, p)
    np.testing.assert_allclose(out.detach().numpy(), ref, rtol=1e-12)
    (grad,) = torch.autograd.grad(reaction_rate(Tt, p).sum(), Tt)
    assert torch.isfinite(grad).all()
    # Burnt gas above the adiabatic temperature does not react.
    assert reaction_rate(np.array([p.T_ad + 10.0]), p)[0] == 0.0


@pytest.mark.parametrize("mode", ["free", "gradient"])
@pytest.mark.parametrize(("phi", "T_in", "p_atm"), [(0.40, 298.0, 1.0), (0.50, 600.0, 1.2),
                                                     (0.40, 600.0, 1.0), (0.50, 298.0, 1.2)])
def test_robust_from_tanh_guess_across_operating_range(mode, phi, T_in, p_atm):
    params = SimpleFlameParams(phi=phi, T_in=T_in, pressure=p_atm * 101325.0)
    speeds = [solve_simple_flame(params, mode=mode, s_guess=s0).flame_speed
              for s0 in (0.1, 0.4, 1.0)]
    assert max(speeds) / min(speeds) - 1.0 < 5e-4


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match=r"^phi=-0.1 .*\(0, 10\]"):
        SimpleFlameParams(phi=-0.1)
    with pytest.raises(ValueError, match="^T_in=0"):
        SimpleFlameParams(T_in=0.0)
    with pytest.raises(ValueError, match="mode='fast'"):
        solve_simple_flame(mode="fast")


def test_newton_failure_reports_the_residual():
    opts = NewtonOptions(max_iterations=1, max_time_steps=0)
    with pytest.raises(FlameConvergenceError, match="residual reached: [0-9.]+e[+-]\\d+") as info:
        solve_simple_flame(options=opts, s_guess=0.1)
    assert info.value.residual > 0.0


def test_global_energy_balance_and_burnt_temperature():
    # Integrating the energy equation over the domain (T'(L) = 0, T' ~ 0 at the inlet):
    # ρ_in s_L c_p (T(L) - T_in) = q_F ∫ ω dx. Checked on the solution, not by construction;
    # the mismatch (discretisation + quadrature) falls at second order: 2.4e-4, 5.9e-5, 1.5e-5
    # after 3, 4, 5 bisections.
    p = SimpleFlameParams()
    sol = solve_simple_flame(p, bisections=4)
    heat = p.heat_release * np.trapezoid(reaction_rate(sol.T, p), sol.x)
    enthalpy_flux = p.rho_in * sol.flame_speed * p.cp * (sol.T[-1] - sol.T[0])
    assert enthalpy_flux == pytest.approx(heat, rel=1e-4)
    # The burnt gas approaches T_ad only algebraically (order 1.6 in the fuel).
    assert sol.T[-1] == pytest.approx(p.T_ad, rel=2e-3) and sol.T[-1] < p.T_ad
    ds = sol.to_xarray()
    assert ds["T"].attrs["units"] == "K" and ds.attrs["flame_speed_m_s"] == sol.flame_speed
