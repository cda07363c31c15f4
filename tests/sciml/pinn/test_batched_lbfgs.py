"""`batched_lbfgs`: independent problems solved together, each as if alone, against SciPy."""

import numpy as np
import pytest
import scipy.optimize
import torch

from sciml.pinn._lbfgs import batched_lbfgs


def rosenbrock(a: torch.Tensor, b: torch.Tensor):
    """Row k: f(x, y) = (a_k − x)² + b_k (y − x²)², minimum at (a_k, a_k²)."""

    def evaluate(theta, rows):
        theta = theta.detach().requires_grad_(True)
        x, y = theta[:, 0], theta[:, 1]
        f = (a[rows] - x) ** 2 + b[rows] * (y - x ** 2) ** 2
        g, = torch.autograd.grad(f.sum(), theta)
        return f.detach(), g

    return evaluate


def test_rosenbrock_rows_reach_their_minima_like_scipy():
    a = torch.tensor([1.0, 0.5, -1.0, 2.0], dtype=torch.float64)
    b = torch.tensor([100.0, 10.0, 50.0, 5.0], dtype=torch.float64)
    start = torch.tensor([[-1.2, 1.0], [0.0, 0.0], [1.0, 2.0], [0.5, -1.0]], dtype=torch.float64)
    theta, loss = batched_lbfgs(rosenbrock(a, b), start, 300)
    exact = torch.stack([a, a ** 2], 1)
    assert torch.allclose(theta, exact, atol=1e-6)
    for k in range(4):  # SciPy's L-BFGS-B finds the same point
        res = scipy.optimize.minimize(
            lambda v, k=k: float((a[k] - v[0]) ** 2 + b[k] * (v[1] - v[0] ** 2) ** 2),
            start[k].numpy(), method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12})
        assert np.allclose(res.x, theta[k].numpy(), atol=1e-4)
    assert float(loss.max()) < 1e-12


def test_each_row_is_the_run_it_would_be_alone():
    a = torch.tensor([1.0, 0.3, -0.7], dtype=torch.float64)
    b = torch.tensor([100.0, 20.0, 3.0], dtype=torch.float64)
    start = torch.tensor([[-1.2, 1.0], [2.0, 0.0], [0.1, 0.1]], dtype=torch.float64)
    together, _ = batched_lbfgs(rosenbrock(a, b), start, 25)
    for k in range(3):
        alone, _ = batched_lbfgs(rosenbrock(a[k:k + 1], b[k:k + 1]), start[k:k + 1], 25)
        assert torch.equal(alone[0], together[k])


def test_a_diverged_row_does_not_disturb_the_others():
    a = torch.tensor([1.0, 1.0], dtype=torch.float64)
    b = torch.tensor([100.0, 100.0], dtype=torch.float64)
    start = torch.tensor([[-1.2, 1.0], [float("nan"), 0.0]], dtype=torch.float64)
    theta, loss = batched_lbfgs(rosenbrock(a, b), start, 200)
    assert torch.allclose(theta[0], torch.tensor([1.0, 1.0], dtype=torch.float64), atol=1e-6)
    assert not torch.isfinite(loss[1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="2-D"):
        batched_lbfgs(rosenbrock(torch.ones(1), torch.ones(1)), torch.zeros(2), 3)
    with pytest.raises(ValueError, match="iterations"):
        batched_lbfgs(rosenbrock(torch.ones(1), torch.ones(1)), torch.zeros(1, 2), -1)
