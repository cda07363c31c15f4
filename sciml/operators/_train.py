"""Training and evaluating field-to-field operators (MgNO, FNO, U-Net) on the same footing."""

from __future__ import annotations

import torch
from torch import nn

from ..hpc import FitResult, fit
from ._losses import relative_h1, relative_l2

LOSSES = {"l2": relative_l2, "h1": relative_h1}


class FieldOperator(nn.Module):
    """A network between fields with the data's scaling built in: the input is standardised
    per channel, the output scaled by the training targets' standard deviation, and with
    `dirichlet` the output is zero on the grid's boundary nodes (u = 0 there, as in Darcy)."""

    def __init__(self, net: nn.Module, x_train: torch.Tensor, y_train: torch.Tensor, *,
                 dirichlet: bool = False):
        super().__init__()
        self.net = net
        dims = [0] + list(range(2, x_train.ndim))
        shape = [1, x_train.shape[1]] + [1] * (x_train.ndim - 2)
        self.register_buffer("x_mean", x_train.mean(dims).reshape(shape).float())
        self.register_buffer("x_std", x_train.std(dims).clamp_min(1e-12).reshape(shape).float())
        self.register_buffer("y_std", y_train.std().reshape(()).float())
        self.dirichlet = dirichlet

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.net((x - self.x_mean) / self.x_std) * self.y_std
        if self.dirichlet:
            mask = torch.zeros(y.shape[2:], dtype=y.dtype, device=y.device)
            mask[(slice(1, -1),) * mask.ndim] = 1.0
            y = y * mask
        return y


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def train_operator(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int,
                   batch: int = 8, lr: float = 5e-4, loss: str = "h1",
                   schedule: str = "onecycle", seed: int = 0, checkpoint=None,
                   resume: bool = True, time_limit: float | None = None, progress=None,
                   dist=None) -> FitResult:
    """Adam with a one-cycle schedule on the per-sample relative `loss` ("h1" or "l2") of
    ``model(x) ≈ y`` (tensors ``(samples, channels, *grid)``). `sciml.hpc.fit` runs it:
    `checkpoint`/`resume`, `time_limit`, and data parallelism under torchrun with `dist`."""
    if loss not in LOSSES:
        raise ValueError(f"loss={loss!r} must be one of {tuple(LOSSES)}")
    metric = LOSSES[loss]

    def per_sample(net, xb, yb):
        return metric(net(xb), yb)

    return fit(model, per_sample, (x, y), epochs=epochs, batch=batch, lr=lr,
               schedule=schedule, seed=seed, checkpoint=checkpoint, resume=resume,
               time_limit=time_limit, progress=progress, dist=dist)


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, batch: int = 32
             ) -> dict[str, float]:
    """Mean relative L2 and H1 errors of `model` on (x, y), and the predictions."""
    model.eval()
    dev = next(model.parameters()).device
    preds, l2, h1 = [], [], []
    for i in range(0, x.shape[0], batch):
        p = model(x[i:i + batch].to(dev))
        t = y[i:i + batch].to(dev)
        l2.append(relative_l2(p, t))
        h1.append(relative_h1(p, t))
        preds.append(p.cpu())
    model.train()
    return {"rel_l2": float(torch.cat(l2).mean()), "rel_h1": float(torch.cat(h1).mean()),
            "prediction": torch.cat(preds)}
