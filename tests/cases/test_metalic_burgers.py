"""The metalic_burgers case: a --quick run with real bounds, bad input, and resuming."""

import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "metalic_burgers.py"


def test_quick(tmp_path):
    r = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    s = read_json(tmp_path / "out" / "summary.json")
    assert s["quick"] is True and s["pde"] == "burgers" and s["bandit_rounds"] == 3
    assert s["bandit_pulls"] == 48  # 3 rounds x 8 pulls, single- and two-stage
    # 150 Adam + 50 L-BFGS iterations of 10-wide networks on 40 points per subdomain:
    # observed METALIC 0.19, default 0.20, random 0.44, exhaustive best 0.094, METALIC's
    # pick ranked 11 of 512 (a random arm ranks 256 on average)
    assert s["rel_l2_metalic"] < 0.3, s
    assert s["rel_l2_metalic"] < s["rel_l2_random_mean"], s
    assert s["metalic_rank_exhaustive"] <= 128, s
    assert (s["rel_l2_best_exhaustive"] <= s["rel_l2_metalic_on_exhaustive_set"]
            < s["rel_l2_random_mean_on_exhaustive_set"] <= 1.0), s
    assert 0 < s["rel_l2_metalic_two_stage"] < 1.0
    pulls = read_dataset(tmp_path / "out" / "bandit_pulls.nc")
    assert pulls.sizes == {"pull": 24, "term": 9}
    held = read_dataset(tmp_path / "out" / "held_out_trainings.nc")
    assert held.sizes["seed"] == s["eval_seeds"] == 1  # quick: one evaluation seed
    assert held.sizes["job"] == s["held_out_trainings"] >= 512
    for png in ("metalic_reward.png", "metalic_solution.png"):
        assert (tmp_path / "out" / png).stat().st_size > 20_000


@pytest.mark.parametrize(("argv", "message"), [
    (["--pde", "heat"], "argument --pde: invalid choice: 'heat'"),
    (["--exhaustive", "3", "--held-out", "2"], "argument --exhaustive: 3 must be <= --held-out"),
    (["--budget", "0"], "argument --budget"),
    (["--strategy", "greedy"], "argument --strategy"),
])
def test_bad_input(run_in_process, tmp_path, argv, message):
    status, err = run_in_process("metalic_burgers", *argv, "--quick", "--out", tmp_path / "o")
    assert status == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "o" / "summary.json").exists()


@pytest.mark.slow  # ~40 s; the bandit's own resume is tested in tests/sciml/pinn
def test_resume_continues_the_bandit(run_in_process, tmp_path):
    args = ["--quick", "--pde", "poisson", "--no-two-stage", "--exhaustive", "0",
            "--out", tmp_path / "run"]
    status, err = run_in_process("metalic_burgers", *args, "--iterations", "1")
    assert status == 0, err
    first = read_json(tmp_path / "run" / "bandit_metalic.json")["records"]
    status, err = run_in_process("metalic_burgers", *args, "--iterations", "2", "--resume")
    assert status == 0, err
    records = read_json(tmp_path / "run" / "bandit_metalic.json")["records"]
    assert records[: len(first)] == first and len(records) == 2 * len(first)
    status, err = run_in_process("metalic_burgers", *args, "--iterations", "2")
    assert read_json(tmp_path / "run" / "bandit_metalic.json")["records"] == records
