"""Active learning of a closure over (α, ζ): the committee score and one seeded round."""

import math

import pytest
import torch

from sciml.closures import (
    ClosureSamples,
    InvariantClosure,
    active_closure_learning,
    committee_spread,
    fit_closure,
    relative_error,
)
from solvers.spectral import ActiveFluidParams, bingham, kinetic_closure_data

KIN = {"nx": 32, "ntheta": 32, "dt": 0.02, "t_end": 3.0, "save_every": 0.5, "amplitude": 0.3}
CANDIDATES = [ActiveFluidParams(alpha=a, zeta=z) for a, z in
              ((-1.5, 0.2), (-1.5, 0.5), (-3.0, 0.2), (-3.0, 0.5))]


def _z0():
    x = torch.arange(32, dtype=torch.float64) * 2 * math.pi / 32
    return (0.05 * torch.exp(1j * x))[None]


def test_committee_spread_is_zero_for_clones_and_infinite_for_a_blow_up():
    torch.manual_seed(0)
    m = InvariantClosure(width=8, depth=1).double()
    p = ActiveFluidParams(alpha=-3.0, zeta=0.5)
    assert committee_spread([m, m], p, _z0(), 1.0, 0.02) == 0.0
    other = InvariantClosure(width=8, depth=1).double()
    assert 0.0 < committee_spread([m, other], p, _z0(), 1.0, 0.02) < math.inf
    def wild(z, e):  # not realizable: drives |z| past 1
        return -3 * z * z
    assert committee_spread([m, wild], ActiveFluidParams(alpha=-4.0, zeta=2.0),
                            _z0() * 10, 4.0, 0.02) == math.inf
    with pytest.raises(ValueError, match="at least 2 models"):
        committee_spread([m], p, _z0(), 1.0, 0.02)


def test_one_round_adds_the_most_disputed_set_and_the_closure_beats_bingham():
    def simulate(params, k):
        return kinetic_closure_data(params, runs=1, seed=10 * k, **KIN)

    def make(seed, s):
        return InvariantClosure(width=16, depth=2, e_scale=float(s.e.abs().mean())).double()

    def fit(m, s):
        fit_closure(m, s, epochs=60, batch=512, lr=3e-3)

    res = active_closure_learning(CANDIDATES, simulate, make, fit, _z0(), initial=[0],
                                  rounds=1, committee=2, t_end=2.0, dt=0.02)
    scores = res.scores[0]
    assert math.isnan(scores[0]) and all(scores[1:] >= 0)
    assert res.chosen == [0, int(scores[1:].argmax()) + 1]
    assert res.data.sizes["case"] == 2 and len(res.models) == 2
    # seeded: a closure fitted to the two sets beats Bingham on fresh runs at all four
    test = ClosureSamples.from_dataset(kinetic_closure_data(CANDIDATES, runs=1, seed=99, **KIN))
    samples = ClosureSamples.from_dataset(res.data)
    torch.manual_seed(0)
    model = make(0, samples)
    fit_closure(model, samples, epochs=150, batch=512, lr=3e-3)
    with torch.no_grad():
        err = relative_error(model(test.z, test.e), test.m4)
    assert err < 0.6 * relative_error(bingham(test.z), test.m4)
    with pytest.raises(ValueError, match="rounds=5"):
        active_closure_learning(CANDIDATES, simulate, make, fit, _z0(), initial=[0], rounds=5)
