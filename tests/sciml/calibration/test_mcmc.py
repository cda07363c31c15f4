"""Ensemble MCMC calibration against an exactly known posterior."""

import numpy as np
import pytest

from sciml.calibration import UniformPrior, calibrate, error_covariance

T = np.linspace(0.0, 1.0, 40)
A = np.column_stack([np.ones_like(T), T])


def _forward(theta):
    return theta @ A.T


def _data(sigma=0.1, seed=1):
    rng = np.random.default_rng(seed)
    return A @ np.array([1.0, -2.0]) + sigma * rng.standard_normal(T.size)


def test_linear_gaussian_posterior_is_recovered():
    # y = A θ + ε with a flat (wide uniform) prior: the posterior is N(θ̂, σ² (AᵀA)⁻¹) exactly.
    sigma, y = 0.1, _data()
    post = calibrate(_forward, UniformPrior({"a": (-10, 10), "b": (-10, 10)}), y, noise=sigma,
                     walkers=32, steps=2500, burn=500, seed=0)
    mean = np.linalg.solve(A.T @ A, A.T @ y)
    sd = sigma * np.sqrt(np.diag(np.linalg.inv(A.T @ A)))
    for k, name in enumerate(("a", "b")):
        assert post.mean(name) == pytest.approx(mean[k], abs=0.05 * sd[k])
        assert post.std(name) == pytest.approx(sd[k], rel=0.05)
        lo, hi = post.interval(name)
        assert (hi - lo) == pytest.approx(2 * 1.959964 * sd[k], rel=0.06)
    assert all(r < 1.05 for r in post.rhat().values())
    assert all(e > 1000 for e in post.ess().values())
    assert 0.2 < post.acceptance < 0.9


def test_noise_level_is_inferred():
    y = _data(sigma=0.05, seed=2)
    post = calibrate(_forward, UniformPrior({"a": (-10, 10), "b": (-10, 10)}), y,
                     walkers=32, steps=2500, burn=500, seed=1)
    assert post.names[-1] == "noise"
    resid = y - A @ np.linalg.solve(A.T @ A, A.T @ y)
    s_hat = np.sqrt(resid @ resid / (T.size - 2))
    assert post.mean("noise") == pytest.approx(s_hat, rel=0.1)
    lo, hi = post.interval("noise")
    assert lo < 0.05 < hi


def test_checkpointed_run_resumes_to_the_same_chain(tmp_path):
    prior, y = UniformPrior({"a": (-10, 10), "b": (-10, 10)}), _data()
    path = tmp_path / "chain.h5"
    full = calibrate(_forward, prior, y, noise=0.1, walkers=8, steps=200, burn=0, seed=3)
    calibrate(_forward, prior, y, noise=0.1, walkers=8, steps=120, burn=0, seed=3,
              checkpoint=str(path))
    resumed = calibrate(_forward, prior, y, noise=0.1, walkers=8, steps=200, burn=0, seed=3,
                        checkpoint=str(path), resume=True)
    assert resumed.chain.shape == full.chain.shape
    np.testing.assert_allclose(resumed.chain, full.chain)
    with pytest.raises(ValueError, match="another calibration"):
        calibrate(_forward, prior, y + 0.01, noise=0.1, walkers=8, steps=250, burn=0, seed=3,
                  checkpoint=str(path), resume=True)


def test_bad_input_is_refused():
    prior = UniformPrior({"a": (0, 1)})
    with pytest.raises(ValueError, match="noise"):
        calibrate(_forward, prior, np.zeros(3), noise=-1.0)
    with pytest.raises(ValueError, match="walkers"):
        calibrate(_forward, prior, np.zeros(3), noise=1.0, walkers=3)
    with pytest.raises(ValueError, match="outside the prior range"):
        prior.check({"a": 2.0})
    with pytest.raises(ValueError, match="low < high"):
        UniformPrior({"a": (1, 0)})


def test_correlated_model_error_gives_the_generalised_least_squares_posterior():
    # y = A θ + ε, ε ~ N(0, σ² I + C) with C a smooth, strongly correlated error (a surrogate's):
    # the posterior is N(θ̂, (Aᵀ Σ⁻¹ A)⁻¹), θ̂ the generalised least-squares estimate.
    sigma = 0.05
    modes = np.column_stack([np.sin(np.pi * T), T ** 2])
    cov = error_covariance(0.1 * np.random.default_rng(4).standard_normal((30, 2)) @ modes.T)
    sig = sigma ** 2 * np.eye(T.size) + cov
    y = A @ np.array([1.0, -2.0]) + np.linalg.cholesky(sig) @ np.random.default_rng(5) \
        .standard_normal(T.size)
    post = calibrate(_forward, UniformPrior({"a": (-10, 10), "b": (-10, 10)}), y, noise=sigma,
                     error_covariance=cov, walkers=32, steps=2500, burn=500, seed=0)
    w = np.linalg.inv(sig)
    cov_post = np.linalg.inv(A.T @ w @ A)
    mean = cov_post @ A.T @ w @ y
    sd = np.sqrt(np.diag(cov_post))
    # (ordinary least squares, which ignores C, is 3.5 sd off in a)
    for k, name in enumerate(("a", "b")):
        assert post.mean(name) == pytest.approx(mean[k], abs=0.1 * sd[k])
        assert post.std(name) == pytest.approx(sd[k], rel=0.08)
    # the error covariance widens the posterior against the noise alone
    assert post.std("b") > 1.5 * sigma * np.sqrt(np.linalg.inv(A.T @ A)[1, 1])


def test_error_covariance_is_the_second_moment_plus_a_floor():
    e = np.array([[1.0, 2.0], [3.0, -1.0], [np.nan, 0.0]])
    np.testing.assert_allclose(error_covariance(e, floor=0.5),
                               [[5.25, -0.5], [-0.5, 2.75]])
    with pytest.raises(ValueError, match="at least two"):
        error_covariance(e[:1])
    with pytest.raises(ValueError, match="error_covariance"):
        calibrate(_forward, UniformPrior({"a": (0, 1), "b": (0, 1)}), np.zeros(T.size),
                  noise=1.0, error_covariance=np.ones((3, 3)))
