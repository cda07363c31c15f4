"""Bayesian calibration by ensemble MCMC (emcee) with a batched forward model.

The forward model maps a batch of parameter vectors to predicted observations,
``forward(theta) -> (B, n_obs)`` for ``theta`` of shape ``(B, P)`` in the order of
``forward.names``; anything with that call works: the classical solver in the loop, or a
surrogate. emcee's ensemble proposals are evaluated as one batch per move (``vectorize=True``),
which is what lets a batched solver or a network amortise its cost.

Model: independent uniform priors on the named parameters; observations ``y = f(θ) + ε`` with
``ε ~ N(0, σ² I + C)``: σ is the measurement noise, given or inferred with a log-uniform prior
(parameter ``noise``); C, optional, is the covariance of the forward model's own error (a
surrogate's, estimated against the solver it replaces: `error_covariance`), correlated across
the observations. With C = U Λ Uᵀ the likelihood is evaluated in its eigenbasis,
``r̃ = Uᵀ r``, ``log L = −½ Σ r̃ᵢ² / (λᵢ + σ²) − ½ Σ log(λᵢ + σ²)``, for any σ.
Diagnostics: split-R̂ and bulk effective sample size over walkers (ArviZ), and emcee's
integrated autocorrelation time.
"""

from __future__ import annotations

import hashlib
import math
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

NOISE = "noise"


@dataclass(frozen=True)
class UniformPrior:
    """Independent uniform priors: ``bounds[name] = (low, high)``, in the order given."""

    bounds: Mapping[str, tuple[float, float]]

    def __post_init__(self):
        if not self.bounds:
            raise ValueError("a prior needs at least one parameter")
        for name, (lo, hi) in self.bounds.items():
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"prior bounds of {name!r} must be finite with low < high, "
                                 f"got ({lo}, {hi})")
        object.__setattr__(self, "bounds", dict(self.bounds))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.bounds)

    @property
    def lower(self) -> np.ndarray:
        return np.array([b[0] for b in self.bounds.values()])

    @property
    def upper(self) -> np.ndarray:
        return np.array([b[1] for b in self.bounds.values()])

    def contains(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        return np.all((theta >= self.lower) & (theta <= self.upper), axis=1)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.lower + (self.upper - self.lower) * rng.random((n, len(self.bounds)))

    def check(self, values: Mapping[str, float]) -> None:
        """Raise ``ValueError`` naming the first value outside its prior range."""
        for name, value in values.items():
            if name not in self.bounds:
                raise ValueError(f"unknown parameter {name!r}; the prior has {self.names}")
            lo, hi = self.bounds[name]
            if not lo <= value <= hi:
                raise ValueError(f"{name}={value!r} is outside the prior range [{lo:g}, {hi:g}]")


@dataclass(frozen=True)
class Posterior:
    """MCMC samples of a calibration and their summaries.

    `chain` has shape (steps, walkers, P) after burn-in, in the order of `names` (which ends
    with ``"noise"`` when σ was inferred); `log_prob` (steps, walkers).
    """

    names: tuple[str, ...]
    chain: np.ndarray = field(repr=False)
    log_prob: np.ndarray = field(repr=False)
    acceptance: float
    seconds: float
    forward_evaluations: int

    @property
    def samples(self) -> np.ndarray:
        """All post-burn-in samples, shape (steps × walkers, P)."""
        return self.chain.reshape(-1, self.chain.shape[-1])

    def _k(self, name):
        if name not in self.names:
            raise KeyError(f"{name!r} is not a parameter of this posterior {self.names}")
        return self.names.index(name)

    def mean(self, name: str) -> float:
        return float(self.samples[:, self._k(name)].mean())

    def std(self, name: str) -> float:
        return float(self.samples[:, self._k(name)].std(ddof=1))

    def interval(self, name: str, level: float = 0.95) -> tuple[float, float]:
        """Central credible interval (sample quantiles)."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level={level!r} is outside the valid range (0, 1)")
        q = np.quantile(self.samples[:, self._k(name)], [0.5 - level / 2, 0.5 + level / 2])
        return float(q[0]), float(q[1])

    def rhat(self) -> dict[str, float]:
        """Split-R̂ with the walkers as chains (ArviZ; < 1.01–1.05 is well mixed)."""
        az = _arviz()
        return {n: float(az.rhat(self.chain[:, :, k].T)) for k, n in enumerate(self.names)}

    def ess(self) -> dict[str, float]:
        """Bulk effective sample size with the walkers as chains (ArviZ)."""
        az = _arviz()
        return {n: float(az.ess(self.chain[:, :, k].T)) for k, n in enumerate(self.names)}

    def autocorr_time(self) -> dict[str, float]:
        """emcee's integrated autocorrelation time [steps] (not trusted below ~50 τ steps)."""
        import emcee

        tau = emcee.autocorr.integrated_time(self.chain, quiet=True)
        return dict(zip(self.names, map(float, tau), strict=True))

    def to_xarray(self):
        """The chain as an ``xarray.Dataset`` (variables per parameter on (step, walker))."""
        import xarray as xr

        data = {n: (("step", "walker"), self.chain[:, :, k]) for k, n in enumerate(self.names)}
        data["log_prob"] = (("step", "walker"), self.log_prob)
        return xr.Dataset(data, attrs={"acceptance": self.acceptance, "seconds": self.seconds,
                                       "forward_evaluations": self.forward_evaluations})


def error_covariance(errors: np.ndarray, *, floor: float = 0.0) -> np.ndarray:
    """Covariance of a forward model's error from `errors` (K, n): its error at K parameter
    sets drawn from the prior, against the model it replaces, at the n observations.

    The second moment ``(1/K) Σ e eᵀ`` (a systematic bias counts as error, not as mean), plus
    ``floor²`` on the diagonal; rank ≤ K, so errors unlike any of the K are covered by the
    floor only. Sets with a non-finite error (a failed reference solve) are dropped.
    """
    errors = np.atleast_2d(np.asarray(errors, dtype=float))
    errors = errors[np.all(np.isfinite(errors), axis=1)]
    if errors.shape[0] < 2:
        raise ValueError("errors: need at least two finite error vectors")
    if not (math.isfinite(floor) and floor >= 0):
        raise ValueError(f"floor={floor!r} must be >= 0")
    return errors.T @ errors / errors.shape[0] + floor ** 2 * np.eye(errors.shape[1])


def _fingerprint(observed, prior, noise, noise_bounds, walkers, seed, cov=None) -> str:
    h = hashlib.sha256(np.ascontiguousarray(observed).tobytes())
    if cov is not None:
        h.update(np.ascontiguousarray(cov).tobytes())
    h.update(repr((sorted(prior.bounds.items()), noise, tuple(noise_bounds), walkers,
                   seed)).encode())
    return h.hexdigest()


def _arviz():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import arviz

    return arviz


def calibrate(forward: Callable[[np.ndarray], np.ndarray], prior: UniformPrior,
              observed: np.ndarray, *, noise: float | None = None,
              noise_bounds: tuple[float, float] = (1e-4, 1e-1), walkers: int = 32,
              steps: int = 2000, burn: int = 500, seed: int = 0,
              error_covariance: np.ndarray | None = None,
              progress: bool = False, checkpoint: str | None = None,
              resume: bool = False) -> Posterior:
    """Sample the posterior of the prior's parameters given `observed` = forward(θ) + noise.

    - `forward`: batched model, ``(B, P) -> (B, n_obs)``; its parameter order is the prior's.
      Non-finite predictions (a failed solve) get zero likelihood.
    - `noise`: σ of the Gaussian noise (same units as `observed`); None infers it with a
      log-uniform prior on `noise_bounds` (it then appears as the last parameter ``"noise"``).
    - `error_covariance`: (n_obs, n_obs) covariance C of the forward model's own error
      (:func:`error_covariance`), added to σ² I; None for an exact forward model.
    - `walkers`, `steps`, `burn`, `seed`: emcee ensemble (stretch move) settings; walkers start
      uniformly in the prior box.
    - `checkpoint`: an HDF5 file (emcee's backend) the chain is written to as it grows. With
      `resume`, a run continues the chain found there up to `steps` (refusing a file written
      for other data, prior, noise or walkers); without, the file is started afresh.
    """
    import emcee

    observed = np.asarray(observed, dtype=float)
    if observed.ndim != 1 or not np.all(np.isfinite(observed)):
        raise ValueError("observed must be a 1D array of finite values")
    if noise is not None and not (math.isfinite(noise) and noise > 0):
        raise ValueError(f"noise={noise!r} must be > 0 (or None to infer it)")
    if walkers < 2 * (len(prior.names) + (noise is None)) or walkers % 2:
        raise ValueError(f"walkers={walkers!r} must be even and at least twice the number of "
                         "parameters")
    if not 0 <= burn < steps:
        raise ValueError(f"burn={burn!r} must be in [0, steps={steps})")
    lo_s, hi_s = (math.log(b) for b in noise_bounds)
    P = len(prior.names)
    basis, lam = None, np.zeros(observed.size)
    if error_covariance is not None:
        cov = np.asarray(error_covariance, dtype=float)
        if cov.shape != (observed.size, observed.size) or not np.all(np.isfinite(cov)) \
                or not np.allclose(cov, cov.T, rtol=1e-10, atol=0):
            raise ValueError(f"error_covariance must be a finite symmetric "
                             f"({observed.size}, {observed.size}) matrix")
        lam, basis = np.linalg.eigh(cov)
        if lam[0] < -1e-10 * max(lam[-1], 0.0):
            raise ValueError("error_covariance must be positive semi-definite")
        lam = np.clip(lam, 0.0, None)
        observed_b = basis.T @ observed
    calls = [0]

    def log_prob(theta):
        theta = np.atleast_2d(theta)
        out = np.full(theta.shape[0], -np.inf)
        params = theta[:, :P]
        ok = prior.contains(params)
        if noise is None:
            log_s = theta[:, P]
            ok &= (log_s >= lo_s) & (log_s <= hi_s)
        if ok.any():
            pred = np.asarray(forward(params[ok]), dtype=float)
            calls[0] += int(ok.sum())
            if basis is None:
                r2 = (pred - observed) ** 2
            else:
                r2 = (pred @ basis - observed_b) ** 2
            s2 = np.exp(2 * log_s[ok])[:, None] if noise is None else noise ** 2
            var = lam + s2
            ll = -0.5 * np.sum(r2 / var + np.log(var), axis=1)
            out[ok] = np.where(np.isfinite(ll), ll, -np.inf)
        return out

    rng = np.random.default_rng(seed)
    start = prior.sample(walkers, rng)
    if noise is None:
        start = np.column_stack([start, rng.uniform(lo_s, hi_s, walkers)])
    ndim = start.shape[1]
    backend = None
    done = 0
    if checkpoint is not None:
        fingerprint = _fingerprint(observed, prior, noise, noise_bounds, walkers, seed,
                                   error_covariance)
        backend = emcee.backends.HDFBackend(str(checkpoint))
        if resume:
            try:
                done = backend.iteration
                with backend.open() as f:
                    saved = f[backend.name].attrs.get("sciml_fingerprint", "")
            except (OSError, KeyError, AttributeError):
                done, saved = 0, fingerprint
            if done > 0 and saved != fingerprint:
                raise ValueError(f"checkpoint {checkpoint} holds a chain of another calibration "
                                 "(data, prior, noise, walkers or seed differ); remove it or "
                                 "run without resume")
        if done == 0:
            backend.reset(walkers, ndim)
            with backend.open("a") as f:
                f[backend.name].attrs["sciml_fingerprint"] = fingerprint
    sampler = emcee.EnsembleSampler(walkers, ndim, log_prob, vectorize=True, backend=backend)
    sampler.random_state = np.random.RandomState(seed).get_state()
    t0 = time.perf_counter()
    if done > 0:
        sampler.run_mcmc(None, max(0, steps - done), progress=progress)
    else:
        sampler.run_mcmc(start, steps, progress=progress)
    seconds = time.perf_counter() - t0
    chain = sampler.get_chain(discard=burn)
    lp = sampler.get_log_prob(discard=burn)
    names = prior.names
    if noise is None:
        chain = chain.copy()
        chain[:, :, P] = np.exp(chain[:, :, P])
        names = (*names, NOISE)
    return Posterior(names=names, chain=chain, log_prob=lp,
                     acceptance=float(np.mean(sampler.acceptance_fraction)), seconds=seconds,
                     forward_evaluations=calls[0])
