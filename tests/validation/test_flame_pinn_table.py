"""The FlamePINN acceptance rows (`validation/flame_pinn_vs_classical.py`), slow (~5 min each)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation"))
from flame_pinn_vs_classical import compare, compare_premixed, invert  # noqa: E402

from sciml.pinn import FlamePINNConfig  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize(("phi", "s_guess"), [(0.40, 0.1), (0.50, 0.8)])
def test_forward_gradient_mode(phi, s_guess):
    # Acceptance: |s_L error| <= 0.1 %, T relative L2 <= 2e-3, under 10 minutes.
    row = compare("gradient", phi, s_guess, FlamePINNConfig())
    assert abs(row["flame_speed_rel_error"]) <= 1e-3
    assert row["T_rel_l2"] <= 2e-3
    assert row["train_seconds"] < 600


@pytest.mark.slow
def test_inverse_recovers_constants_with_covering_intervals():
    row = invert(0.46, 0)
    for name, tol in (("flame_speed", 0.01), ("conductivity", 0.05),
                      ("activation_energy", 0.02)):
        assert abs(row[name]["rel_error"]) <= tol, (name, row[name])
        assert row[name]["covers"], (name, row[name])


@pytest.mark.slow
@pytest.mark.parametrize(("case", "tol"), [("ch4", 0.02), ("counterflow", 0.05)])
def test_premixed_cases(case, tol):
    # Acceptance: Case 2 s_L within 2 %, Case 3 Λ within 5 % of the classical solver.
    row = compare_premixed(case, 0.8)
    assert abs(row["eigenvalue_rel_error"]) <= tol, row
    assert row["Y_min"] > 0.0 and row["Y_sum_max_deviation"] < 1e-12
