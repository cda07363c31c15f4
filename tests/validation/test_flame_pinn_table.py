"""The FlamePINN table (`validation/flame_pinn_vs_classical.py`), slow (about 5 minutes)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation"))
from flame_pinn_vs_classical import compare  # noqa: E402

from sciml.pinn import FlamePINNConfig  # noqa: E402


@pytest.fixture(scope="module")
def row():
    return compare("gradient", 0.42, 0.4, FlamePINNConfig())


@pytest.mark.slow
def test_forward_gradient_mode_flame_speed(row):
    # Acceptance: 0.1 %; measured +0.015 % to +0.028 % over runs.
    assert abs(row["flame_speed_rel_error"]) <= 1e-3
    assert row["T_rel_l2"] <= 1e-2  # measured 5e-4 to 7e-3: see the next test


@pytest.mark.slow
@pytest.mark.xfail(reason="issue 3 open: T relative L2 <= 2e-3 is reached in some runs "
                          "(5e-4) but not reliably (7e-3)", strict=False)
def test_forward_gradient_mode_temperature_acceptance(row):
    assert row["T_rel_l2"] <= 2e-3
