"""The shared PINN layer: backend set-up, trainable positive variables, schedules."""

import math

import pytest
import torch

from sciml.pinn import PositiveVariable, Schedule, configure, deepxde


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
