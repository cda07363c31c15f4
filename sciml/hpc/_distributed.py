"""Training across processes with torch.distributed (launched by ``torchrun``), or in one.

`fit` is the mini-batch loop the learning layer's trainers share. Launched by ``torchrun
--nproc_per_node=N``, every process takes 1/N of each global batch, DistributedDataParallel
averages the gradients (gloo on CPU, nccl on GPU), and the update is that of one process taking
the whole batch: the same loss curve, whatever N. Only rank 0 reports progress and writes
checkpoints; every rank resumes from the last one.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from ..io import load_checkpoint, save_checkpoint

SCHEDULES = ("cosine", "onecycle", "constant")


@dataclass(frozen=True)
class Distributed:
    """Where this process stands: its rank among `world_size` processes and its device."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @property
    def is_main(self) -> bool:
        """True on rank 0, the process that logs and writes files."""
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world_size > 1

    def barrier(self) -> None:
        if self.active:
            torch.distributed.barrier()

    def all_reduce_sum(self, x: torch.Tensor) -> torch.Tensor:
        if self.active:
            x = x.clone()
            torch.distributed.all_reduce(x)
        return x


def launched_by_torchrun() -> bool:
    return "WORLD_SIZE" in os.environ and "RANK" in os.environ


def init_distributed(device: str | torch.device | None = None) -> Distributed:
    """Join the process group that ``torchrun`` set up (environment ``RANK``, ``WORLD_SIZE``,
    ``LOCAL_RANK``, ``MASTER_ADDR``/``PORT``); outside torchrun, a one-process `Distributed`.

    `device` is ``"cpu"`` or ``"cuda"``: on CUDA each process takes GPU ``LOCAL_RANK`` and the
    backend is nccl, on CPU it is gloo. Calling it again returns the same group.
    """
    kind = torch.device(device if device is not None else "cpu").type
    if kind not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r} must be 'cpu' or 'cuda'")
    if not launched_by_torchrun():
        dev = torch.device(device) if device is not None else torch.device("cpu")
        return Distributed(device=dev)
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("device='cuda' but no CUDA device is available")
        dev = torch.device("cuda", local)
        torch.cuda.set_device(dev)
    else:
        dev = torch.device("cpu")
    if world > 1 and not torch.distributed.is_initialized():
        torch.distributed.init_process_group("nccl" if kind == "cuda" else "gloo")
    return Distributed(rank=rank, world_size=world, local_rank=local, device=dev)


def shutdown_distributed() -> None:
    """Leave the process group (at the end of a torchrun script)."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


@dataclass
class FitResult:
    """`history`: mean training loss per epoch (all epochs, also those before a resume);
    `finished`: False when `time_limit` stopped the run (continue it with the same call);
    `resumed_from`: the epoch the run continued from (0 for a fresh start)."""

    history: list[float]
    finished: bool = True
    resumed_from: int = 0


def _integer(name: str, value, lo: int) -> None:
    if not (isinstance(value, int) and not isinstance(value, bool) and value >= lo):
        raise ValueError(f"{name}={value!r} must be an integer >= {lo}")


def _positive(name: str, value) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name}={value!r} must be a number > 0")


def fit(model: torch.nn.Module, loss_fn: Callable[..., torch.Tensor],
        data: Sequence[torch.Tensor], *, epochs: int, batch: int, lr: float = 1e-3,
        weight_decay: float = 0.0, schedule: str = "cosine", seed: int = 0,
        checkpoint=None, checkpoint_every: int = 1, resume: bool = True,
        time_limit: float | None = None, progress: Callable[[int, float], None] | None = None,
        dist: Distributed | None = None) -> FitResult:
    """Adam on mini-batches of `data` (tensors sharing their first dimension), `epochs` times.

    ``loss_fn(model, *batch)`` returns the loss of each sample (shape ``(k,)``); the step
    minimises their mean over the global `batch`. The sample order comes from a generator
    seeded by `seed`, the same in every process. `schedule` is ``"cosine"`` (decay to 0 over
    `epochs`), ``"onecycle"`` (warm-up to `lr` and decay, per batch) or ``"constant"``.
    With `checkpoint` (a path), the state is saved every `checkpoint_every` epochs and at the
    end, and a run finding it (and `resume`) continues from it. `time_limit` (seconds) stops
    after the epoch that passes it, with a checkpoint. `progress(epoch, loss)` is called after
    each epoch (on rank 0 only).

    `dist` (from `init_distributed`) spreads each batch over the processes of a torchrun
    launch; without it, one process.
    """
    _integer("epochs", epochs, 1)
    _integer("batch", batch, 1)
    _integer("checkpoint_every", checkpoint_every, 1)
    _positive("lr", lr)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule={schedule!r} must be one of {SCHEDULES}")
    if time_limit is not None:
        _positive("time_limit", time_limit)
    if not data:
        raise ValueError("data is empty: give at least one tensor")
    n = data[0].shape[0]
    if n == 0 or any(t.shape[0] != n for t in data):
        raise ValueError(f"data tensors must share a non-zero first dimension, got "
                         f"{[tuple(t.shape) for t in data]}")
    dist = dist or Distributed(device=next(model.parameters()).device)
    start = time.perf_counter()
    model = model.to(dist.device)
    net = model
    if dist.active:
        ids = [dist.device.index] if dist.device.type == "cuda" else None
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    steps = math.ceil(n / batch)
    if schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    elif schedule == "onecycle":  # stepped per batch
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps)
    else:
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda _: 1.0)
    gen = torch.Generator(device="cpu").manual_seed(seed)
    history: list[float] = []
    first = 0
    if checkpoint is not None and resume and os.path.exists(checkpoint):
        state = load_checkpoint(checkpoint, device=dist.device)
        if state.get("epochs") != epochs or state.get("batch") != batch:
            raise ValueError(f"checkpoint {checkpoint} is of a run with epochs="
                             f"{state.get('epochs')}, batch={state.get('batch')}; this call "
                             f"has epochs={epochs}, batch={batch} (resume=False starts anew)")
        try:
            model.load_state_dict(state["model"])
        except RuntimeError:
            raise ValueError(f"checkpoint {checkpoint} holds another model's weights "
                             f"(resume=False starts anew)") from None
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        gen.set_state(state["generator"].cpu())
        history = list(state["history"])
        first = state["epoch"]

    def save(epoch):
        if checkpoint is not None and dist.is_main:
            save_checkpoint({"model": model.state_dict(), "optimizer": opt.state_dict(),
                             "scheduler": sched.state_dict(), "generator": gen.get_state(),
                             "history": history, "epoch": epoch, "epochs": epochs,
                             "batch": batch, "world_size": dist.world_size}, checkpoint)
        dist.barrier()

    net.train()
    for epoch in range(first, epochs):
        perm = torch.randperm(n, generator=gen)
        total = torch.zeros((), dtype=torch.float64, device=dist.device)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            mine = idx[dist.rank::dist.world_size]
            parts = [t[mine.to(t.device)].to(dist.device) for t in data]
            losses = loss_fn(net, *parts)
            # DDP averages gradients over the processes: scaling the local sum by
            # world_size / |global batch| makes that average the global-batch mean.
            loss = losses.sum() * (dist.world_size / idx.numel())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if schedule == "onecycle":
                sched.step()
            total += losses.detach().sum().to(torch.float64)
        if schedule != "onecycle":
            sched.step()
        history.append(float(dist.all_reduce_sum(total)) / n)
        if progress is not None and dist.is_main:
            progress(epoch + 1, history[-1])
        done = epoch + 1
        over = False
        if time_limit is not None:  # rank 0's clock decides, so all processes stop together
            late = float(dist.is_main and time.perf_counter() - start > time_limit)
            over = float(dist.all_reduce_sum(torch.tensor(late, device=dist.device))) > 0
        if done == epochs or done % checkpoint_every == 0 or over:
            save(done)
        if over and done < epochs:
            return FitResult(history, finished=False, resumed_from=first)
    return FitResult(history, finished=True, resumed_from=first)
