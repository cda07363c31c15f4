"""Laplace posterior: exact for a model linear in the log-parameters."""

import numpy as np
import pytest

from sciml.calibration import laplace_posterior


def test_linear_in_log_parameters_gives_the_exact_gaussian_posterior():
    # y = log a + x log b: the posterior of (log a, log b) under Gaussian noise and a flat
    # prior is exactly N(least-squares estimate, σ² (AᵀA)^-1).
    x = np.linspace(0.0, 2.0, 12)
    sigma = np.full(x.size, 0.05)
    A = np.column_stack([np.ones_like(x), x])
    rng = np.random.default_rng(0)
    y = A @ np.log([2.0, 1.5]) + sigma * rng.standard_normal(x.size)
    est = np.exp(np.linalg.lstsq(A, y, rcond=None)[0])

    def predict(theta):
        return A @ np.log(theta), {"product": theta[0] * theta[1]}

    post = laplace_posterior(predict, est, y, sigma, names=("a", "b"))
    cov = 0.05**2 * np.linalg.inv(A.T @ A)
    np.testing.assert_allclose(post.covariance, cov, rtol=1e-6)
    lo, hi = post.interval("a", 0.95)
    sd = np.sqrt(cov[0, 0])
    assert (np.log(lo), np.log(hi)) == pytest.approx(
        (np.log(est[0]) - 1.959964 * sd, np.log(est[0]) + 1.959964 * sd), rel=1e-6)
    # log(ab) = log a + log b: variance 1ᵀ C 1.
    assert post.relative_sd("product") == pytest.approx(np.sqrt(cov.sum()), rel=1e-6)
    with pytest.raises(KeyError, match="'c'"):
        post.interval("c")


def test_unidentifiable_parameters_are_reported():
    def predict(theta):  # only the product a b is observable
        return np.full(5, np.log(theta[0] * theta[1])), {}

    with pytest.raises(np.linalg.LinAlgError, match="do not determine"):
        laplace_posterior(predict, [1.0, 2.0], np.zeros(5), np.ones(5), names=("a", "b"))


def test_refine_moves_to_the_posterior_mode():
    x = np.linspace(0.0, 2.0, 12)
    A = np.column_stack([np.ones_like(x), x])
    y = A @ np.log([2.0, 1.5]) + 0.05 * np.random.default_rng(1).standard_normal(x.size)
    mode = np.exp(np.linalg.lstsq(A, y, rcond=None)[0])
    post = laplace_posterior(lambda t: (A @ np.log(t), {}), [2.3, 1.2], y, np.full(12, 0.05),
                             names=("a", "b"), refine=True)
    np.testing.assert_allclose(post.estimate, mode, rtol=1e-7)
    assert post.mode("b") == pytest.approx(mode[1], rel=1e-7)
