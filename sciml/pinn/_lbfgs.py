"""L-BFGS for a batch of independent problems, as one computation.

`batched_lbfgs` minimises K unrelated losses f_k(θ_k) whose values and gradients come out of
one batched evaluation (K networks stacked along a leading axis). Each problem keeps its own
curvature pairs, step length and line search, so its iterates are those of a lone L-BFGS on it:
no inner product, step or stopping decision mixes problems. (``torch.optim.LBFGS`` on the summed
loss would couple them through the shared direction and line search.)

The line search is backtracking to the Armijo condition from the unit step (the first
iteration starts from min(1, 1/‖g‖₁), as PyTorch's does), and only the problems still searching
are evaluated again; a pair (s, y) enters the memory only when sᵀy > 0, so the
inverse-Hessian model stays positive definite. A problem that finds no decrease in
`max_backtracks` halvings stays where it is; after `patience` such iterations in a row (it has
converged to rounding, or is stuck) it is left out of the remaining iterations, as is a problem
whose loss is not finite.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Evaluate = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


def batched_lbfgs(evaluate: Evaluate, theta: torch.Tensor, iterations: int, *,
                  history: int = 20, c1: float = 1e-4, max_backtracks: int = 12,
                  patience: int = 3,
                  progress: Callable[[int], None] | None = None) -> tuple[torch.Tensor,
                                                                          torch.Tensor]:
    """Run `iterations` L-BFGS iterations on each row of `theta` (K, P).

    `evaluate(theta_rows, rows)` returns the losses and gradients of the problems `rows` (an
    index tensor) at their parameters `theta_rows` (len(rows), P). Returns the final `theta`
    and the K losses. `progress(1)` is called after each iteration."""
    if theta.ndim != 2:
        raise ValueError(f"theta must be 2-D (problems, parameters), got {tuple(theta.shape)}")
    if iterations < 0 or history < 1:
        raise ValueError(f"iterations={iterations} must be >= 0 and history={history} >= 1")
    theta = theta.detach().clone()
    K = theta.shape[0]
    every = torch.arange(K, device=theta.device)
    loss, grad = evaluate(theta, every)
    failures = torch.zeros(K, dtype=torch.long, device=theta.device)
    pairs: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
    gamma = torch.ones(K, dtype=theta.dtype, device=theta.device)
    for it in range(iterations):
        if bool((~torch.isfinite(loss) | (failures >= patience)).all()):
            if progress is not None:
                progress(iterations - it)
            break
        # two-loop recursion, per problem (rho = 0 marks a pair a problem did not keep)
        q = grad.clone()
        alphas = []
        for s, y, rho in reversed(pairs):
            a = rho * (s * q).sum(1)
            q -= a[:, None] * y
            alphas.append(a)
        d = gamma[:, None] * q
        for (s, y, rho), a in zip(pairs, reversed(alphas), strict=True):
            b = rho * (y * d).sum(1)
            d += (a - b)[:, None] * s
        d = -d
        slope = (grad * d).sum(1)
        uphill = ~(slope < 0)
        d[uphill] = -grad[uphill]
        slope = torch.where(uphill, -(grad * grad).sum(1), slope)
        step = torch.ones_like(gamma)
        if it == 0:
            step = torch.clamp(1.0 / grad.abs().sum(1), max=1.0)
        new_theta, new_loss, new_grad = theta.clone(), loss.clone(), grad.clone()
        done = ~torch.isfinite(loss) | (failures >= patience)
        found = torch.zeros_like(done)
        for _ in range(max_backtracks):
            rows = every[~done]
            if len(rows) == 0:
                break
            trial = theta[rows] + step[rows, None] * d[rows]
            t_loss, t_grad = evaluate(trial, rows)
            ok = torch.isfinite(t_loss) & (t_loss <= loss[rows] + c1 * step[rows] * slope[rows])
            acc = rows[ok]
            new_theta[acc], new_loss[acc], new_grad[acc] = trial[ok], t_loss[ok], t_grad[ok]
            done[acc] = True
            found[acc] = True
            step[rows[~ok]] *= 0.5
        failures = torch.where(found, 0, failures + (~found).long())
        s, y = new_theta - theta, new_grad - grad
        sy = (s * y).sum(1)
        keep = found & (sy > 1e-300)
        rho = torch.where(keep, 1.0 / torch.where(keep, sy, 1.0), 0.0)
        gamma = torch.where(keep, sy / torch.clamp((y * y).sum(1), min=1e-300), gamma)
        pairs.append((s, y, rho))
        if len(pairs) > history:
            pairs.pop(0)
        theta, loss, grad = new_theta, new_loss, new_grad
        if progress is not None:
            progress(1)
    return theta, loss
