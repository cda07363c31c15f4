"""What the solvers' CUDA-kernel tests share: a script run in numba's CUDA simulator."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def simulated_worst():
    """``run(script, here)``: run `script` in a fresh interpreter with
    ``NUMBA_ENABLE_CUDASIM=1`` (numba reads it when imported) and the directory `here` on the
    path, and return the number it prints after ``WORST`` (its worst relative difference)."""

    def run(script: str, here: str | None = None) -> float:
        env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
        if here is not None:
            env["PYTHONPATH"] = os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=env, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        return float(r.stdout.split("WORST")[1])

    return run
