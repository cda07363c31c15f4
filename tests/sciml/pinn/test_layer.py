"""The shared PINN layer: backend set-up, trainable positive variables, schedules."""

import math

import pytest
import torch

from sciml.pinn import BoundedVariable, PositiveVariable, Schedule, configure, deepxde


def test_deepxde_runs_on_pytorch_with_requested_precision_and_device():
    dev = configure(dtype="float64", device="cpu", seed=3)
    dde = deepxde()
    assert dde.backend.backend_name == "pytorch"
    assert dev.type == "cpu" and torch.empty(1).device.type == "cpu"
    assert torch.get_default_dtype() == torch.float64
    with pytest.raises(ValueError, match="dtype='float16'"):
        configure(dtype="float16")


def test_positive_variable_trains_its_logarithm():
    configure(dtype="float64")
    v = PositiveVariable("flame_speed_m_s", 0.25)
    assert v.value == pytest.approx(0.25, rel=1e-15)
    assert float(v.log.detach()) == pytest.approx(math.log(0.25))
    (grad,) = torch.autograd.grad(v.tensor(), v.log)
    assert float(grad) == pytest.approx(0.25)  # d exp(a)/da
    with pytest.raises(ValueError, match="initial=-1"):
        PositiveVariable("s", -1.0)


@pytest.mark.parametrize(("kwargs", "field"), [({"adam": -1}, "adam"), ({"lr": 2.0}, "lr"),
                                               ({"decay": 0.0}, "decay")])
def test_schedule_validates(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}="):
        Schedule(**kwargs)


def test_projection_is_the_least_squares_minimiser():
    # r(v) = r0 + v (r1 - r0) is minimised, in the sum of squares, at the exact v*.
    configure(dtype="float64", seed=1)
    gen = torch.Generator().manual_seed(1)
    a, b = torch.randn(50, generator=gen), torch.randn(50, generator=gen)
    v = PositiveVariable("s", 0.1)
    r0 = b + 0.5 * a  # residual at v = 0
    r1 = r0 - a  # slope -a
    v.project(r0, r1)
    grid = torch.linspace(0.01, 2.0, 20001)
    best = grid[torch.argmin(((r0[None] + grid[:, None] * (r1 - r0)[None]) ** 2).sum(1))]
    assert v.value == pytest.approx(float(best), abs=1e-4)
    exact = float((r0 * a).sum() / (a * a).sum())
    assert v.value == pytest.approx(max(exact, 1e-6), rel=1e-12)


def test_bounded_variable_stays_inside_its_bounds():
    configure(dtype="float64")
    v = BoundedVariable("flame_position_xi", 0.3, 0.02, 0.98)
    assert v.value == pytest.approx(0.3, rel=1e-14)
    with torch.no_grad():
        v.raw.fill_(1e3)
    assert v.value == pytest.approx(0.98)
    with pytest.raises(ValueError, match="initial=1.5"):
        BoundedVariable("x", 1.5, 0.0, 1.0)
