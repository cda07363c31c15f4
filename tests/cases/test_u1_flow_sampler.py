"""The u1_flow_sampler case script (HMC): the exact references, a seeded HMC run within three
standard errors of the exact plaquette, and bad input."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "u1_flow_sampler.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300)


def test_quick_hmc_run(tmp_path):
    r = _run("--quick", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["plaquette_exact"] == pytest.approx(0.697775, abs=1e-6)
    assert s["topological_susceptibility_exact"] == pytest.approx(1.2393, abs=1e-4)
    assert abs(s["plaquette_pull"]) < 3 and s["plaquette_stderr"] < 5e-3
    assert s["acceptance"] > 0.8 and s["tau_int_Q"] > 1
    assert (tmp_path / "samples.png").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["--beta", "0"], "argument --beta"), (["--L", "1"], "argument --L"),
    (["--sampler", "flow"], "argument --sampler")])
def test_bad_input_exits_2(tmp_path, args, message):
    r = _run(*args, "--out", str(tmp_path))
    assert r.returncode == 2 and message in r.stderr
