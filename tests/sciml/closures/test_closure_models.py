"""Learned closures: rotation and reflection equivariance, isotropic limit, autograd; a seeded
a-priori fit to kinetic data that beats Bingham on held-out runs; a-posteriori training
through the differentiable moment solver; parameter recovery from a trajectory."""

import copy
import math

import numpy as np
import pytest
import torch

from sciml.closures import (
    BinghamResidualClosure,
    ClosureSamples,
    InvariantClosure,
    estimate_parameter,
    fit_closure,
    load_closure,
    relative_error,
    rollout,
    save_closure,
    split_cases,
    train_a_posteriori,
)
from solvers.spectral import (
    ActiveFluidParams,
    MomentSolver2D,
    bingham,
    closure_data_params,
    kinetic_closure_data,
)

MODELS = [InvariantClosure, BinghamResidualClosure]


def _random(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    z = torch.polar(0.9 * torch.rand(n, generator=g, dtype=torch.float64),
                    6.3 * torch.rand(n, generator=g, dtype=torch.float64))
    e = torch.complex(torch.randn(n, generator=g, dtype=torch.float64),
                      torch.randn(n, generator=g, dtype=torch.float64))
    return z, e


@pytest.mark.parametrize("cls", MODELS)
def test_equivariance_isotropic_limit_and_gradcheck(cls):
    torch.manual_seed(0)
    model = cls(width=16, depth=2, e_scale=0.7).double()
    with torch.no_grad():  # a non-trivial residual for the Bingham-started model
        for prm in model.parameters():
            prm.add_(0.3 * torch.randn_like(prm))
    z, e = _random()
    m4 = model(z, e)
    for phi in (0.4, -1.3):
        r = torch.exp(torch.tensor(2j * phi, dtype=torch.complex128))
        torch.testing.assert_close(model(z * r, e * r), m4 * r ** 2, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(model(z.conj(), e.conj()), m4.conj(), rtol=1e-10, atol=1e-12)
    zero = torch.zeros(3, dtype=torch.complex128)
    assert model(zero, zero).abs().max() == 0

    def f(a, b, c, d):
        out = model(torch.complex(a, b), torch.complex(c, d))
        return out.real, out.imag

    args = [0.5 * torch.rand(5, dtype=torch.float64).requires_grad_() for _ in range(4)]
    assert torch.autograd.gradcheck(f, args)


def test_learned_closure_runs_in_the_moment_solver():
    model = InvariantClosure(width=8, depth=1).double()
    s = MomentSolver2D(ActiveFluidParams(alpha=-2.0, zeta=1.0), n=16, dt=0.02, closure=model)
    z = s.run(s.isotropic(1, amplitude=0.3), 0.2).z[-1]
    assert torch.isfinite(z).all()


@pytest.fixture(scope="module")
def fitted():
    """Kinetic data (4 parameter sets × 2 runs, t ≤ 6, weakly to moderately ordered: ζ ≤ 0.6
    keeps Ψ resolved on 64 angles), 2 runs held out, and a seeded a-priori fit."""
    params = [ActiveFluidParams(alpha=a, zeta=zeta) for a in (-1.5, -3.0)
              for zeta in (0.3, 0.6)]
    ds = kinetic_closure_data(params, nx=32, ntheta=64, dt=0.01, t_end=6.0, save_every=0.25,
                              amplitude=0.3, runs=2, seed=0)
    train, test = split_cases(ds, 0.25, seed=1)
    tr = ClosureSamples.from_dataset(ds, cases=train)
    torch.manual_seed(0)
    model = InvariantClosure(width=32, depth=2, e_scale=float(tr.e.abs().mean())).double()
    fit_closure(model, tr, epochs=150, batch=1024, lr=3e-3, seed=0)
    return ds, train, test, model


def _rollout_errors(closure, ds, cases):
    """Relative L2 error of z(x, t) of moment-model rollouts from the kinetic initial states."""
    z_all = torch.as_tensor(ds["z_real"].values + 1j * ds["z_imag"].values)
    out = []
    params = closure_data_params(ds)
    for c in cases:
        p = params[c]
        _, z = rollout(closure, p, z_all[c, :1], float(ds.time[-1]), 0.01,
                       save_every=float(ds.time[1]))
        out.append(float((z[:, 0] - z_all[c]).abs().norm() / z_all[c].abs().norm()))
    return np.array(out)


def test_seeded_fit_beats_bingham_on_held_out_runs(fitted):
    ds, _, test, model = fitted
    te = ClosureSamples.from_dataset(ds, cases=test)
    with torch.no_grad():
        err_learned = relative_error(model(te.z, te.e), te.m4)
    err_bingham = relative_error(bingham(te.z), te.m4)
    # seen: 0.10 against 0.29 (weakly ordered and transient states)
    assert err_learned < 0.6 * err_bingham, (err_learned, err_bingham)


# ~70 s: slow since the operator and sweep tests joined the default run; the a-posteriori
# closure is still trained and checked by default in tests/cases/test_active_fluid_closure.py.
@pytest.mark.slow
def test_a_posteriori_training_improves_held_out_rollouts(fitted):
    ds, train, test, model = fitted
    model = copy.deepcopy(model)
    with torch.no_grad():
        bingham_err = _rollout_errors("bingham", ds, test)
        before = _rollout_errors(model, ds, test)
    history = train_a_posteriori(model, ds, cases=train, dt=0.01, iterations=30, starts=8,
                                 lr=3e-4, seed=0)
    with torch.no_grad():
        after = _rollout_errors(model, ds, test)
    # seen (the two held-out runs): Bingham 0.015, 0.089; a priori 0.009, 0.024;
    # a posteriori 0.006, 0.019
    assert np.all(before < bingham_err), (before, bingham_err)
    assert np.all(after < before), (after, before)
    assert np.isfinite(history).all()


def test_alpha_is_recovered_from_a_trajectory():
    n = 32
    x = torch.arange(n, dtype=torch.float64) * (10.0 / n)
    k = 2 * math.pi / 10.0
    z0 = (0.2j * torch.cos(k * x) + 0.1 * torch.sin(2 * k * x)
          + 0.05j * torch.cos(3 * k * x + 0.3))[None]
    true = ActiveFluidParams(alpha=-2.3, zeta=0.8)
    times, z_obs = rollout("bingham", true, z0, 2.0, 0.02, save_every=0.5)
    est, history = estimate_parameter("alpha", -1.5, true.replace(alpha=-1.5), z_obs, times,
                                      0.02, iterations=10)
    assert est == pytest.approx(-2.3, abs=1e-6)
    assert history[-1] < 1e-10 * history[0]


@pytest.mark.parametrize("cls", [InvariantClosure, BinghamResidualClosure])
def test_a_saved_closure_loads_back_identical(tmp_path, cls):
    torch.manual_seed(3)
    m = cls(width=8, depth=2, e_scale=0.3).double()
    with torch.no_grad():
        m.net[-1].weight.normal_()
    save_closure(m, tmp_path / "c.pt")
    back = load_closure(tmp_path / "c.pt")
    z = torch.polar(torch.rand(50, dtype=torch.float64), 6 * torch.rand(50, dtype=torch.float64))
    e = torch.randn(50, dtype=torch.complex128)
    assert type(back) is cls and float(back.e_scale) == pytest.approx(0.3)
    assert torch.equal(back(z, e), m(z, e))
    torch.save({"kind": "other"}, tmp_path / "x.pt")
    with pytest.raises(ValueError, match="does not hold a learned closure"):
        load_closure(tmp_path / "x.pt")


def test_invariant_closure_and_bingham_are_realizable():
    # |m4 − z²| ≤ 1 − |z|²: (z, m4) are moments of a distribution, whatever the input
    torch.manual_seed(1)
    model = InvariantClosure(width=16, depth=2, e_scale=0.1).double()
    with torch.no_grad():
        for prm in model.parameters():
            prm.mul_(20.0)  # a wild network
    g = torch.Generator().manual_seed(5)
    z = torch.polar(0.999 * torch.rand(4000, generator=g, dtype=torch.float64) ** 0.2,
                    6.3 * torch.rand(4000, generator=g, dtype=torch.float64))
    e = 30 * torch.randn(4000, generator=g, dtype=torch.complex128)
    for m4 in (model(z, e), bingham(z)):
        slack = (1 - z.abs() ** 2) - (m4 - z ** 2).abs()
        assert slack.min() >= -1e-12
    assert (model(z, e) - z ** 2).abs().max() > 1e-3  # not trivially m4 = z²
