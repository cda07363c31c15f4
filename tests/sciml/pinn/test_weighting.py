"""Causal weighting and loss normalisation of the PINN layer."""

import math

import numpy as np
import pytest
import torch

from sciml.pinn import (
    BurgersPINNConfig,
    burgers_model,
    causal,
    causal_weights,
    configure,
    normalising_weights,
)


def test_causal_weights_follow_the_earlier_slices_residuals():
    t = torch.tensor([0.1, 0.2, 0.4, 0.6, 0.9, 0.95], dtype=torch.float64)
    r2 = torch.tensor([1.0, 3.0, 2.0, 5.0, 0.5, 0.7], dtype=torch.float64)
    w = causal_weights(r2, t, (0.0, 1.0), bins=3, epsilon=0.5)
    # slice means: [0, 1/3): (1+3)/2 = 2; [1/3, 2/3): (2+5)/2 = 3.5; [2/3, 1]: 0.6
    expect = [1, 1, math.exp(-0.5 * 2), math.exp(-0.5 * 2), math.exp(-0.5 * 5.5),
              math.exp(-0.5 * 5.5)]
    assert np.allclose(w.numpy(), expect, rtol=1e-14)


def test_causal_residual_carries_weights_without_their_gradient():
    def pde(x, u):
        return u * x[:, 1:2]

    x = torch.tensor([[0.0, 0.1], [0.0, 0.9]], dtype=torch.float64)
    u = torch.tensor([[2.0], [1.0]], dtype=torch.float64, requires_grad=True)
    r = causal(pde, (0.0, 1.0), t_column=1, bins=2, epsilon=1.0)(x, u)
    w_late = math.exp(-(0.2 ** 2))  # earlier slice: r = 2 × 0.1
    assert torch.allclose(r, torch.tensor([[0.2], [0.9 * math.sqrt(w_late)]],
                                          dtype=torch.float64))
    r.sum().backward()  # d/du of r·√w with w held fixed
    assert torch.allclose(u.grad, torch.tensor([[0.1], [0.9 * math.sqrt(w_late)]],
                                               dtype=torch.float64))
    with pytest.raises(ValueError, match="t_range"):
        causal(pde, (1.0, 0.0))


def test_normalising_weights_bring_each_term_to_one():
    configure(dtype="float64", seed=0)
    model, _ = burgers_model(BurgersPINNConfig(hard=False, collocation=300, boundary=40,
                                               initial=40))
    weights = normalising_weights(model)
    assert len(weights) == 3
    model.compile("adam", lr=1e-3, loss_weights=weights)
    model.train(iterations=0, verbose=0)
    assert np.allclose(model.train_state.loss_train, 1.0, rtol=1e-12)
