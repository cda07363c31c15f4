"""The multi-fidelity P2D surrogate: a short seeded training of level 1 on top of the frozen
quick SPM surrogate reaches a bounded voltage error against the classical P2D at held-out
parameter pairs, far below level 0's own gap to the P2D."""

import numpy as np
import pytest

from sciml.battery import P2DSurrogate, P2DSurrogateConfig, load_surrogate, train_p2d_surrogate
from sciml.battery._multifidelity import p2d_voltages
from sciml.pinn import Schedule
from solvers.battery import chen2020

MESH = (8, 4, 8, 8, 8)
HELD_OUT = np.array([[1.7, 0.6], [4.4, 2.7], [8.5, 1.1]])


@pytest.fixture(scope="module")
def surrogate(spm_surrogate):
    config = P2DSurrogateConfig(layers=(32, 32), c_rates=(1.0, 1.0),
                                depth=spm_surrogate.t_end / 3600.0, c_levels=1, pairs=16,
                                times=30, mesh=MESH,
                                schedule=Schedule(adam=1000, lr=3e-3, decay=0.7,
                                                  decay_every=200, lbfgs=300))
    return train_p2d_surrogate(chen2020(), spm_surrogate, config, seed=0, workers=1)


def test_held_out_error_is_bounded_and_far_below_level_0(surrogate):
    t = np.linspace(30.0, surrogate.config.t_end(1.0), 50)
    v_p2d = p2d_voltages(chen2020(), MESH, 1.0, HELD_OUT, t, workers=1)
    v = surrogate.forward(t)(HELD_OUT)
    v0 = surrogate.base.forward(t)(HELD_OUT)
    rmse = 1e3 * np.sqrt(np.mean((v - v_p2d) ** 2, axis=1))
    rmse0 = 1e3 * np.sqrt(np.mean((v0 - v_p2d) ** 2, axis=1))
    assert np.all(rmse0 > 20.0), rmse0  # the SPM misses the electrolyte's polarisation
    assert np.all(rmse < 5.0), rmse


def test_save_load_round_trip_and_c_rate_range(surrogate, tmp_path):
    surrogate.save(tmp_path / "p2d.pt")
    again = load_surrogate(tmp_path / "p2d.pt")
    assert isinstance(again, P2DSurrogate)
    t = np.array([100.0, 2000.0])
    np.testing.assert_allclose(again.voltage(t, 3.0, 1.0), surrogate.voltage(t, 3.0, 1.0),
                               rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="c_rate"):
        surrogate.voltage(t, 3.0, 1.0, c_rate=2.0)
    with pytest.raises(ValueError, match="t_obs"):
        surrogate.forward(np.array([surrogate.config.t_end(1.0) + 10.0]))


def test_config_and_base_are_checked(spm_surrogate):
    with pytest.raises(ValueError, match="c_rates"):
        P2DSurrogateConfig(c_rates=(2.0, 1.0))
    with pytest.raises(ValueError, match="depth"):
        P2DSurrogateConfig(depth=1.5)
    # the 1C level 0 covers 3000 s, less than 0.92 × 7200 s at 0.5C
    with pytest.raises(ValueError, match="base: covers"):
        train_p2d_surrogate(chen2020(), spm_surrogate, P2DSurrogateConfig())
