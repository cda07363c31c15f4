"""Neural operators for 2D Darcy flow: MgNO against FNO and U-Net on generated data.

Physics (see `solvers.elliptic`): −∇·(a∇u) = 1 on (0,1)², u = 0 on the boundary, with a = 12
where a Gaussian random field (covariance (−Δ + 9)^(−2)) is ≥ 0 and 3 elsewhere; 5-point finite
differences solved on a grid twice as fine and restricted. The operator a ↦ u is learned from
`--n-train` samples at `--resolution`² and tested on `--n-test` others by relative L2 and H1
errors; the trained model is also applied, unchanged, to samples at `--zero-shot`² (zero-shot
super-resolution), on that grid and on its training grid (input taken there by nearest node,
output interpolated back). Models (`sciml.operators`): MgNO (multigrid V-cycle layers, zero
padding for the Dirichlet boundary), FNO from the neuraloperator library, a U-Net; all get the same
normalisation and u = 0 on the boundary nodes, Adam with a one-cycle schedule on the relative
H1 loss. Data sets are cached in ``data/cache`` ($SCIML_CACHE), generated in parallel with
``--workers``. Training is checkpointed every epoch (``--resume`` continues; ``--time-limit``
stops with exit status 3 and a checkpoint) and runs data-parallel under torchrun:

    torchrun --nproc_per_node=2 cases/darcy_mgno.py [flags]

Run time (2 CPU cores): quick ~30 s; the default (1000 samples at 64², 100 epochs) ~30 min for
MgNO on CPU, minutes on a GPU.
Command: python cases/darcy_mgno.py [--model mgno|fno|unet] [--resolution N] [--n-train N]
         [--n-test N] [--epochs N] [--batch N] [--lr LR] [--width N] [--zero-shot N]
         [--workers N] [--time-limit S] [--resume] [--quick] [--out DIR] [--seed N]
         [--device cpu|cuda]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch
from matplotlib.figure import Figure

from sciml.case import CaseInterrupted, UserInputError, case_parser, number, run_case
from sciml.hpc import init_distributed, shutdown_distributed
from sciml.io import save_checkpoint, save_figure, write_dataset
from sciml.operators import (
    MATCHED,
    FieldOperator,
    build_operator,
    cached_dataset,
    evaluate,
    parameter_count,
    train_operator,
)

# --quick: half the width and a shallower model of each kind
QUICK = {"mgno": {"depth": 3, "levels": 5}, "fno": {"modes": 8}, "unet": {"levels": 3}}


def build_parser():
    p = case_parser("darcy_mgno", __doc__)
    p.add_argument("--model", choices=("mgno", "fno", "unet"), default="mgno",
                   help="operator (default mgno)")
    p.add_argument("--resolution", type=number(8, 1024, lo_open=False, integer=True),
                   default=None, help="training grid nodes per side (default 64, quick 32)")
    p.add_argument("--n-train", type=number(1, 10**6, lo_open=False, integer=True),
                   default=None, help="training samples (default 1000, quick 200)")
    p.add_argument("--n-test", type=number(1, 10**6, lo_open=False, integer=True),
                   default=None, help="test samples (default 200, quick 50)")
    p.add_argument("--epochs", type=number(1, 10**6, lo_open=False, integer=True),
                   default=None, help="training epochs (default 100, quick 12)")
    p.add_argument("--batch", type=number(1, 10**5, lo_open=False, integer=True), default=8,
                   help="global batch size (default 8)")
    p.add_argument("--lr", type=number(0.0, 1.0), default=None,
                   help="peak learning rate of the one-cycle schedule (default 1e-3)")
    p.add_argument("--width", type=number(1, 4096, lo_open=False, integer=True), default=None,
                   help="channels (default: mgno 19, fno 32, unet 14; quick: half)")
    p.add_argument("--zero-shot", type=number(0, 2048, lo_open=False, integer=True),
                   default=None, help="finer test resolution, 0 for none (default 128, "
                                      "quick 64)")
    p.add_argument("--workers", type=number(1, 1024, lo_open=False, integer=True), default=1,
                   help="processes generating the data (default 1)")
    p.add_argument("--time-limit", type=number(0.0), default=None,
                   help="stop training after this many seconds, resumable (default none)")
    p.add_argument("--resume", action="store_true",
                   help="continue the training from OUT/checkpoint.pt if it is there")
    return p


def _tensor(ds, name):
    return torch.as_tensor(ds[name].values, dtype=torch.float32)[:, None]


def main(args, run):
    # Parameters
    quick = args.quick
    res = args.resolution or (32 if quick else 64)
    n_train = args.n_train or (200 if quick else 1000)
    n_test = args.n_test or (50 if quick else 200)
    epochs = args.epochs or (12 if quick else 100)
    lr = args.lr or 1e-3
    matched = MATCHED[2][args.model]["width"]
    width = args.width or (matched // 2 if quick else matched)
    zero_shot = args.zero_shot if args.zero_shot is not None else (64 if quick else 128)
    if 0 < zero_shot <= res:
        raise UserInputError(f"argument --zero-shot: {zero_shot} must be 0 or finer than "
                             f"--resolution {res}")
    try:
        dist = init_distributed(args.device)
    except ValueError as exc:
        raise UserInputError(f"argument --device: {exc}") from None
    ckpt = run.path("checkpoint.pt")
    resume = args.resume and ckpt.exists()
    if args.resume and not resume and dist.is_main:
        print(f"darcy_mgno.py: no checkpoint at {ckpt}; starting from epoch 0", file=sys.stderr)

    # Problem: data (rank 0 generates and caches, the other ranks read the cache)
    def data(n, resolution, seed, desc):
        with run.progress(total=n, desc=desc, unit="sample", disable=quick or not dist.is_main
                          ) as bar:
            return cached_dataset("darcy", n, resolution=resolution, refine=2, seed=seed,
                                  workers=args.workers, progress=bar.update)

    if dist.is_main:
        ds = data(n_train + n_test, res, args.seed, f"Darcy data {res}²")
    dist.barrier()
    if not dist.is_main:
        ds = data(n_train + n_test, res, args.seed, "")
    a, u = _tensor(ds, "a"), _tensor(ds, "u")
    a_train, u_train, a_test, u_test = a[:n_train], u[:n_train], a[n_train:], u[n_train:]
    torch.manual_seed(args.seed)
    net = build_operator(args.model, width=width, **(QUICK[args.model] if quick else {}))
    model = FieldOperator(net, a_train, u_train, dirichlet=True).to(dist.device)

    # Solve
    t0 = time.perf_counter()
    with run.epoch_progress(epochs, f"{args.model} training", metric="h1",
                            disable=quick or not dist.is_main) as report:
        try:
            fitted = train_operator(model, a_train, u_train, epochs=epochs, batch=args.batch,
                                    lr=lr, seed=args.seed, checkpoint=ckpt, resume=resume,
                                    time_limit=args.time_limit, progress=report, dist=dist)
        except ValueError as exc:  # a checkpoint of another run
            raise UserInputError(f"argument --resume: {exc}") from None
    train_seconds = time.perf_counter() - t0
    if not fitted.finished:
        shutdown_distributed()
        raise CaseInterrupted(f"--time-limit reached after epoch {len(fitted.history)} of "
                              f"{epochs}; continue with the same command and --resume")
    if not dist.is_main:
        shutdown_distributed()
        return

    # Analysis
    test = evaluate(model, a_test, u_test)
    train = evaluate(model, a_train[:n_test], u_train[:n_test])
    summary = {"model": args.model, "params": parameter_count(model), "width": width,
               "resolution": res, "n_train": n_train, "n_test": n_test, "epochs": epochs,
               "batch": args.batch, "lr": lr, "processes": dist.world_size,
               "rel_l2_test": test["rel_l2"], "rel_h1_test": test["rel_h1"],
               "rel_l2_train": train["rel_l2"], "train_loss_final": fitted.history[-1],
               "train_seconds": train_seconds, "resumed_from_epoch": fitted.resumed_from}
    if zero_shot:
        fine = data(n_test, zero_shot, args.seed + 1, f"Darcy data {zero_shot}²")
        a_fine, u_fine = _tensor(fine, "a"), _tensor(fine, "u")
        zs = evaluate(model, a_fine, u_fine)
        # the same model on its training grid: input by nearest node, output interpolated
        zs_res = evaluate(model, a_fine, u_fine, grid=(res, res))
        summary.update(zero_shot_resolution=zero_shot, rel_l2_zero_shot=zs["rel_l2"],
                       rel_h1_zero_shot=zs["rel_h1"],
                       rel_l2_zero_shot_resampled=zs_res["rel_l2"],
                       rel_h1_zero_shot_resampled=zs_res["rel_h1"])

    # Output
    pred = test["prediction"][:, 0].numpy()
    out = ds.isel(sample=slice(n_train, None))
    out["u_pred"] = (("sample", "x", "y"), pred, {"long_name": f"{args.model} prediction"})
    write_dataset(out, run.path("test_predictions.nc"))
    save_checkpoint({"model": args.model, "config": getattr(net, "config", {}),
                     "state": model.state_dict(), "history": fitted.history},
                    run.path("model.pt"))
    save_figure(_figure(out, args.model, test["rel_l2"]), run.path("darcy_test_samples.png"))
    run.write_summary(summary)
    zs_text = (f", zero-shot at {zero_shot}²: {summary['rel_l2_zero_shot']:.4f} (resampled "
               f"to {res}²: {summary['rel_l2_zero_shot_resampled']:.4f})" if zero_shot else "")
    print(f"{args.model} ({summary['params']} parameters): test relative L2 "
          f"{test['rel_l2']:.4f}, H1 {test['rel_h1']:.4f}{zs_text}; outputs in {run.out}")
    shutdown_distributed()


def _figure(ds, name, err):
    fig = Figure(figsize=(12, 9), layout="constrained")
    axes = fig.subplots(3, 4)
    for row, i in enumerate(range(min(3, ds.sizes["sample"]))):
        s = ds.isel(sample=i)
        panels = [(s["a"], "coefficient a", "viridis"), (s["u"], "truth u", "magma"),
                  (s["u_pred"], f"{name} prediction", "magma"),
                  (s["u_pred"] - s["u"], "error", "RdBu_r")]
        for ax, (field, title, cmap) in zip(axes[row], panels, strict=True):
            v = np.asarray(field).T
            lim = {"vmin": -abs(v).max(), "vmax": abs(v).max()} if cmap == "RdBu_r" else {}
            im = ax.imshow(v, origin="lower", extent=(0, 1, 0, 1), cmap=cmap, **lim)
            ax.set_title(title)
            ax.set_xticks([])
            ax.set_yticks([])
            fig.colorbar(im, ax=ax, shrink=0.8)
    fig.suptitle(f"Darcy flow, {name}: mean test relative L2 {err:.4f}")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
