"""Fast version of validation/battery_vs_pybamm.py: our SPM and P2D against PyBaMM's on the
same mesh (the full table, 0.5/1/2C on 40 cells per domain, is in the validation script)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "validation"))
from battery_vs_pybamm import compare  # noqa: E402


@pytest.mark.parametrize(("kind", "c_rate", "points", "dv_mV"), [
    ("spm", 2.0, 20, 1.0), ("p2d", 1.0, 20, 2.0)])
def test_agrees_with_pybamm(kind, c_rate, points, dv_mV):
    row = compare(kind, c_rate, points)
    assert row["termination"] == "lower cut-off"
    assert row["max_abs_dV_mV"] <= dv_mV
    assert abs(row["cutoff_rel_diff"]) <= 2e-3
    assert row["neg_surface_rel_diff"] <= 5e-3
    assert row["pos_surface_rel_diff"] <= 5e-3
    if kind == "p2d":
        assert row["electrolyte_rel_diff"] <= 5e-3
