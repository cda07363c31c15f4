"""A-priori closure training: fit m₄(z, e) to kinetic data (`solvers.spectral`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class ClosureSamples:
    """Flattened closure samples (complex tensors of one shape): inputs z, e; target m₄."""

    z: torch.Tensor
    e: torch.Tensor
    m4: torch.Tensor

    @classmethod
    def from_dataset(cls, ds, *, cases=None, times=None, device="cpu") -> ClosureSamples:
        """From a :func:`solvers.spectral.kinetic_closure_data` data set (optionally a
        selection of its cases and times)."""
        if cases is not None:
            ds = ds.isel(case=cases)
        if times is not None:
            ds = ds.sel(time=times)

        def field(name):
            v = ds[f"{name}_real"].values + 1j * ds[f"{name}_imag"].values
            return torch.as_tensor(v.ravel(), dtype=torch.complex128, device=device)

        return cls(field("z"), field("e"), field("m4"))

    def __len__(self) -> int:
        return self.z.numel()

    def subset(self, idx) -> ClosureSamples:
        return ClosureSamples(self.z[idx], self.e[idx], self.m4[idx])


def _sq(w: torch.Tensor) -> torch.Tensor:
    """|w|², with a gradient also where w = 0 (that of abs() is undefined there)."""
    return w.real ** 2 + w.imag ** 2


def relative_error(pred: torch.Tensor, target: torch.Tensor) -> float:
    """‖pred − target‖₂ / ‖target‖₂ over all samples."""
    return float(torch.linalg.vector_norm(pred - target) / torch.linalg.vector_norm(target))


def fit_closure(model: torch.nn.Module, data: ClosureSamples, *, epochs: int = 200,
                batch: int = 4096, lr: float = 3e-3, seed: int = 0,
                progress=None) -> list[float]:
    """Fit `model(z, e) ≈ m₄` by Adam on the mean-square complex misfit (mini-batches, cosine
    learning-rate decay). Runs where `model` lives; returns the loss per epoch."""
    for name, v, lo in (("epochs", epochs, 1), ("batch", batch, 1)):
        if not isinstance(v, int) or v < lo:
            raise ValueError(f"{name}={v!r} must be an integer >= {lo}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr={lr!r} must be > 0")
    dev = next(model.parameters()).device
    torch.manual_seed(seed)
    g = torch.Generator(device="cpu").manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    z, e, m4 = (t.to(dev) for t in (data.z, data.e, data.m4))
    n = len(data)
    history = []
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g).to(dev)
        total = 0.0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            loss = _sq(model(z[idx], e[idx]) - m4[idx]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * idx.numel()
        sched.step()
        history.append(total / n)
        if progress is not None:
            progress(1)
    return history


def split_cases(ds, fraction: float = 0.25, *, seed: int = 0):
    """Held-out cases for testing: (train case indices, test case indices), `fraction` of the
    cases held out (at least one)."""
    n = ds.sizes["case"]
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    k = max(1, round(fraction * n))
    return np.sort(order[k:]), np.sort(order[:k])
