"""The wave_cnn_compression case: a seeded --quick run with error bounds, its outputs and bad
input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sciml.io import read_dataset, read_json

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "wave_cnn_compression.py"


def _run(*args, cache):
    env = {**os.environ, "SCIML_CACHE": str(cache)}
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    base = tmp_path_factory.mktemp("wave_cnn")
    r = _run("--quick", "--out", base / "out", cache=base / "cache")
    assert r.returncode == 0, r.stderr
    return base


def test_quick_run_bounds(quick):
    s = read_json(quick / "out" / "summary.json")
    assert s["case"] == "wave_cnn_compression" and s["quick"] is True
    assert s["params_dense"] >= 3 * s["params_compressed"]
    # seeded quick run (15 FE runs at 32², 6 epochs, rank 8): measured 0.315 (dense) and 0.514
    # (compressed, 18x fewer parameters) against 0.690 for repeating the last frame
    assert s["rel_l2_persistence"] == pytest.approx(0.690, abs=0.01)
    assert s["rel_l2_dense"] < 0.40
    assert s["rel_l2_compressed"] < 0.62
    assert s["peak_memory_MB_dense"] > 0 and s["peak_memory_MB_compressed"] > 0
    assert s["epoch_seconds_dense"] > 0 and s["epoch_seconds_compressed"] > 0
    ds = read_dataset(quick / "out" / "test_rollout.nc")
    assert ds["u_compressed"].shape == ds["u"].shape == (1, 10, 32, 32)
    assert (quick / "out" / "predictions.png").stat().st_size > 10_000
    assert any((quick / "cache").glob("wave_n15_*.nc"))


@pytest.mark.parametrize(("args", "message"), [
    (["--frames", "17"], "argument --frames: 17 is outside the valid range [1, 16]"),
    (["--rank", "0"], "argument --rank: 0 is outside the valid range [1, 4096]"),
    (["--source", "gauss"], "argument --source: invalid choice: 'gauss'"),
    (["--runs", "3"], "argument --runs: 3 is outside the valid range [5, 100000]"),
])
def test_bad_input_exits_2(run_in_process, tmp_path, args, message):
    status, err = run_in_process("wave_cnn_compression", "--quick", *args, "--out",
                                 tmp_path / "out")
    assert status == 2, err
    assert message in err
    assert not (tmp_path / "out").exists()
