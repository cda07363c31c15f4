"""Training, autoregressive rollout, evaluation and peak-memory measurement of the frame
CNNs."""

from __future__ import annotations

import copy
import ctypes
import math
import re
import time
from pathlib import Path

import torch
from torch import nn

from ..hpc import fit
from ..operators import relative_l2


def train_frame_model(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int,
                      batch: int = 16, lr: float = 1e-3, seed: int = 0, checkpoint=None,
                      resume: bool = True, time_limit: float | None = None,
                      progress=None) -> dict:
    """Fit `model` to one-step targets ``y[:, :1]`` (mean squared error, Adam, cosine
    schedule) with `sciml.hpc.fit` (`checkpoint`, `resume`, `time_limit` as there). Returns
    ``{"history", "epoch_seconds", "finished", "resumed_from"}``; `epoch_seconds` is the mean
    wall time of the epochs run in this call."""
    torch.manual_seed(seed)
    stamps = [time.perf_counter()]

    def report(epoch, loss):
        stamps.append(time.perf_counter())
        if progress is not None:
            progress(epoch, loss)

    def loss_fn(m, xb, yb):
        return ((m(xb) - yb[:, :1]) ** 2).flatten(1).mean(dim=1)

    res = fit(model, loss_fn, [x, y], epochs=epochs, batch=batch, lr=lr, seed=seed,
              checkpoint=checkpoint, resume=resume, time_limit=time_limit, progress=report)
    dts = [b - a for a, b in zip(stamps[:-1], stamps[1:], strict=True)]
    return {"history": res.history, "finished": res.finished, "resumed_from": res.resumed_from,
            "epoch_seconds": sum(dts) / len(dts) if dts else math.nan}


@torch.no_grad()
def rollout(model: nn.Module, x: torch.Tensor, steps: int, *, batch: int = 64) -> torch.Tensor:
    """Feed predictions back `steps` times from inputs x (N, frames + 1, ...): (N, steps, ...)."""
    model.eval()
    out = []
    for i in range(0, len(x), batch):
        h = x[i:i + batch].clone()
        k = h.shape[1] - 1
        preds = []
        for _ in range(steps):
            p = model(h)
            preds.append(p)
            h = torch.cat([h[:, 1:k], p, h[:, k:]], dim=1)
        out.append(torch.cat(preds, dim=1))
    return torch.cat(out)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict:
    """Mean relative L2 errors on a test set: one step (``rel_l2``), and the rollout over the
    `y.shape[1]` frames of y (``rollout_rel_l2``, all predicted frames of a window together)."""
    pred = rollout(model, x, y.shape[1])
    return {"rel_l2": float(relative_l2(pred[:, :1], y[:, :1]).mean()),
            "rollout_rel_l2": float(relative_l2(pred, y).mean())}


def _status_kb(key: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M).group(1))


def peak_training_memory(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *,
                         batch: int = 16, steps: int = 3) -> float:
    """Peak memory [MB] of `steps` training steps (Adam, mean squared error, mini-batches of
    `batch`) of a fresh copy of `model`: parameters, gradients, optimiser state, activations
    and work space. On CUDA, the allocator's peak above the memory in use before; on the CPU,
    the process's peak resident set above its resident set before (Linux: the peak is reset
    through ``/proc/self/clear_refs`` after returning freed heap to the system). NaN where
    neither is available. A first, unmeasured run takes the one-off allocations."""
    device = x.device

    def work():
        m = copy.deepcopy(model).to(device).train()
        opt = torch.optim.Adam(m.parameters(), lr=1e-4)
        for i in range(steps):
            j = (i * batch) % max(1, len(x) - batch + 1)
            loss = ((m(x[j:j + batch]) - y[j:j + batch, :1]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()

    work()  # warm-up: one-off allocations (kernels' caches, thread pools) are not the model's
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
        work()
        torch.cuda.synchronize(device)
        return (torch.cuda.max_memory_allocated(device) - base) / 2 ** 20
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        Path("/proc/self/clear_refs").write_text("5")
        base = _status_kb("VmRSS")
        work()
        return (_status_kb("VmHWM") - base) / 1024
    except (OSError, AttributeError):
        return math.nan
