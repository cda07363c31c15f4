"""The lattice_qed case script: ED energies against the spec's values, quick VMC runs (pure
gauge, gauge-fermion) against ED, its outputs, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "lattice_qed.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("args", "key", "value"), [
    (["--system", "plaquette", "--g2", "0.5", "--truncation", "2"], "energy", -1.06870782),
    (["--system", "plaquette", "--g2", "0.5"], "energy_exact", -1.07012970),
    (["--system", "torus", "--truncation", "3"], "energy", -1.07699864),
    (["--system", "schwinger", "--Lx", "8"], "energy", -3.25846325),
    # the Schwinger chain again, with its gauge field kept: g² = 2, t = x = 1, μ = 0
    (["--system", "gauge-fermion", "--Lx", "8", "--Ly", "1", "--g2", "2", "--mass", "0",
      "--truncation", "4"], "energy", -3.25846325),
])
def test_energies_match_the_spec(tmp_path, args, key, value):
    r = _run(*args, "--quick", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s[key] == pytest.approx(value, abs=1e-8)
    assert (tmp_path / "energy.png").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["--g2", "0"], "argument --g2"),
    (["--truncation", "0"], "argument --truncation"),
    (["--system", "schwinger", "--Lx", "7"], "argument --Lx"),
    (["--system", "torus", "--Lx", "4", "--Ly", "4"], "argument --Lx"),
    (["--system", "schwinger", "--method", "vmc"], "argument --method"),
    (["--system", "gauge-fermion", "--Lx", "3", "--Ly", "1"], "argument --Lx/--Ly"),
    (["--system", "gauge-fermion", "--periodic", "--Lx", "3"], "argument --periodic"),
    (["--system", "torus", "--Ly", "1"], "argument --Ly"),
])
def test_bad_input_exits_2(run_in_process, tmp_path, args, message):
    status, err = run_in_process("lattice_qed", *args, "--out", tmp_path)
    assert status == 2, err
    assert message in err


def test_quick_vmc_of_the_plaquette(tmp_path):
    r = _run("--method", "vmc", "--quick", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    # seen (seed 0, 600 iterations): −0.227423 ± 0.00012 against −0.2275693 (−6.4e-4)
    assert s["energy_exact"] == pytest.approx(-0.22756930, abs=1e-8)
    assert abs(s["energy_rel_error"]) < 2e-3 and 0 < s["energy_stderr"] < 5e-4
    assert (tmp_path / "energy.png").stat().st_size > 10_000


def test_quick_gauge_fermion_vmc(tmp_path):
    r = _run("--system", "gauge-fermion", "--method", "vmc", "--quick", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    # 2×2 open, g² = 1, t = 1, m = 0.5, Λ = 2; seen (seed 0, 300 iterations): rel. error −4e-3
    assert s["energy_exact"] == pytest.approx(-2.8934407532, abs=1e-8)
    assert abs(s["energy_rel_error"]) < 1e-2
    assert abs(s["plaquette_mean"] - s["plaquette_mean_exact"]) < 0.05
    assert (tmp_path / "energy.png").stat().st_size > 10_000
