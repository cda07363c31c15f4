"""Hard constraints hold exactly on their boundary, whatever the network outputs."""

import math

import pytest
import torch

from sciml.pinn import (
    bounded,
    configure,
    deepxde,
    dirichlet,
    initial_boundary,
    interval_distance,
    positive,
)


@pytest.fixture(autouse=True)
def _float64():
    configure(dtype="float64")


def _net(n_in):
    torch.manual_seed(0)
    return deepxde().nn.FNN([n_in, 16, 16, 1], "tanh", "Glorot normal")


def test_dirichlet_on_the_faces_of_a_square():
    net = _net(2)
    g = lambda x: torch.sin(3 * x[:, :1]) + x[:, 1:] ** 2  # noqa: E731
    dirichlet(g, interval_distance([(0.0, 1.0), (0.0, 2.0)])).apply(net)
    s = torch.linspace(0, 1, 41, dtype=torch.float64)[:, None]
    for face in (torch.cat([0 * s, 2 * s], 1), torch.cat([0 * s + 1, 2 * s], 1),
                 torch.cat([s, 0 * s], 1), torch.cat([s, 0 * s + 2], 1)):
        assert torch.equal(net(face), g(face))
    inside = torch.tensor([[0.5, 1.0], [0.2, 0.3]])
    assert not torch.allclose(net(inside), g(inside))  # the network is free inside
    with pytest.raises(ValueError, match="must have a < b"):
        interval_distance([(1.0, 0.0)])


def test_dirichlet_with_a_constant():
    net = _net(1)
    dirichlet(2.5, interval_distance([(-1.0, 1.0)])).apply(net)
    assert torch.equal(net(torch.tensor([[-1.0], [1.0]])), torch.full((2, 1), 2.5))


def test_initial_boundary_for_burgers():
    net = _net(2)
    u0 = lambda x: -torch.sin(math.pi * x[:, :1])  # noqa: E731
    initial_boundary(u0, interval_distance([(-1.0, 1.0)], [0]), t_column=1).apply(net)
    x = torch.linspace(-1, 1, 51, dtype=torch.float64)[:, None]
    at0 = torch.cat([x, 0 * x], 1)
    assert torch.equal(net(at0), u0(at0))
    t = torch.linspace(0, 1, 51, dtype=torch.float64)[:, None]
    for side in (-1.0, 1.0):
        edge = torch.cat([0 * t + side, t], 1)
        assert torch.max(torch.abs(net(edge))) < 1e-15  # sin(±π) is 1.2e-16, not 0


def test_range_constraints_and_composition():
    x = torch.zeros(5, 1)
    raw = torch.tensor([[-1e3], [-3.0], [0.0], [3.0], [40.0]], dtype=torch.float64)
    u = bounded(0.5, 2.0)(x, raw)
    assert torch.all(u >= 0.5) and torch.all(u <= 2.0) and float(u[2]) == 1.25
    assert torch.all(positive()(x, raw) >= 0)
    with pytest.raises(ValueError, match="hi=0.0 must be > lo=1.0"):
        bounded(1.0, 0.0)
    # the range applies to what the Dirichlet transform returns: both still hold at the face
    both = dirichlet(0.0, interval_distance([(0.0, 1.0)])).then(bounded(-1.0, 1.0))
    face = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    assert torch.equal(both(face, torch.tensor([[5.0], [-7.0]])), torch.zeros(2, 1))
    assert "dirichlet then bounded" in repr(both)


def test_pinned_sigmoid_holds_its_value_at_a_fixed_or_trainable_point():
    from sciml.pinn import deepxde, pinned_sigmoid

    dde = deepxde()
    torch.manual_seed(0)
    net = dde.nn.FNN([1, 16, 16, 2], "tanh", "Glorot normal").double()
    pinned_sigmoid(net, 0.3, 0.25, column=1).apply(net)
    x = torch.linspace(0, 1, 101, dtype=torch.float64)[:, None]
    u = net(x)
    assert u.shape == (101, 1) and bool(((u > 0) & (u < 1)).all())
    at = net(torch.tensor([[0.3]], dtype=torch.float64))
    assert abs(float(at) - 0.25) < 1e-15
    pos = torch.tensor(0.6, dtype=torch.float64, requires_grad=True)
    net2 = dde.nn.FNN([1, 8, 1], "tanh", "Glorot normal").double()
    pinned_sigmoid(net2, lambda: pos, lambda: 0.5 + 0.2 * pos).apply(net2)
    assert abs(float(net2(pos.detach().reshape(1, 1))) - 0.62) < 1e-15
    net2(x).sum().backward()  # the pin position gets a gradient (it is trainable)
    assert pos.grad is not None and torch.isfinite(pos.grad)


def test_multi_fidelity_level_corrects_a_frozen_coarse_network():
    """−u'' = π² sin(πx) on [0, 1], u(0) = u(1) = 0 (u = sin πx): a 6-wide level, then a
    correction level on top of it, both with the boundary values built in."""
    from sciml.pinn import configure, deepxde, dirichlet, interval_distance, on_top_of

    configure(dtype="float64", seed=0)
    dde = deepxde()

    def pde(x, u):
        return -dde.grad.hessian(u, x) - math.pi ** 2 * torch.sin(math.pi * x)

    geom = dde.geometry.Interval(0.0, 1.0)
    x = torch.linspace(0, 1, 201, dtype=torch.float64)[:, None]
    exact = torch.sin(math.pi * x)

    def fit(net, iterations):
        model = dde.Model(dde.data.PDE(geom, pde, [], num_domain=64), net)
        model.compile("adam", lr=1e-2)
        model.train(iterations=iterations, verbose=0)
        return float((net(x) - exact).norm() / exact.norm())

    coarse = dde.nn.FNN([1, 6, 1], "tanh", "Glorot normal")
    dirichlet(0.0, interval_distance([(0.0, 1.0)])).apply(coarse)
    err_coarse = fit(coarse, 150)
    frozen = [p.detach().clone() for p in coarse.parameters()]
    fine = dde.nn.FNN([1, 16, 16, 1], "tanh", "Glorot normal")
    dirichlet(0.0, interval_distance([(0.0, 1.0)])).then(on_top_of(coarse, 0.1)).apply(fine)
    ends = fine(torch.tensor([[0.0], [1.0]], dtype=torch.float64))
    assert float(ends.abs().max()) < 1e-15  # boundary values of both levels
    err_fine = fit(fine, 300)
    assert all(torch.equal(a, b) for a, b in zip(frozen, coarse.parameters(), strict=True))
    assert err_fine < 0.2 * err_coarse, (err_coarse, err_fine)
