"""The battery_discharge case script: --quick runs, outputs, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "battery_discharge.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("model", "capacity"), [
    # PyBaMM's 1C Chen2020 discharges to 2.5 V (SPM / DFN, 40 cells per domain, IDAKLU at
    # rtol 1e-8): 4.9552 / 4.9379 A h; the quick mesh (8 cells) is within 0.1 %.
    ("spm", 4.9552), ("p2d", 4.9379)])
def test_quick_discharge(tmp_path, model, capacity):
    r = _run("--quick", "--model", model, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["case"] == "battery_discharge" and s["quick"] is True
    assert s["termination"] == "lower cut-off"
    assert s["capacity_Ah"] == pytest.approx(capacity, rel=1e-3)
    assert s["final_voltage_V"] == pytest.approx(2.5, abs=1e-6)
    assert s["solver_steps"] > 50 and s["seconds"] > 0
    ds = read_dataset(tmp_path / "fields.nc")
    assert ds["voltage_V"].dims == ("time_s",)
    assert ds["time_s"].attrs["units"] == "s"
    if model == "p2d":
        assert ds["electrolyte_concentration_mol_m3"].dims == ("time_s", "x_m")
    assert (tmp_path / "discharge.png").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["--c-rate", "-1"], "--c-rate"),
    (["--scale", "positive_difusivity=2"], "unknown parameter 'positive_difusivity'"),
    (["--scale", "positive_diffusivity=0"], "must be a finite number > 0"),
    (["--scale", "lower_cutoff=0.2"], "can never be reached"),
    (["--params", "nrel_spm", "--model", "p2d"], "SPM-only"),
])
def test_bad_input_exits_2(run_in_process, tmp_path, args, message):
    status, err = run_in_process("battery_discharge", *args, "--out", tmp_path)
    assert status == 2, err
    assert message in err
    assert not (tmp_path / "summary.json").exists()
