"""A-priori compressed CNN surrogates of FE wave simulations: dense against CP-compressed.

Data (`sciml.compression.wave_dataset`, cached in ``data/cache`` / $SCIML_CACHE): FE runs of
u_tt = ∇·(c² ∇u) on the unit square (P1, 64² squares, leapfrog, absorbing boundaries), each
with a random layered or blob velocity model c ∈ [1, 3] m/s and a source at a random position:
an initial Gaussian pulse of random width 0.03–0.06 m (``--source pulse``, default), or a Ricker
point source of random peak frequency 4–8 Hz (``--source ricker``; its future signal is not an
input of the CNN, so it is only partly predictable). 32 frames over 0.4 s, interpolated to a
regular grid. The last 20 % of the runs are the test set.

Models (`sciml.compression`): an encoder–decoder CNN (`FrameCNN`) mapping `--frames` past
frames and the speed map to the next frame, and the same architecture with every k × k
convolution replaced, before training, by a rank-`--rank` CP sum of one-way filters
(`compress`), trained on the same data with the same seed, batches and epochs (Adam, cosine
schedule, mean squared error on normalised fields). Reported side by side: parameters,
one-step and 10-step rollout relative L2 on the test runs (and the one-step error of repeating
the last frame, ``rel_l2_persistence``), peak training memory (`--batch`)
and seconds per epoch. Training checkpoints every epoch (``OUT/checkpoint_{dense,compressed}.pt``);
``--time-limit`` stops with exit status 3, ``--resume`` continues.

Run time (2 CPU cores): quick ~1 min; the default (96 runs, 20 epochs) ~15–25 min.
Command: python cases/wave_cnn_compression.py [--rank R] [--epochs N] [--runs N] [--width N]
         [--frames K] [--batch N] [--lr LR] [--source pulse|ricker] [--workers N]
         [--time-limit S] [--resume] [--quick] [--out DIR] [--seed N] [--device cpu|cuda]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch
from matplotlib.figure import Figure

from sciml.case import CaseInterrupted, UserInputError, case_parser, number, run_case
from sciml.compression import (
    FrameCNN,
    FrameScaling,
    compress,
    evaluate,
    frame_windows,
    peak_training_memory,
    rollout,
    train_frame_model,
)
from sciml.io import save_checkpoint, save_figure, write_dataset
from sciml.operators import cached_dataset, parameter_count, relative_l2

ROLLOUT = 10


def build_parser():
    p = case_parser("wave_cnn_compression", __doc__)
    p.add_argument("--rank", type=number(1, 4096, lo_open=False, integer=True), default=None,
                   help="CP rank of every compressed kernel (default 32, quick 8)")
    p.add_argument("--epochs", type=number(1, 10**5, lo_open=False, integer=True),
                   default=None, help="training epochs of each model (default 20, quick 6)")
    p.add_argument("--runs", type=number(5, 10**5, lo_open=False, integer=True), default=None,
                   help="FE runs in the data set, 20 %% for testing (default 96, quick 15)")
    p.add_argument("--width", type=number(1, 1024, lo_open=False, integer=True), default=None,
                   help="channels of the first CNN level (default 32, quick 16)")
    p.add_argument("--frames", type=number(1, 16, lo_open=False, integer=True), default=4,
                   help="past frames the CNN sees (default 4)")
    p.add_argument("--batch", type=number(1, 4096, lo_open=False, integer=True), default=16,
                   help="mini-batch size (default 16)")
    p.add_argument("--lr", type=number(0.0, 1.0), default=2e-3,
                   help="peak learning rate (default 2e-3)")
    p.add_argument("--source", choices=("pulse", "ricker"), default="pulse",
                   help="initial Gaussian pulse or Ricker point source (default pulse)")
    p.add_argument("--workers", type=number(1, 1024, lo_open=False, integer=True), default=1,
                   help="processes generating the FE runs (default 1)")
    p.add_argument("--time-limit", type=number(0.0), default=None,
                   help="stop after this many seconds of training, resumable (default none)")
    p.add_argument("--resume", action="store_true",
                   help="continue the training from OUT/checkpoint_*.pt where they are")
    return p


def main(args, run):
    # Parameters
    quick = args.quick
    runs = args.runs or (15 if quick else 96)
    epochs = args.epochs or (6 if quick else 20)
    width = args.width or (16 if quick else 32)
    rank = args.rank or (8 if quick else 32)
    grid = 32 if quick else 64
    n_test = max(1, runs // 5)
    device = torch.device(args.device)

    # Problem
    with run.progress(total=runs, desc="FE runs", unit="run") as bar:
        ds = cached_dataset("wave", runs, grid=grid, seed=args.seed, source=args.source,
                            workers=args.workers, progress=bar.update)
    train_ds, test_ds = ds.isel(sample=slice(0, runs - n_test)), ds.isel(
        sample=slice(runs - n_test, None))
    scaling = FrameScaling.fit(train_ds)
    x, y = frame_windows(train_ds, args.frames, scaling, device=device)
    # Test windows start at frame 4 (a Ricker source has begun to fire by then).
    start = 4
    x_test, y_test = frame_windows(test_ds, args.frames, scaling, horizon=ROLLOUT, start=start,
                                   device=device)
    torch.manual_seed(args.seed)
    dense = FrameCNN(args.frames, width).to(device)
    torch.manual_seed(args.seed)
    compressed = compress(FrameCNN(args.frames, width), rank).to(device)

    # Solve
    results = {}
    t0 = time.perf_counter()
    for name, model in (("dense", dense), ("compressed", compressed)):
        memory = peak_training_memory(model, x, y, batch=args.batch)
        left = None if args.time_limit is None else args.time_limit - (time.perf_counter() - t0)
        with run.epoch_progress(epochs, f"{name} training", metric="mse", fmt=".3g") as report:
            try:
                fitted = train_frame_model(
                    model, x, y, epochs=epochs, batch=args.batch, lr=args.lr, seed=args.seed,
                    checkpoint=run.path(f"checkpoint_{name}.pt"), resume=args.resume,
                    time_limit=max(left, 1e-9) if left is not None else None,
                    progress=report)
            except ValueError as exc:  # a checkpoint of another run
                raise UserInputError(f"argument --resume: {exc}") from None
        if not fitted["finished"]:
            raise CaseInterrupted(f"--time-limit reached while training the {name} model "
                                  f"(epoch {len(fitted['history'])} of {epochs}); continue "
                                  "with the same command and --resume")
        results[name] = {"model": model, "memory": memory, **fitted}

    # Analysis
    summary = {"source": args.source, "rank": rank, "width": width,
               "frames": args.frames, "grid": grid, "runs": runs, "test_runs": n_test,
               "epochs": epochs, "batch": args.batch,
               "train_windows": len(x), "test_windows": len(x_test)}
    for name, r in results.items():
        ev = evaluate(r["model"], x_test, y_test)
        summary.update({f"params_{name}": parameter_count(r["model"]),
                        f"rel_l2_{name}": ev["rel_l2"],
                        f"rollout_rel_l2_{name}": ev["rollout_rel_l2"],
                        f"peak_memory_MB_{name}": r["memory"],
                        f"epoch_seconds_{name}": r["epoch_seconds"],
                        f"train_loss_final_{name}": r["history"][-1]})
    # the do-nothing reference: the next frame predicted as the last one
    last = x_test[:, args.frames - 1:args.frames]
    summary["rel_l2_persistence"] = float(relative_l2(last, y_test[:, :1]).mean())
    summary["params_ratio"] = summary["params_dense"] / summary["params_compressed"]
    summary["rel_l2_ratio"] = summary["rel_l2_compressed"] / summary["rel_l2_dense"]
    summary["peak_memory_ratio"] = (summary["peak_memory_MB_compressed"]
                                    / summary["peak_memory_MB_dense"])

    # Output: predictions on the first test run's first rollout window
    k = 0
    preds = {name: rollout(r["model"], x_test[k:k + 1], ROLLOUT)[0].cpu().numpy()
             * scaling.u_scale for name, r in results.items()}
    truth = y_test[k].cpu().numpy() * scaling.u_scale
    out = test_ds.isel(sample=[0], time=slice(start + args.frames,
                                              start + args.frames + ROLLOUT))
    for name, p in preds.items():
        out[f"u_{name}"] = (("sample", "time", "y", "x"), p[None],
                            {"long_name": f"{name} CNN rollout"})
    write_dataset(out, run.path("test_rollout.nc"))
    for name, r in results.items():
        save_checkpoint({"state": r["model"].state_dict(), "history": r["history"],
                         "frames": args.frames, "width": width, "rank": rank,
                         "scaling": scaling.__dict__}, run.path(f"model_{name}.pt"))
    save_figure(_figure(truth, preds, summary), run.path("predictions.png"))
    run.write_summary(summary)
    print(f"dense {summary['params_dense']} / compressed {summary['params_compressed']} "
          f"parameters ({summary['params_ratio']:.1f}x); one-step rel. L2 "
          f"{summary['rel_l2_dense']:.4f} / {summary['rel_l2_compressed']:.4f}; 10-step "
          f"{summary['rollout_rel_l2_dense']:.4f} / {summary['rollout_rel_l2_compressed']:.4f};"
          f" peak memory {summary['peak_memory_MB_dense']:.0f} / "
          f"{summary['peak_memory_MB_compressed']:.0f} MB; outputs in {run.out}")


def _figure(truth, preds, s):
    steps = [0, ROLLOUT // 2 - 1, ROLLOUT - 1]
    fig = Figure(figsize=(10, 9.5), layout="constrained")
    axes = fig.subplots(3, 3)
    lim = np.abs(truth).max()
    rows = [("FE truth", truth), ("dense", preds["dense"]), ("compressed", preds["compressed"])]
    for r, (name, field) in enumerate(rows):
        for c, k in enumerate(steps):
            ax = axes[r, c]
            im = ax.imshow(field[k], origin="lower", extent=(0, 1, 0, 1), cmap="RdBu_r",
                           vmin=-lim, vmax=lim)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{name}, step {k + 1}")
    fig.colorbar(im, ax=axes, shrink=0.6)
    fig.suptitle(f"rollout on a test run; parameters {s['params_dense']} vs "
                 f"{s['params_compressed']}, one-step rel. L2 {s['rel_l2_dense']:.3f} vs "
                 f"{s['rel_l2_compressed']:.3f}")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
