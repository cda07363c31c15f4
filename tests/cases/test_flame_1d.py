"""The flame_1d case script: --quick runs, outputs, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "flame_1d.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("mode", "reference"), [("free", 0.293596), ("gradient", 0.292786)])
def test_quick_simple_case(tmp_path, mode, reference):
    r = _run("--quick", "--mode", mode, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["case"] == "flame_1d" and s["quick"] is True
    assert s["flame_speed_m_s"] == pytest.approx(reference, rel=1e-3)
    assert s["T_max_K"] > 5000.0 and s["grid_points"] > 100 and s["newton_iterations"] > 0
    assert s["seconds"] < 60.0
    ds = read_dataset(tmp_path / "fields.nc")
    assert ds["T"].dims == ("x_m",) and ds["x_m"].attrs["units"] == "m"
    assert (tmp_path / "flame_structure.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("case", "key", "value", "rel"),
    # Cantera's grid-extrapolated values (validation/flame_vs_cantera.py; re-derived live in
    # tests/solvers/flame/test_reference.py).
    [("ch4", "flame_speed_m_s", 0.380915, 1e-3),
     ("counterflow", "strain_eigenvalue_Pa_m2", -16555.3, 1e-3)],
)
def test_quick_ch4_and_counterflow(tmp_path, case, key, value, rel):
    r = _run("--quick", "--case", case, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["flame_case"] == case and s[key] == pytest.approx(value, rel=rel)
    assert 2200.0 < s["T_max_K"] < 2400.0 and s["seconds"] < 60.0
    ds = read_dataset(tmp_path / "fields.nc")
    assert {"T", "u", "Y_CH4", "Y_O2", "Y_N2"} <= set(ds.data_vars)
    assert (tmp_path / "flame_structure.png").exists()


@pytest.mark.parametrize(
    ("args", "flag"),
    [(["--phi", "0"], "--phi"), (["--phi", "-1"], "--phi"), (["--T-in", "0"], "--T-in"),
     (["--T-in", "hot"], "--T-in"), (["--pressure-atm", "nan"], "--pressure-atm"),
     (["--case", "nope"], "--case"), (["--mode", "nope"], "--mode"),
     (["--case", "ch4", "--mode", "gradient"], "--mode")],
)
def test_bad_input_exits_2_with_one_line(run_in_process, tmp_path, args, flag):
    status, err = run_in_process("flame_1d", *args, "--out", tmp_path)
    assert status == 2
    assert err.count("\n") == 1 and flag in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())
