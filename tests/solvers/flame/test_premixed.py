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


def _fitted_order(levels):
    """Slope of log|error| against log h over nested grids (h ∝ 1/(N - 1)); the reference is the
    Richardson extrapolation of the two finest grids, so the finest one is left out of the fit."""
    n = np.array([p for p, _ in levels], dtype=float)
    v = np.array([e for _, e in levels])
    v_inf = v[-1] + (v[-1] - v[-2]) / 3.0
    return np.polyfit(np.log(1.0 / (n[:-1] - 1.0)), np.log(np.abs(v[:-1] - v_inf)), 1)[0]


def test_free_flame_speed_converges_at_second_order(lean):
    assert len(lean.levels) == 4
    assert _fitted_order(lean.levels) == pytest.approx(2.0, abs=0.2)


def test_free_flame_conserves_elements(lean):
    # Diffusive fluxes vanish at both ends, so each element's mass fraction leaves as it entered
    # (inside the flame they differ: differential diffusion). Evaluated by Cantera.
    gas = ch4_one_step_solution()
    p = PremixedFlameParams(phi=0.8)
    Z = []
    for i in (0, -1):
        gas.TPY = lean.T[i], p.pressure, lean.Y[:, i]
        Z.append([gas.elemental_mass_fraction(e) for e in ("C", "H", "O", "N")])
    np.testing.assert_allclose(Z[1], Z[0], rtol=2e-5)  # measured 3e-6 (discretisation)
    ch4 = lean.species.index("CH4")
    assert lean.Y[ch4, -1] < 1e-6
    # Burnt gas at Cantera's adiabatic equilibrium temperature (complete combustion when lean).
    gas.TPX = p.T_in, p.pressure, p.composition
    gas.equilibrate("HP")
    assert lean.T[-1] == pytest.approx(gas.T, rel=1e-4)


@pytest.mark.parametrize("phi", [0.6, 1.2])
def test_lean_and_rich_flames_converge(phi):
    sol = solve_premixed_flame(PremixedFlameParams(phi=phi), bisections=1)
    assert sol.flame_speed > 0.1 and np.isfinite(sol.residual)
    assert sol.T.max() > 1600.0


def test_counterflow_eigenvalue_converges_at_second_order():
    sol = solve_counterflow_flame(CounterflowParams(), bisections=3)
    assert len(sol.levels) == 4
    assert _fitted_order(sol.levels) == pytest.approx(2.0, abs=0.2)
    assert sol.T.max() > 2200.0  # the burning branch


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
