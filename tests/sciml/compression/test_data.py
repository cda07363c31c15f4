"""The FE wave data set and its frame windows."""

import numpy as np
import pytest

from sciml.compression import FrameScaling, frame_windows, wave_dataset
from solvers.fem import WaveEnsembleParams, wave_sample

PARAMS = WaveEnsembleParams(frames=8, t_end=0.4, mesh_n=24)


@pytest.fixture(scope="module")
def ds():
    return wave_dataset(3, grid=16, seed=5, params=PARAMS)


def test_ricker_runs():
    params = WaveEnsembleParams(source="ricker", frames=8, t_end=0.4, mesh_n=24)
    rk = wave_dataset(2, grid=16, seed=1, params=params)
    assert rk.attrs["source"] == "ricker"
    assert 4.0 <= rk["frequency"].min() and rk["frequency"].max() <= 8.0
    # the source fires during the run: the field grows from (nearly) nothing
    amp = np.abs(rk["u"].values).max(axis=(2, 3))
    assert (amp[:, -1] > 5 * amp[:, 0]).all()


def test_dataset_layout_and_reproducibility(ds):
    assert ds["u"].dims == ("sample", "time", "y", "x")
    assert ds["u"].shape == (3, 8, 16, 16) and ds["u"].dtype == np.float32
    assert ds["speed"].shape == (3, 16, 16)
    np.testing.assert_allclose(ds["time"], 0.05 * np.arange(1, 9))
    assert ds.attrs["kind"] == "wave" and ds.attrs["mesh_n"] == 24
    c, u, src = wave_sample(5, 2, grid=16, params=PARAMS)  # run i depends on (seed, i) only
    np.testing.assert_allclose(ds["u"][2], u, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ds["pulse_width"][2], src[2])
    assert 1.0 - 1e-6 <= ds["speed"].min() and ds["speed"].max() <= 3.0 + 1e-6
    assert 0.03 <= ds["pulse_width"].min() and ds["pulse_width"].max() <= 0.06
    # the pulse spreads and leaves through the absorbing boundary: the peak decays
    amp = np.abs(ds["u"].values).max(axis=(2, 3))
    assert (amp[:, -1] < 0.5 * amp[:, 0]).all()


def test_frame_windows(ds):
    scaling = FrameScaling.fit(ds)
    x, y = frame_windows(ds, 3, scaling, horizon=2, start=1)
    n_windows = 8 - 1 - 3 - 2 + 1
    assert x.shape == (3 * n_windows, 4, 16, 16) and y.shape == (3 * n_windows, 2, 16, 16)
    u = ds["u"].values / scaling.u_scale
    np.testing.assert_allclose(x[0, :3].numpy(), u[0, 1:4], rtol=1e-6)
    np.testing.assert_allclose(y[0].numpy(), u[0, 4:6], rtol=1e-6)
    assert abs(float(x[:, 3].mean())) < 1e-5  # the normalised speed channel
    with pytest.raises(ValueError, match="exceeds the 7 frames available"):
        frame_windows(ds, 6, scaling, horizon=2, start=1)
    with pytest.raises(ValueError, match="margin=0.6 is outside the valid range"):
        WaveEnsembleParams(margin=0.6)
