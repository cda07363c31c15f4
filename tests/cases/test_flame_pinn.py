"""The flame_pinn case script: a seeded --quick run, its outputs, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "flame_pinn.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=600)


def test_quick_forward_gradient_mode(tmp_path):
    r = _run("--quick", "--out", str(tmp_path), "--seed", "0")
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    # The seeded learner test with a loose bound for the short run (1500 Adam + 300 L-BFGS
    # iterations; measured: s_L -0.11 %, T relative L2 5.8e-2).
    assert abs(s["flame_speed_rel_error"]) < 1e-2
    assert s["T_rel_l2"] < 0.15
    assert s["classical_flame_speed_m_s"] == pytest.approx(0.292786, rel=5e-4)
    ds = read_dataset(tmp_path / "fields.nc")
    assert {"T_pinn", "T_classical"} <= set(ds.data_vars)
    hist = read_dataset(tmp_path / "history.nc")
    assert "flame_speed_m_s" in hist and hist.sizes["iteration"] > 10
    for png in ("profiles.png", "history.png"):
        assert (tmp_path / png).stat().st_size > 10_000


@pytest.mark.parametrize(("args", "flag"), [(["--s-guess", "0"], "--s-guess"),
                                            (["--phi", "-1"], "--phi"),
                                            (["--iterations", "1.5"], "--iterations"),
                                            (["--case", "ch4"], "--case")])
def test_bad_input_exits_2(tmp_path, args, flag):
    r = _run(*args, "--out", str(tmp_path))
    assert r.returncode == 2 and flag in r.stderr and r.stderr.count("\n") == 1
