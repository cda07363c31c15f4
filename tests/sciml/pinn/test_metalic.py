"""METALIC's bandit on synthetic rewards with a known best arm (UCB, Thompson, two-stage), its
persistence, and the online loop resumed from its checkpoint."""

from types import SimpleNamespace

import numpy as np
import pytest

from sciml.pinn import (
    DEFAULT_ARM,
    N_ARMS,
    Metalic,
    MetalicConfig,
    MultiDomainConfig,
    arm_bits,
    evaluation_seeds,
    reward_of,
    run_metalic,
    training_seed,
)

ARMS_BITS = arm_bits(np.arange(N_ARMS))


def true_reward(c, bits):
    """Terms 0, 3 and 7 help, 6 and 8 hurt, term 4 helps for c > 0.5 and hurts below; the
    rest do nothing."""
    b = np.atleast_2d(bits)
    return (1.0 + 0.6 * b[:, 0] + 0.4 * b[:, 3] + 0.3 * b[:, 7] - 0.5 * b[:, 6] - 0.3 * b[:, 8]
            + 0.8 * (c - 0.5) * (2 * b[:, 4] - 1))


def second_stage(c, bits):
    """Extra reward of the L-BFGS-phase arm: term 1 helps, term 2 helps for c < 0.5."""
    b = np.atleast_2d(bits)
    return 0.5 * b[:, 1] + 0.6 * (0.5 - c) * (2 * b[:, 2] - 1)


def play(bandit, rounds):
    fam = bandit.family
    for r in range(bandit.rounds, rounds):
        rng = np.random.default_rng([bandit.seed, r])
        params = fam.sample(rng, bandit.config.batch)
        a1, a2 = bandit.propose(params, rng)
        c = fam.unit(params)
        r1 = np.array([true_reward(ci, ARMS_BITS[a])[0] for ci, a in zip(c, a1, strict=True)])
        r2 = r1 + np.array([second_stage(ci, ARMS_BITS[a])[0] for ci, a in zip(c, a2,
                                                                             strict=True)])
        final = r2 if bandit.config.two_stage else r1
        bandit.update(SimpleNamespace(params=params, arms=a1, arms_lbfgs=a2,
                                      rel_l2=10.0 ** -final, rel_l2_adam=10.0 ** -r1), r)
    return bandit


@pytest.mark.parametrize("strategy", ["ucb", "thompson"])
def test_bandit_finds_the_context_dependent_best_arm(strategy):
    bandit = play(Metalic("reaction", MetalicConfig(strategy=strategy, batch=12), seed=4), 8)
    held_out = np.array([2.5, 13.0])  # unit contexts 0.11 and 0.89
    arms, _ = bandit.best(held_out)
    for c, arm in zip(bandit.family.unit(held_out), arms, strict=True):
        rewards = true_reward(c, ARMS_BITS)
        regret = rewards.max() - rewards[arm]
        # the best arm (0.0) or within a tenth of the spread of the 512 arms
        assert regret <= 0.1 * (rewards.max() - rewards.min()), (strategy, c, arm, regret)
        assert rewards[arm] > rewards[DEFAULT_ARM]
    assert ARMS_BITS[arms[0], 4] == 0 and ARMS_BITS[arms[1], 4] == 1  # the context matters


def test_two_stage_picks_each_phase():
    bandit = play(Metalic("reaction", MetalicConfig(batch=12, two_stage=True), seed=5), 8)
    held_out = np.array([2.5, 13.0])
    a1, a2 = bandit.best(held_out)
    for c, x, y in zip(bandit.family.unit(held_out), a1, a2, strict=True):
        total = true_reward(c, ARMS_BITS)[:, None] + second_stage(c, ARMS_BITS)[None, :]
        spread = total.max() - total.min()
        assert total.max() - total[x, y] <= 0.15 * spread, (c, x, y)
    assert ARMS_BITS[a2[0], 2] == 1 and ARMS_BITS[a2[1], 2] == 0


def test_reward_caps_errors():
    assert np.allclose(reward_of([1e-3, 0.1, 1.0, 7.0, np.inf, np.nan]), [3, 1, 0, 0, 0, 0])


def test_save_and_load(tmp_path):
    cfg = MetalicConfig(batch=6)
    bandit = play(Metalic("advection", cfg, seed=1), 2)
    bandit.save(tmp_path / "b.json", meta={"adam": 10})
    back = Metalic.load(tmp_path / "b.json", "advection", cfg, seed=1, meta={"adam": 10})
    assert back.records == bandit.records
    p = np.array([4.0, 20.0])
    assert np.allclose(back.predicted_reward(p)[0], bandit.predicted_reward(p)[0])
    with pytest.raises(ValueError, match="another run"):
        Metalic.load(tmp_path / "b.json", "advection", cfg, seed=1, meta={"adam": 20})
    with pytest.raises(ValueError, match="strategy"):
        MetalicConfig(strategy="greedy")


def test_online_loop_resumed_from_its_checkpoint_repeats_the_uninterrupted_run(tmp_path):
    train = MultiDomainConfig(width=8, depth=2, points=30, interface_points=8, adam=20,
                              lbfgs=5, grid=(21, 11), dtype="float64")
    cfg = MetalicConfig(batch=4)
    straight = run_metalic(Metalic("poisson", cfg, seed=2), 2, train, seed=0)
    path = tmp_path / "bandit.json"
    first = run_metalic(Metalic("poisson", cfg, seed=2), 1, train, seed=0,
                        after_round=lambda b: b.save(path))
    assert first.rounds == 1
    resumed = run_metalic(Metalic.load(path, "poisson", cfg, seed=2), 2, train, seed=0)
    assert resumed.records == straight.records
    assert len(straight.records) == 8
    assert np.array_equal(resumed.best([2.0, 5.0])[0], straight.best([2.0, 5.0])[0])


def test_every_round_and_every_evaluation_trains_from_its_own_seed():
    rounds = [training_seed(0, r) for r in range(200)]
    evals = evaluation_seeds(0, 20)
    assert len(set(rounds) | set(evals)) == 220
    assert rounds[:3] == [training_seed(0, r) for r in range(3)]  # reproducible
    assert set(rounds).isdisjoint(training_seed(1, r) for r in range(200))
    assert evaluation_seeds(0, 3) == evals[:3]
