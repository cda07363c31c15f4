"""MgNO against FNO (neuraloperator) and U-Net at matched parameter count and training time.

Darcy flow (`solvers.elliptic`, ``--resolution``², default 64) and 1D Burgers (ν = 0.1, u(·, 0)
↦ u(·, 1) at 256 points, `solvers.spectral`): the same generated training and test sets, the
same normalisation, loss (relative H1), optimiser (Adam, one-cycle, peak lr 1e-3, batch 8)
and the same wall-clock budget for every model: the seconds of one epoch are measured first
and the number of epochs set to fill ``--budget`` seconds. Reported: parameters, epochs,
training seconds, test relative L2 and H1, and for Darcy the relative L2 of the same trained
model on ``--n-test`` samples at ``--zero-shot``² (default 128) without retraining: applied on
the finer grid itself, and applied on the training grid with its input taken there by nearest
node and its output interpolated back ("resampled").

Run time: about 3 × (budget + evaluation) per problem, ~40 min at the defaults on 2 CPU cores.
Command: python validation/operators_table.py [--budget 600] [--burgers-budget 120]
         [--n-train 1000] [--n-test 200] [--resolution 64] [--zero-shot 128] [--workers 2]
         [--models mgno,fno,unet] [--problems darcy,burgers] [--seed N] [--device cpu|cuda]
         [--out FILE]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time

import torch

from sciml.io import write_json
from sciml.operators import (
    FieldOperator,
    build_operator,
    cached_dataset,
    evaluate,
    parameter_count,
    train_operator,
)


def _tensors(ds, x, y, device):
    def t(name):
        return torch.as_tensor(ds[name].values, dtype=torch.float32, device=device)[:, None]
    return t(x), t(y)


def _run(kind, dim, train, test, *, budget, dirichlet, device, seed, fine=None):
    (xtr, ytr), (xte, yte) = train, test
    torch.manual_seed(seed)
    model = FieldOperator(build_operator(kind, dim=dim), xtr, ytr,
                          dirichlet=dirichlet).to(device)
    probe = copy.deepcopy(model)
    t0 = time.perf_counter()
    train_operator(probe, xtr, ytr, epochs=1, batch=8, lr=1e-3, seed=seed)
    per_epoch = time.perf_counter() - t0
    epochs = max(1, int(budget / per_epoch))
    t0 = time.perf_counter()
    res = train_operator(model, xtr, ytr, epochs=epochs, batch=8, lr=1e-3, seed=seed)
    seconds = time.perf_counter() - t0
    ev = evaluate(model, xte, yte)
    row = {"model": kind, "params": parameter_count(model), "epochs": epochs,
           "train_seconds": seconds, "train_loss_final": res.history[-1],
           "rel_l2_test": ev["rel_l2"], "rel_h1_test": ev["rel_h1"]}
    if fine is not None:  # applied on the finer grid, and on the training grid (resampled)
        row["rel_l2_zero_shot"] = evaluate(model, *fine)["rel_l2"]
        row["rel_l2_zero_shot_resampled"] = evaluate(model, *fine,
                                                     grid=xtr.shape[2:])["rel_l2"]
    print(f"  {kind}: {row['params']} parameters, {epochs} epochs in {seconds:.0f} s, test "
          f"relative L2 {ev['rel_l2']:.4f}", flush=True)
    return row


def _table(title, rows, zero_shot=None):
    print(f"\n{title}")
    head = f"{'model':6s} {'params':>8s} {'epochs':>6s} {'train [s]':>9s} {'rel L2':>8s} " \
           f"{'rel H1':>8s}"
    if zero_shot:
        head += f" {f'L2 @ {zero_shot}²':>11s} {'resampled':>9s}"
    print(head)
    for r in rows:
        line = (f"{r['model']:6s} {r['params']:8d} {r['epochs']:6d} {r['train_seconds']:9.0f} "
                f"{r['rel_l2_test']:8.4f} {r['rel_h1_test']:8.4f}")
        if zero_shot:
            line += f" {r['rel_l2_zero_shot']:11.4f} {r['rel_l2_zero_shot_resampled']:9.4f}"
        print(line)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budget", type=float, default=600.0, help="Darcy seconds per model")
    ap.add_argument("--burgers-budget", type=float, default=120.0)
    ap.add_argument("--n-train", type=int, default=1000)
    ap.add_argument("--n-test", type=int, default=200)
    ap.add_argument("--resolution", type=int, default=64)
    ap.add_argument("--zero-shot", type=int, default=128)
    ap.add_argument("--workers", type=int, default=2, help="processes generating data")
    ap.add_argument("--models", default="mgno,fno,unet")
    ap.add_argument("--problems", default="darcy,burgers")
    ap.add_argument("--seed", type=int, default=0,
                    help="seed of the initial weights and the batch order (the data are fixed)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default="results/validation/operators_table.json")
    a = ap.parse_args(argv)
    n, kinds = a.n_train + a.n_test, a.models.split(",")
    out = {"settings": vars(a)}
    if "darcy" in a.problems:
        _darcy(a, n, kinds, out)
    if "burgers" in a.problems:
        _burgers(a, n, kinds, out)
    write_json(out, a.out)
    print(f"written {a.out}")
    return 0


def _darcy(a, n, kinds, out):
    darcy = cached_dataset("darcy", n, resolution=a.resolution, refine=2, seed=0,
                           workers=a.workers)
    fine = cached_dataset("darcy", a.n_test, resolution=a.zero_shot, refine=2, seed=1,
                          workers=a.workers)
    x, y = _tensors(darcy, "a", "u", a.device)
    fine_t = _tensors(fine, "a", "u", a.device)
    print(f"Darcy {a.resolution}², {a.n_train} train / {a.n_test} test, {a.budget:.0f} s "
          f"per model", flush=True)
    out["darcy"] = [_run(k, 2, (x[:a.n_train], y[:a.n_train]),
                         (x[a.n_train:], y[a.n_train:]), budget=a.budget, dirichlet=True,
                         device=a.device, seed=a.seed, fine=fine_t) for k in kinds]
    _table(f"Darcy {a.resolution}² (zero-shot at {a.zero_shot}²)", out["darcy"], a.zero_shot)


def _burgers(a, n, kinds, out):
    burgers = cached_dataset("burgers", n, resolution=256, refine=2, seed=0,
                             workers=a.workers)
    x, y = _tensors(burgers, "u0", "u1", a.device)
    print(f"Burgers 256, {a.n_train} train / {a.n_test} test, {a.burgers_budget:.0f} s per "
          f"model", flush=True)
    out["burgers"] = [_run(k, 1, (x[:a.n_train], y[:a.n_train]),
                           (x[a.n_train:], y[a.n_train:]), budget=a.burgers_budget,
                           dirichlet=False, device=a.device, seed=a.seed) for k in kinds]
    _table("Burgers 256", out["burgers"])


if __name__ == "__main__":
    sys.exit(main())
