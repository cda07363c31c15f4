"""The active_fluid_2d case script: the linear growth rate of a shear mode, a short turbulence
run, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "active_fluid_2d.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=600)


def test_linear_mode_growth_rate_matches_theory(tmp_path):
    r = _run("--linear-mode", "2", "--alpha", "-3", "--zeta", "0.5", "--n", "16", "--dt",
             "0.02", "--t-end", "6", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["growth_rate_theory"] == pytest.approx(0.9483158920640125, rel=1e-12)
    assert s["growth_rate_rel_error"] < 1e-3
    assert (tmp_path / "growth.png").stat().st_size > 10_000


def test_quick_turbulence_run(tmp_path):
    r = _run("--quick", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    # ζ = 2 > 4 d_R: the isotropic state orders (|z| grows from 0.05-level noise) and flows
    # (seen: order parameter 0.81, u_rms 1.0)
    assert 0.2 < s["order_parameter_final"] < 1.0
    assert s["u_rms"] > 1e-3
    ds = read_dataset(tmp_path / "fields.nc")
    assert ds["vorticity"].shape == (1, 64, 64)
    assert float(ds["energy_spectrum"].sum()) > 0
    for png in ("spectrum.png", "vorticity.png"):
        assert (tmp_path / png).stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["--dT", "-0.1"], "argument --dT"),
    (["--n", "33"], "argument --n"),
    (["--dt", "0.5", "--zeta", "17", "--alpha", "-5"], "argument --dt"),
    (["--linear-mode", "40", "--n", "32"], "argument --linear-mode"),
])
def test_bad_input_exits_2(tmp_path, args, message):
    r = _run(*args, "--out", str(tmp_path))
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
