"""METALIC (Li, Penwarden, …, Zhe, ICML 2023): the interface conditions of a multi-domain PINN
chosen by a contextual multi-armed bandit over a parametric PDE family.

Context: the PDE parameter (mapped to [0, 1], `PdeFamily.unit`). Arm: one of the 512 on/off
patterns of the nine interface terms (`sciml.pinn.INTERFACE_TERMS`). Reward: −log10 of the
relative L2 error of the trained multi-domain PINN (errors capped at 1, reward ≥ 0).

Reward model: a Gaussian process from scikit-learn on (context, 9 bits) with kernel
c · k_RBF(context) · Π_j exp(−(b_j − b'_j)²/(2ℓ_j²)) + white noise, i.e. an anisotropic RBF
over the ten inputs. On 0/1 bits the product over j equals exp(−Σ_j w_j [b_j ≠ b'_j]), a
weighted-Hamming kernel on the pattern, so this is the product of an RBF kernel on the
parameter and a categorical kernel on the arm; the length scales are fitted by maximum
marginal likelihood after every round.

Acquisition, per pull (a round trains `batch` pulls together, each with its own context drawn
from the family's range):

- ``ucb``: the arm of largest μ + κσ; within a round, each choice is added to the GP as a
  pseudo-observation at its predicted mean before the next one (GP-BUCB: the variance shrinks,
  the mean stays), so the pulls of one round spread out;
- ``thompson``: the argmax of one joint posterior sample over all 512 arms.

Two-stage variant: one GP on (context, Adam-phase arm) with the reward after the Adam phase,
and one on (context, Adam-phase arm, L-BFGS-phase arm) with the final reward; the L-BFGS arm is
chosen given the Adam arm. `Metalic.best(params)` gives the arms of largest posterior mean
(stage by stage) for new parameters.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..io import read_json, write_json
from ._multidomain import (
    N_ARMS,
    MultiDomainConfig,
    PdeFamily,
    arm_bits,
    capped_errors,
    family,
    train_multidomain,
)

ALL_ARMS = np.arange(N_ARMS)


def reward_of(rel_l2) -> np.ndarray:
    """−log10 of the relative error, the error capped at `ERROR_CAP` (non-finite: the cap)."""
    return -np.log10(np.maximum(capped_errors(rel_l2), 1e-300))


@dataclass(frozen=True)
class MetalicConfig:
    """The bandit: `strategy` ``"ucb"`` (exploration weight `kappa`) or ``"thompson"``;
    `batch` pulls per round; the first round is `batch` uniformly random arms; `two_stage`
    chooses Adam- and L-BFGS-phase arms separately; `restarts` of the GP's marginal-likelihood
    optimiser."""

    strategy: str = "ucb"
    kappa: float = 2.0
    batch: int = 16
    two_stage: bool = False
    restarts: int = 2

    def __post_init__(self):
        if self.strategy not in ("ucb", "thompson"):
            raise ValueError(f"strategy={self.strategy!r} is not one of ('ucb', 'thompson')")
        if not (math.isfinite(self.kappa) and self.kappa >= 0):
            raise ValueError(f"kappa={self.kappa!r} is outside the valid range [0, inf)")
        for name, lo in (("batch", 1), ("restarts", 0)):
            v = getattr(self, name)
            if not isinstance(v, int) or v < lo:
                raise ValueError(f"{name}={v!r} must be an integer >= {lo}")


class RewardModel:
    """A scikit-learn GP reward surrogate on rows (context, bits…) with the kernel above."""

    def __init__(self, n_inputs: int, *, restarts: int = 2, seed: int = 0):
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

        kernel = (ConstantKernel(1.0, (1e-3, 1e3))
                  * RBF(np.ones(n_inputs), (1e-2, 1e2))
                  + WhiteKernel(1e-2, (1e-6, 1.0)))
        self._make = lambda k, opt: GaussianProcessRegressor(
            k, normalize_y=True, n_restarts_optimizer=restarts if opt else 0,
            optimizer="fmin_l_bfgs_b" if opt else None, random_state=seed)
        self.kernel = kernel
        self.gp = None
        self.X = np.empty((0, n_inputs))
        self.y = np.empty(0)

    def fit(self, X: np.ndarray, y: np.ndarray) -> RewardModel:
        """Fit the hyper-parameters and the posterior to the observations (X, y)."""
        from sklearn.exceptions import ConvergenceWarning

        self.X, self.y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        with warnings.catch_warnings():  # a length scale at its bound: that input is inert
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.gp = self._make(self.kernel, True).fit(self.X, self.y)
        return self

    def fantasize(self, X: np.ndarray) -> None:
        """Add pseudo-observations at `X` equal to the posterior mean (hyper-parameters
        kept): the posterior variance there shrinks, the mean does not move."""
        mean = self.gp.predict(X)
        self.X, self.y = np.vstack([self.X, X]), np.concatenate([self.y, mean])
        self.gp = self._make(self.gp.kernel_, False).fit(self.X, self.y)

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, std = self.gp.predict(X, return_std=True)
        return mean, std

    def sample(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One draw of the joint posterior at the rows of X."""
        mean, cov = self.gp.predict(X, return_cov=True)
        vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
        return mean + vecs @ (np.sqrt(np.clip(vals, 0.0, None)) * rng.standard_normal(len(mean)))


def _finite(value) -> float | None:
    """A JSON-safe error: None where the training diverged."""
    value = float(value)
    return value if math.isfinite(value) else None


def _rows(context: float, *bits: np.ndarray) -> np.ndarray:
    n = len(bits[-1])
    return np.hstack([np.full((n, 1), context), *[np.broadcast_to(b, (n, b.shape[-1]))
                                                  for b in bits]])


class Metalic:
    """The bandit's state: the pulls so far and the reward model(s) fitted to them."""

    def __init__(self, fam: PdeFamily | str, config: MetalicConfig = MetalicConfig(), *,
                 seed: int = 0):
        self.family = family(fam) if isinstance(fam, str) else fam
        self.config, self.seed = config, seed
        self.records: list[dict] = []
        self.models: list[RewardModel] = []

    # observations -----------------------------------------------------------------------
    @property
    def rounds(self) -> int:
        return 1 + max((r["round"] for r in self.records), default=-1)

    def _data(self, stage: int):
        ctx = self.family.unit([r["param"] for r in self.records])[:, None]
        b1 = arm_bits([r["arm"] for r in self.records])
        if stage == 0:
            key = "rel_l2_adam" if self.config.two_stage else "rel_l2"
            return np.hstack([ctx, b1]), reward_of([r[key] for r in self.records])
        b2 = arm_bits([r["arm_lbfgs"] for r in self.records])
        return np.hstack([ctx, b1, b2]), reward_of([r["rel_l2"] for r in self.records])

    def refit(self) -> None:
        """Fit the reward model(s) to all pulls so far."""
        stages = 2 if self.config.two_stage else 1
        self.models = []
        for s in range(stages):
            X, y = self._data(s)
            self.models.append(RewardModel(X.shape[1], restarts=self.config.restarts,
                                           seed=self.seed + self.rounds).fit(X, y))

    def update(self, result, round_: int) -> None:
        """Record the pulls of a round (a `MultiDomainResult`) and refit."""
        for k in range(len(result.params)):
            self.records.append({
                "round": int(round_), "param": float(result.params[k]),
                "arm": int(result.arms[k]), "arm_lbfgs": int(result.arms_lbfgs[k]),
                "rel_l2": _finite(result.rel_l2[k]), "rel_l2_adam": _finite(result.rel_l2_adam[k])})
        self.refit()

    # decisions ---------------------------------------------------------------------------
    def propose(self, params, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Arms (Adam phase, L-BFGS phase) to pull at each of `params`."""
        params = np.atleast_1d(params)
        if not self.models:
            a1 = rng.integers(0, N_ARMS, len(params))
            a2 = rng.integers(0, N_ARMS, len(params)) if self.config.two_stage else a1
            return a1, a2
        bits = arm_bits(ALL_ARMS)
        a1s, a2s = [], []
        for p in params:
            c = float(self.family.unit(p))
            a1 = self._choose(self.models[0], _rows(c, bits), rng)
            a1s.append(a1)
            if self.config.two_stage:
                a2s.append(self._choose(self.models[1], _rows(c, bits[a1][None], bits), rng))
            else:
                a2s.append(a1)
        return np.array(a1s), np.array(a2s)

    def _choose(self, model: RewardModel, X: np.ndarray, rng) -> int:
        if self.config.strategy == "thompson":
            return int(np.argmax(model.sample(X, rng)))
        mean, std = model.predict(X)
        a = int(np.argmax(mean + self.config.kappa * std))
        model.fantasize(X[a:a + 1])
        return a

    def best(self, params) -> tuple[np.ndarray, np.ndarray]:
        """The arms of largest predicted reward at each of `params` (no exploration)."""
        if not self.models:
            self.refit()
        bits = arm_bits(ALL_ARMS)
        a1s, a2s = [], []
        for p in np.atleast_1d(params):
            c = float(self.family.unit(p))
            a1 = int(np.argmax(self.models[0].predict(_rows(c, bits))[0]))
            a1s.append(a1)
            a2s.append(int(np.argmax(self.models[1].predict(_rows(c, bits[a1][None], bits))[0]))
                       if self.config.two_stage else a1)
        return np.array(a1s), np.array(a2s)

    def predicted_reward(self, params) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the (single-stage or Adam-phase) reward of
        every arm at each of `params`: shape (len(params), 512)."""
        if not self.models:
            self.refit()
        bits = arm_bits(ALL_ARMS)
        out = [self.models[0].predict(_rows(float(self.family.unit(p)), bits))
               for p in np.atleast_1d(params)]
        return np.array([m for m, _ in out]), np.array([s for _, s in out])

    # persistence -------------------------------------------------------------------------
    def state(self) -> dict:
        return {"family": self.family.name, "config": asdict(self.config), "seed": self.seed,
                "records": self.records}

    def save(self, path: str | os.PathLike, meta: dict | None = None) -> None:
        """Write the state (with `meta`, e.g. the training settings) atomically as JSON."""
        write_json({**self.state(), "meta": meta or {}}, path)

    @classmethod
    def load(cls, path: str | os.PathLike, fam: PdeFamily | str, config: MetalicConfig,
             *, seed: int = 0, meta: dict | None = None) -> Metalic:
        """A bandit restored from `save`; refuses a file written for other settings."""
        state = read_json(path)
        name = fam if isinstance(fam, str) else fam.name
        mine = {"family": name, "config": asdict(config), "seed": seed, "meta": meta or {}}
        theirs = {k: state.get(k) for k in mine}
        if theirs != json.loads(json.dumps(mine)):
            raise ValueError(f"{path} belongs to another run ({theirs}); remove it or choose "
                             f"another output directory")
        bandit = cls(fam, config, seed=seed)
        bandit.records = list(state["records"])
        if bandit.records:
            bandit.refit()
        return bandit


def training_seed(seed: int, round_: int) -> int:
    """The `train_multidomain` seed of bandit round `round_` of a run with seed `seed`."""
    return int(np.random.SeedSequence([seed, 0, round_]).generate_state(1)[0])


def evaluation_seeds(seed: int, n: int) -> list[int]:
    """`n` seeds for trainings that judge a bandit's picks, disjoint from its rounds' seeds."""
    return [int(s) for s in np.random.SeedSequence([seed, 1]).generate_state(n)]


def run_metalic(bandit: Metalic, rounds: int, train_config: MultiDomainConfig, *,
                seed: int = 0, device: str | torch.device = "cpu",
                after_round: Callable[[Metalic], None] | None = None,
                progress: Callable[[int], None] | None = None) -> Metalic:
    """Play the bandit online until it has `rounds` rounds: each round draws `batch` contexts
    from the family's range, chooses their arms, trains the multi-domain PINNs together
    (`train_multidomain` with seed `training_seed(seed, round)`) and updates the reward model.

    Every round trains from other initial weights and points: the spread of the error over
    initialisations is as large as the differences between good arms (relative L2 0.13–0.30
    for one arm at Burgers ν = 0.0016 over four seeds), so a reward model fitted to one seed
    would learn that seed's accidents; across seeds it sees them as the noise they are.
    `after_round(bandit)` (e.g. a checkpoint) runs after each round; `progress(1)` counts
    rounds. A restored bandit continues from its last round; each round's draws depend only
    on (`bandit.seed`, `seed`, round), so a resumed run repeats an uninterrupted one."""
    if not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds={rounds!r} must be an integer >= 1")
    for r in range(bandit.rounds, rounds):
        rng = np.random.default_rng([bandit.seed, r])
        params = bandit.family.sample(rng, bandit.config.batch)
        a1, a2 = bandit.propose(params, rng)
        result = train_multidomain(bandit.family, params, a1, arms_lbfgs=a2,
                                   config=train_config, seed=training_seed(seed, r),
                                   device=device)
        bandit.update(result, r)
        if after_round is not None:
            after_round(bandit)
        if progress is not None:
            progress(1)
    return bandit
