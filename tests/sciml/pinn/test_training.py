"""The L-BFGS phase: a trial step into a region where the loss is not finite."""

import torch

from sciml.pinn._training import _reject_nonfinite_trials


def _lbfgs_minimum(guard: bool) -> float:
    # minimum at x = 0.5; the loss is NaN for x > 0.8, and the first trial step lands at 1
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=50, tolerance_grad=0, tolerance_change=0,
                            line_search_fn="strong_wolfe")
    if guard:
        _reject_nonfinite_trials(opt)

    def closure():
        opt.zero_grad()
        f = (100 * (x - 0.5) ** 2 + 0 * torch.sqrt(0.8 - x)).sum()
        f.backward()
        return f

    opt.step(closure)
    return x.item()


def test_line_search_backtracks_from_a_nonfinite_trial():
    assert abs(_lbfgs_minimum(guard=True) - 0.5) < 1e-8
    # PyTorch's own line search takes the NaN trial for progress and runs off
    assert not abs(_lbfgs_minimum(guard=False) - 0.5) < 1e-3
