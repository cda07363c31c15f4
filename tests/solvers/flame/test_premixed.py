"""Cases 2 and 3 (CH4/air one-step flames): convergence order, structure, robustness, errors."""

import numpy as np
import pytest

from solvers.flame import (
    CounterflowParams,
    FlameConvergenceError,
    NewtonOptions,
    PremixedFlameParams,
    ch4_one_step_solution,
    solve_counterflow_flame,
    solve_premixed_flame,
)


@pytest.fixture(scope="module")
def lean():
    return solve_premixed_flame(PremixedFlameParams(phi=0.8), bisections=3)


def test_free_flame_speed_converges_at_second_order(lean):
    assert lean.attrs["observed_order"] == pytest.approx(2.0, abs=0.2)
    assert lean.attrs["flame_speed_error_estimate_m_s"] < 1e-5


def test_free_flame_conserves_mass_and_elements(lean):
    # Mass flux is uniform; mass fractions sum to one; complete lean combustion downstream.
    np.testing.assert_allclose(lean.rho * lean.u, lean.rho[0] * lean.flame_speed, rtol=1e-9)
    np.testing.assert_allclose(lean.Y.sum(axis=0), 1.0, atol=1e-8)
    ch4 = lean.species.index("CH4")
    assert lean.Y[ch4, -1] < 1e-6
    # Burnt gas at Cantera's adiabatic equilibrium temperature (complete combustion when lean).
    gas = ch4_one_step_solution()
    p = PremixedFlameParams(phi=0.8)
    gas.TPX = p.T_in, p.pressure, p.composition
    gas.equilibrate("HP")
    assert lean.T[-1] == pytest.approx(gas.T, rel=1e-4)


@pytest.mark.parametrize("phi", [0.6, 1.2])
def test_lean_and_rich_flames_converge(phi):
    sol = solve_premixed_flame(PremixedFlameParams(phi=phi), bisections=1)
    assert sol.flame_speed > 0.1 and np.isfinite(sol.residual)
    assert sol.T.max() > 1600.0


def test_counterflow_eigenvalue_converges_at_second_order():
    sol = solve_counterflow_flame(CounterflowParams(), bisections=2)
    assert sol.attrs["observed_order"] == pytest.approx(2.0, abs=0.2)
    np.testing.assert_allclose(sol.V[[0, -1]], 0.0, atol=1e-12)
    np.testing.assert_allclose(sol.rho[[0, -1]] * sol.u[[0, -1]], [1.0, -1.0], rtol=1e-9)


def test_newton_failure_reports_the_residual():
    opts = NewtonOptions(max_iterations=1, max_time_steps=0)
    with pytest.raises(FlameConvergenceError, match="residual reached"):
        solve_premixed_flame(PremixedFlameParams(phi=0.7), options=opts)


def test_bad_parameters_name_the_field():
    with pytest.raises(ValueError, match="^phi=0"):
        PremixedFlameParams(phi=0.0)
    with pytest.raises(ValueError, match="^width="):
        CounterflowParams(width=-1.0)
    with pytest.raises(ValueError, match="x_fix"):
        solve_premixed_flame(x_fix=0.02)
