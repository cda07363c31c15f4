"""The battery_calibration case script: a --quick SPM run and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "battery_calibration.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=600)


def test_quick_spm_calibration_covers_the_truth(tmp_path):
    r = _run("--quick", "--true-scale", "positive_diffusivity_scale=6",
             "--true-scale", "negative_exchange_current_scale=1.5", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["truth_in_ci95"] is True
    # 3 mV noise on 100 points: the posterior is narrow (a short chain, so bounds are loose)
    for name, true in (("positive_diffusivity_scale", 6.0),
                       ("negative_exchange_current_scale", 1.5)):
        assert abs(s[f"{name}_mean"] - true) <= 3 * s[f"{name}_std"]
        assert s[f"{name}_std"] <= 0.15 * true
    assert s["posterior_predictive_rmse_mV"] < 3.0
    assert s["effective_sample_size"] > 20
    ds = read_dataset(tmp_path / "posterior.nc")
    assert ds["positive_diffusivity_scale"].dims == ("step", "walker")
    for png in ("posterior_corner.png", "posterior_predictive.png"):
        assert (tmp_path / png).stat().st_size > 10_000


# ~90 s: slow since the sweep and operator tests joined the default run (the SPM quick run above
# covers the case script's contract; this one the P2D surrogate path).
@pytest.mark.slow
def test_quick_p2d_surrogate_calibration(tmp_path):
    # the multi-fidelity P2D surrogate (quick: one C-rate, 16 P2D runs) in the likelihood
    r = _run("--quick", "--model", "p2d", "--forward", "surrogate", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["truth_in_ci95"] is True
    assert s["surrogate_rmse_mV"] < 5.0
    assert s["surrogate_heldout_rmse_mV"] < 5.0
    assert 0.7 < s["surrogate_error_coverage95"] <= 1.0
    for name, true in (("positive_diffusivity_scale", 3.0),
                       ("negative_exchange_current_scale", 2.0)):
        assert abs(s[f"{name}_mean"] - true) <= 3 * s[f"{name}_std"]
    assert (tmp_path / "surrogate.pt").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["--true-scale", "positive_diffusivity_scale=20"], "outside the prior range"),
    (["--noise-mV", "-1"], "--noise-mV"),
    (["--true-scale", "bogus=1"], "unknown parameter"),
    (["--c-rate", "5"], "--c-rate"),
])
def test_bad_input_exits_2(run_in_process, tmp_path, args, message):
    status, err = run_in_process("battery_calibration", *args, "--out", tmp_path)
    assert status == 2, err
    assert message in err
