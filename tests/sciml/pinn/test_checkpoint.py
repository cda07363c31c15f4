"""Checkpointed PINN training: an interrupted run resumed from its checkpoint ends exactly where
the uninterrupted run does, and a checkpoint of another run is refused."""

import numpy as np
import pytest

from sciml.pinn import FlamePINNConfig, Schedule, train_flame_pinn

CONFIG = FlamePINNConfig(collocation=100, adaptive=0, warmup=30, layers=(16, 16),
                         schedule=Schedule(adam=60, lbfgs=0, record_every=10,
                                           checkpoint_every=20))


class Killed(Exception):
    """Stands for the batch system ending the job."""


def _kill_after(n):
    count = [0]

    def progress(k):
        count[0] += k
        if count[0] >= n:
            raise Killed

    return progress


def test_resumed_training_matches_uninterrupted(tmp_path):
    full = train_flame_pinn(config=CONFIG, seed=3)
    path = tmp_path / "run" / "checkpoint.pt"
    with pytest.raises(Killed):
        # warm-up (30) + 45 Adam iterations: the last save was after 40
        train_flame_pinn(config=CONFIG, seed=3, checkpoint=str(path),
                         progress=_kill_after(CONFIG.warmup + 45))
    assert path.exists()
    done = []
    resumed = train_flame_pinn(config=CONFIG, seed=3, checkpoint=str(path),
                               progress=done.append)
    assert sum(done) == 20  # no warm-up, only the Adam iterations after the last save
    # Adam's moments and the learning-rate schedule are restored: the same trajectory.
    assert resumed.flame_speed == pytest.approx(full.flame_speed, rel=1e-10)
    x = np.linspace(0.0, CONFIG.domain, 50)
    np.testing.assert_allclose(resumed.temperature(x), full.temperature(x), rtol=1e-10)
    np.testing.assert_array_equal(resumed.history["step"], full.history["step"])


def test_checkpoint_of_another_run_is_refused(tmp_path):
    path = tmp_path / "checkpoint.pt"
    train_flame_pinn(config=CONFIG, seed=3, checkpoint=str(path))
    with pytest.raises(ValueError, match="another run"):
        train_flame_pinn(config=CONFIG, seed=4, checkpoint=str(path))
