"""The darcy_mgno case: a --quick MgNO run with an error bound, the bad-input contract, and
training under torchrun (2 processes, gloo) following the 1-process loss curve."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "darcy_mgno.py"


def _run(*args, launcher=(sys.executable,), cache=None):
    env = None
    if cache is not None:
        import os

        env = {**os.environ, "SCIML_CACHE": str(cache)}
    return subprocess.run([*launcher, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=400, env=env)


def test_quick_mgno(tmp_path):
    r = _run("--quick", "--out", str(tmp_path / "out"), cache=tmp_path / "cache")
    assert r.returncode == 0, r.stderr[-3000:]
    s = read_json(tmp_path / "out" / "summary.json")
    assert s["model"] == "mgno" and s["quick"] is True and s["epochs"] == 12
    # 200 samples at 32², 12 epochs: a loose but real bound (a zero prediction scores 1.0)
    assert s["rel_l2_test"] < 0.12 and s["rel_h1_test"] < 0.35
    # zero-shot at 64²: applied there, the 3×3 stencils span half the physical width they
    # learned (far from 1 all the same); applied on the 32² training grid and interpolated
    # back, the error is the test error's size
    assert s["rel_l2_zero_shot"] < 0.7 and s["zero_shot_resolution"] == 64
    assert s["rel_l2_zero_shot_resampled"] < 0.15
    assert s["params"] > 10_000 and s["train_seconds"] > 0
    ds = read_dataset(tmp_path / "out" / "test_predictions.nc")
    assert ds["u_pred"].shape == (50, 32, 32)
    assert (tmp_path / "out" / "darcy_test_samples.png").stat().st_size > 20_000


def test_time_limit_stops_and_resume_finishes_with_the_same_result(tmp_path):
    args = ["--quick", "--n-train", "24", "--n-test", "8", "--epochs", "3", "--zero-shot", "0",
            "--out", str(tmp_path / "run")]
    cache = tmp_path / "cache"
    stopped = _run(*args, "--time-limit", "1e-6", cache=cache)
    assert stopped.returncode == 3 and "--resume" in stopped.stderr
    assert not (tmp_path / "run" / "summary.json").exists()
    again = _run(*args, "--resume", cache=cache)
    assert again.returncode == 0, again.stderr[-3000:]
    resumed = read_json(tmp_path / "run" / "summary.json")
    assert resumed["resumed_from_epoch"] == 1
    whole = _run(*args[:-1], str(tmp_path / "whole"), cache=cache)
    assert whole.returncode == 0, whole.stderr[-3000:]
    s = read_json(tmp_path / "whole" / "summary.json")
    assert resumed["rel_l2_test"] == pytest.approx(s["rel_l2_test"], rel=1e-6)
    other = _run(*args[:-1], str(tmp_path / "run"), "--resume", "--batch", "4", cache=cache)
    assert other.returncode == 2 and "argument --resume: checkpoint" in other.stderr


def test_torchrun_two_processes_follow_one(tmp_path):
    args = ["--quick", "--n-train", "32", "--n-test", "8", "--epochs", "3", "--zero-shot", "0"]
    one = _run(*args, "--out", str(tmp_path / "one"), cache=tmp_path / "cache")
    assert one.returncode == 0, one.stderr[-3000:]
    torchrun = (sys.executable, "-m", "torch.distributed.run", "--standalone",
                "--nproc_per_node=2")
    two = _run(*args, "--out", str(tmp_path / "two"), launcher=torchrun,
               cache=tmp_path / "cache")
    assert two.returncode == 0, two.stderr[-3000:]
    s1, s2 = (read_json(tmp_path / d / "summary.json") for d in ("one", "two"))
    assert s1["processes"] == 1 and s2["processes"] == 2
    assert s2["train_loss_final"] == pytest.approx(s1["train_loss_final"], rel=1e-4)
    assert s2["rel_l2_test"] == pytest.approx(s1["rel_l2_test"], rel=1e-3)


@pytest.mark.parametrize(("args", "text"), [
    (["--model", "gno"], "--model"),
    (["--zero-shot", "16"], "--zero-shot: 16 must be 0 or finer"),
    (["--resolution", "4"], "--resolution"),
])
def test_bad_input(run_in_process, tmp_path, args, text):
    status, err = run_in_process("darcy_mgno", "--quick", "--out", tmp_path, *args)
    assert status == 2 and text in err and err.count("\n") == 1
