"""Learned closures: rotation and reflection equivariance, isotropic limit, autograd, and a
seeded a-priori fit to kinetic data that beats Bingham on held-out trajectories."""

import pytest
import torch

from sciml.closures import (
    BinghamResidualClosure,
    ClosureSamples,
    InvariantClosure,
    fit_closure,
    relative_error,
    split_cases,
)
from solvers.spectral import ActiveFluidParams, MomentSolver2D, bingham, kinetic_closure_data

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


def test_seeded_fit_beats_bingham_on_held_out_runs():
    params = [ActiveFluidParams(alpha=a, zeta=zeta) for a in (-1.5, -3.0)
              for zeta in (0.5, 1.5)]
    ds = kinetic_closure_data(params, nx=32, ntheta=32, dt=0.01, t_end=6.0, save_every=0.25,
                              amplitude=0.3, runs=2, seed=0)
    train, test = split_cases(ds, 0.25, seed=1)
    tr = ClosureSamples.from_dataset(ds, cases=train)
    te = ClosureSamples.from_dataset(ds, cases=test)
    e_scale = float(tr.e.abs().mean())
    torch.manual_seed(0)
    model = InvariantClosure(width=32, depth=2, e_scale=e_scale).double()
    fit_closure(model, tr, epochs=150, batch=1024, lr=3e-3, seed=0)
    with torch.no_grad():
        err_learned = relative_error(model(te.z, te.e), te.m4)
    err_bingham = relative_error(bingham(te.z), te.m4)
    assert err_learned < 0.7 * err_bingham, (err_learned, err_bingham)  # seen: 0.16 vs 0.29
