"""Laplace (Gauss–Newton) approximation of a posterior around a point estimate.

For observations ``y_i = f_i(θ) + ε_i`` with independent Gaussian noise ``ε_i ~ N(0, σ_i²)`` and
a flat prior on ``φ = log θ``, the log-posterior near its maximum is quadratic with the
Gauss–Newton Hessian ``Jᵀ J`` of the whitened residual ``r = (f(θ) - y) / σ``; its inverse is the
posterior covariance of ``φ``. Working in ``log θ`` keeps positive parameters positive and
makes the intervals relative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats


@dataclass(frozen=True)
class LaplacePosterior:
    """Gaussian posterior of log-parameters.

    `names`, `estimate` (the point θ̂), `covariance` of ``log θ``, and `derived`: extra
    quantities ``g(θ)`` linearised around θ̂ (name → (value, gradient of log g w.r.t. log θ)).
    """

    names: tuple[str, ...]
    estimate: np.ndarray
    covariance: np.ndarray
    derived: dict

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float]:
        """Central credible interval of a parameter or derived quantity at `level`."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level={level!r} is outside the valid range (0, 1)")
        z = stats.norm.ppf(0.5 + 0.5 * level)
        if name in self.names:
            k = self.names.index(name)
            value, sd = self.estimate[k], np.sqrt(self.covariance[k, k])
        elif name in self.derived:
            value, grad = self.derived[name]
            sd = float(np.sqrt(grad @ self.covariance @ grad))
        else:
            raise KeyError(f"{name!r} is neither a parameter {self.names} nor a derived "
                           f"quantity {tuple(self.derived)}")
        return float(value * np.exp(-z * sd)), float(value * np.exp(z * sd))

    def mode(self, name: str) -> float:
        """The centre (posterior mode) of a parameter or derived quantity."""
        if name in self.names:
            return float(self.estimate[self.names.index(name)])
        if name in self.derived:
            return float(self.derived[name][0])
        raise KeyError(f"{name!r} is neither a parameter {self.names} nor a derived "
                       f"quantity {tuple(self.derived)}")

    def relative_sd(self, name: str) -> float:
        """Standard deviation of ``log`` of a parameter or derived quantity (≈ relative)."""
        if name in self.names:
            k = self.names.index(name)
            return float(np.sqrt(self.covariance[k, k]))
        value, grad = self.derived[name]
        return float(np.sqrt(grad @ self.covariance @ grad))


def laplace_posterior(
    predict: Callable[[np.ndarray], tuple[np.ndarray, dict]],
    estimate: Sequence[float],
    observed: np.ndarray,
    sigma: np.ndarray,
    *,
    names: Sequence[str],
    step: float = 1e-4,
    refine: bool = False,
) -> LaplacePosterior:
    """Laplace approximation around `estimate` with a central-difference Jacobian.

    `predict(θ)` returns the model's values at the observations and a dict of derived scalar
    quantities (e.g. an eigenvalue the model computes); `observed` and `sigma` are the data and
    their noise standard deviations; `step` is the relative finite-difference step in θ.
    With `refine`, the posterior mode is first found by a trust-region least-squares search
    (SciPy) started at `estimate`, and the approximation is made there; otherwise around
    `estimate` itself. Costs ``2 len(θ) + 1`` model evaluations (plus the search).
    """
    theta = np.asarray(estimate, dtype=float)
    observed = np.asarray(observed, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    if theta.ndim != 1 or len(names) != theta.size:
        raise ValueError(f"names={tuple(names)} and estimate (size {theta.size}) must match")
    if np.any(theta <= 0.0):
        raise ValueError(f"estimate={theta.tolist()} must be positive (log-parameters)")
    if observed.shape != sigma.shape or np.any(sigma <= 0.0):
        raise ValueError("sigma must be positive and shaped like observed")
    if not 0.0 < step < 0.1:
        raise ValueError(f"step={step!r} is outside the valid range (0, 0.1)")
    if refine:
        fit = optimize.least_squares(
            lambda phi: (predict(np.exp(phi))[0] - observed) / sigma, np.log(theta),
            diff_step=step, x_scale=1.0, method="trf")
        if not fit.success:
            raise RuntimeError(f"posterior-mode search failed: {fit.message}")
        theta = np.exp(fit.x)
    y0, d0 = predict(theta)
    J = np.empty((observed.size, theta.size))
    G = {k: np.empty(theta.size) for k in d0}
    for k in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[k] *= np.exp(step)
        down[k] *= np.exp(-step)
        (yp, dp), (ym, dm) = predict(up), predict(down)
        J[:, k] = (yp - ym) / (2.0 * step) / sigma
        for q in d0:
            G[q][k] = (np.log(dp[q]) - np.log(dm[q])) / (2.0 * step)
    info = J.T @ J
    if np.linalg.cond(info) > 1e12:
        raise np.linalg.LinAlgError(
            "the observations do not determine the parameters (singular Gauss–Newton "
            f"information, condition number {np.linalg.cond(info):.1e})")
    cov = np.linalg.inv(info)
    derived = {q: (float(d0[q]), G[q]) for q in d0}
    return LaplacePosterior(tuple(names), theta, cov, derived)
