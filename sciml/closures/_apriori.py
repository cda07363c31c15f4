"""A-priori closure training: fit m₄(z, e) to kinetic data (`solvers.spectral`)."""

from __future__ import annotations

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
                progress=None, checkpoint=None, dist=None) -> list[float]:
    """Fit `model(z, e) ≈ m₄` by Adam on the mean-square complex misfit (mini-batches, cosine
    learning-rate decay). Runs where `model` lives; returns the loss per epoch.

    The loop is `sciml.hpc.fit`: with `dist` (``sciml.hpc.init_distributed()`` under
    ``torchrun``) each batch is spread over the processes, and with `checkpoint` (a path) an
    interrupted fit resumes from its last epoch.
    """
    from ..hpc import fit

    def misfit(net, z, e, m4):
        return _sq(net(z, e) - m4)

    torch.manual_seed(seed)
    step = None if progress is None else (lambda epoch, loss: progress(1))
    return fit(model, misfit, (data.z, data.e, data.m4), epochs=epochs, batch=batch, lr=lr,
               seed=seed, checkpoint=checkpoint, progress=step, dist=dist).history


def split_cases(ds, fraction: float = 0.25, *, seed: int = 0):
    """Held-out cases for testing: (train case indices, test case indices), `fraction` of the
    cases held out (at least one)."""
    n = ds.sizes["case"]
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    k = max(1, round(fraction * n))
    return np.sort(order[k:]), np.sort(order[:k])
