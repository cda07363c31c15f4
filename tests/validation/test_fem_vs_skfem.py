"""Acceptance: our P1 (and Q1) mass and stiffness matrices equal scikit-fem's to 1e-12 on the
same meshes (`validation/fem_vs_skfem.py`); the assembly-speed table runs there, not here."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "validation"))
from fem_vs_skfem import agreement  # noqa: E402


def test_matrices_match_scikit_fem():
    rows = agreement()
    assert {r["element"] for r in rows} == {"p1", "q1"}
    for r in rows:
        assert r["stiffness_rel_diff"] < 1e-12, r
        assert r["mass_rel_diff"] < 1e-12, r
