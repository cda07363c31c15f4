"""PROSE: trajectories and symbolic equations of parametric ODEs from one multimodal transformer.

Physics and data (`solvers.odes`): ten ODE families (Lorenz, Rössler, Thomas, Duffing,
Van der Pol, Lotka–Volterra, FitzHugh–Nagumo, SIR, damped pendulum, a linear system), written
once in sympy. Parameters are drawn within ±10 % of nominal, initial conditions at random;
trajectories on 192 points of t ∈ [0, 6] (DOP853). The model sees the first 64 observations
(t ≤ 2, additive Gaussian noise of `--noise` × the RMS) and a guessed equation skeleton (the
true one with a term removed and a term added, each with probability `--symbol-noise`). It
predicts the trajectory on all of [0, 6] (so t > 2 is extrapolation) and writes the corrected
equation with its numbers. Test samples have new initial conditions or new parameters.

Compared on the test set (`sciml.operators.prose`): the multimodal model; the data-only
ablation (same network without the symbol input); the symbol-only ablation (without the data);
and the noisy guess (the guessed equation with nominal coefficients integrated from the first
noisy observation). Training: Adam, one-cycle schedule, MSE of the normalised trajectory +
0.5 × cross-entropy of the equation tokens; checkpointed every epoch (``--resume``,
``--time-limit`` stops with exit status 3).

Run time (2 CPU cores): quick < 1 min; the default ~50 min (three models).
Command: python cases/prose_odes.py [--families all|NAME,...] [--noise REL] [--symbol-noise P]
         [--epochs N] [--d-model D] [--layers N] [--ablations data,symbols|none]
         [--time-limit S] [--resume] [--quick] [--out DIR] [--seed N] [--device cpu|cuda]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch
import xarray as xr
from matplotlib.figure import Figure

from sciml.case import CaseInterrupted, UserInputError, case_parser, number, run_case
from sciml.io import save_checkpoint, save_figure, write_dataset
from sciml.operators import parameter_count
from sciml.operators.prose import (
    ERROR_CAP,
    Prose,
    ProseConfig,
    cached_ode_dataset,
    evaluate_prose,
    prose_data,
    summarise,
    train_prose,
)
from solvers.odes import FAMILIES, OdeDataParams, format_system, parse_system

SYMBOL_WEIGHT = 0.5  # of the token cross-entropy, beside the normalised trajectory's MSE
VARIANTS = {"both": "multimodal", "data": "data-only", "symbols": "symbol-only"}


def build_parser():
    p = case_parser("prose_odes", __doc__)
    p.add_argument("--families", default="all",
                   help=f"'all' or a comma-separated list of {', '.join(FAMILIES)}")
    p.add_argument("--noise", type=number(0.0, 1.0, lo_open=False, hi_open=True), default=0.02,
                   help="observation noise, relative to each component's RMS (default 0.02)")
    p.add_argument("--symbol-noise", type=number(0.0, 1.0, lo_open=False), default=0.15,
                   help="probability of a term added, and of a term removed, in the guessed "
                        "equation (default 0.15)")
    p.add_argument("--epochs", type=number(1, 10**5, lo_open=False, integer=True), default=None,
                   help="training epochs of each model (default 24, quick 8)")
    p.add_argument("--d-model", type=number(8, 4096, lo_open=False, integer=True), default=None,
                   help="transformer width, a multiple of 4 (default 128, quick 64)")
    p.add_argument("--layers", type=number(1, 64, lo_open=False, integer=True), default=None,
                   help="layers of each encoder and decoder (default 2, quick 1)")
    p.add_argument("--ablations", default=None,
                   help="ablations to train beside the multimodal model: a comma-separated "
                        "subset of data,symbols, or none (default data,symbols; quick data)")
    p.add_argument("--batch", type=number(1, 10**5, lo_open=False, integer=True), default=None,
                   help="batch size (default 64, quick 16)")
    p.add_argument("--lr", type=number(0.0, 1.0), default=None,
                   help="peak learning rate of the one-cycle schedule (default 1e-3, quick 2e-3)")
    p.add_argument("--time-limit", type=number(0.0), default=None,
                   help="stop training after this many seconds, resumable (default none)")
    p.add_argument("--resume", action="store_true",
                   help="continue from the checkpoints in OUT if they are there")
    return p


def _families(text):
    if text == "all":
        return tuple(FAMILIES)
    names = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [n for n in names if n not in FAMILIES]
    if bad or not names:
        raise UserInputError(f"argument --families: {text!r} must be 'all' or names from "
                             f"{', '.join(FAMILIES)}")
    return names


def _ablations(text, quick):
    if text is None:
        return ("data",) if quick else ("data", "symbols")
    if text == "none":
        return ()
    names = tuple(s.strip() for s in text.split(","))
    if not names or any(n not in ("data", "symbols") for n in names):
        raise UserInputError(f"argument --ablations: {text!r} must be 'none' or a subset of "
                             f"data,symbols")
    return names


def main(args, run):
    # Parameters
    quick = args.quick
    families = _families(args.families)
    ablations = _ablations(args.ablations, quick)
    epochs = args.epochs or (8 if quick else 24)
    d_model = args.d_model or (64 if quick else 128)
    layers = args.layers or (1 if quick else 2)
    batch = args.batch or (16 if quick else 64)
    lr = args.lr or (2e-3 if quick else 1e-3)
    if d_model % 4:
        raise UserInputError(f"argument --d-model: {d_model} must be a multiple of 4")
    sizes = ({"n_params": 6, "n_initial": 10, "n_test_params": 1, "n_test_initial": 5}
             if quick else {"n_params": 20, "n_initial": 15, "n_test_params": 5,
                            "n_test_initial": 4})
    params = OdeDataParams(families=families, noise=args.noise, p_add=args.symbol_noise,
                           p_remove=args.symbol_noise, **sizes)
    device = torch.device(args.device)
    torch.manual_seed(args.seed)

    # Problem
    with run.progress(total=len(families), desc="ODE data", unit="family") as bar:
        ds = cached_ode_dataset(params, seed=args.seed, progress=bar.update)
    train_ds = ds.isel(sample=ds["split"].values == "train")
    test_ds = ds.isel(sample=ds["split"].values != "train")
    train, test = prose_data(train_ds), prose_data(test_ds)

    # Solve
    deadline = None if args.time_limit is None else time.perf_counter() + args.time_limit
    models, seconds = {}, {}
    for inputs in ("both", *ablations):
        cfg = ProseConfig(d_model=d_model, heads=4, data_layers=layers, symbol_layers=layers,
                          fusion_layers=layers, data_decoder_layers=layers,
                          symbol_decoder_layers=layers, inputs=inputs,
                          t_scale=params.t_end)
        torch.manual_seed(args.seed)
        model = Prose(cfg).to(device)
        ckpt = run.path(f"checkpoint_{inputs}.pt")
        left = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
        t0 = time.perf_counter()
        with run.epoch_progress(epochs, f"{VARIANTS[inputs]} model") as report:
            try:
                fitted = train_prose(model, train.to(device), epochs=epochs, batch=batch, lr=lr,
                                     symbol_weight=SYMBOL_WEIGHT, seed=args.seed, checkpoint=ckpt,
                                     resume=args.resume, time_limit=left, progress=report)
            except ValueError as exc:  # a checkpoint of another run
                raise UserInputError(f"argument --resume: {exc}") from None
        if not fitted.finished:
            raise CaseInterrupted(f"--time-limit reached during the {VARIANTS[inputs]} model "
                                  f"(epoch {len(fitted.history)} of {epochs}); continue with "
                                  f"the same command and --resume")
        models[inputs] = model
        seconds[inputs] = time.perf_counter() - t0
        save_checkpoint({"config": model.config, "state": model.state_dict(),
                         "history": fitted.history}, run.path(f"model_{inputs}.pt"))

    # Analysis
    results = {k: evaluate_prose(m, test.to(device), test_ds, baselines=(k == "both"),
                                 integrate_generated=(k == "both"))
               for k, m in models.items()}
    main_res = results["both"]
    s = summarise(main_res)
    summary = {"families": ",".join(families), "n_train": len(train), "n_test": len(test),
               "noise": args.noise, "symbol_noise": args.symbol_noise, "epochs": epochs,
               "d_model": d_model, "layers": layers, "batch": batch, "lr": lr,
               "symbol_weight": SYMBOL_WEIGHT, "params": parameter_count(models["both"]),
               "train_seconds": seconds["both"], "error_cap": ERROR_CAP,
               "rel_l2_data": s["rel_l2_data"], "rel_l2_data_median": s["rel_l2_data_median"],
               "rel_l2_extrapolation": s["rel_l2_extrapolation"],
               "valid_equation_fraction": s["valid_equation_fraction"],
               "rel_l2_rhs": s["rel_l2_rhs"],
               "rel_l2_generated_equation": s["rel_l2_generated"],
               "rel_l2_noisy_guess_baseline": s["rel_l2_noisy_guess"],
               "rel_l2_noisy_guess_baseline_median":
                   float(np.median(main_res["rel_l2_noisy_guess"]))}
    for inputs in ablations:
        a = summarise(results[inputs])
        tag = {"data": "data_only", "symbols": "symbol_only"}[inputs]
        summary.update({f"rel_l2_{tag}_baseline": a["rel_l2_data"],
                        f"rel_l2_extrapolation_{tag}": a["rel_l2_extrapolation"],
                        f"valid_equation_fraction_{tag}": a["valid_equation_fraction"],
                        f"rel_l2_rhs_{tag}": a["rel_l2_rhs"],
                        f"train_seconds_{tag}": seconds[inputs]})
    per_family = {}
    fam = test_ds["family"].values
    for name in families:
        sel = fam == name
        per_family[name] = float(np.mean(main_res["rel_l2_data"][sel]))
        summary[f"rel_l2_data_{name}"] = per_family[name]

    # Output
    out = test_ds.copy()
    for k, r in results.items():
        out[f"u_pred_{k}"] = (("sample", "time", "component"), r["prediction"],
                              {"long_name": f"{VARIANTS[k]} prediction"})
        out[f"rel_l2_{k}"] = ("sample", r["rel_l2_data"])
        out[f"generated_{k}"] = ("sample", np.array(
            [format_system(e) if e is not None else "" for e in r["equations"]], dtype=object),
            {"long_name": f"{VARIANTS[k]} generated equation ('' where invalid)"})
    out["rel_l2_noisy_guess"] = ("sample", main_res["rel_l2_noisy_guess"])
    write_dataset(out, run.path("test_predictions.nc"))
    save_figure(_figure(out, families), run.path("prose_trajectories.png"))
    run.write_summary(summary)
    abl = ", ".join(f"{VARIANTS[k]} {summary[f'rel_l2_{t}_baseline']:.3f}" for k, t in
                    (("data", "data_only"), ("symbols", "symbol_only")) if k in ablations)
    print(f"PROSE ({summary['params']} parameters): test rel. L2 {s['rel_l2_data']:.3f} "
          f"(noisy guess {s['rel_l2_noisy_guess']:.3f}{', ' + abl if abl else ''}); valid "
          f"equations {s['valid_equation_fraction']:.2f}, RHS rel. L2 {s['rel_l2_rhs']:.3f}; "
          f"outputs in {run.out}")


def _short(exprs: str, width: int = 46) -> str:
    lines = []
    for part in exprs.split(" ; "):
        text = part.replace("**", "^").replace("*", "")
        lines.append(text if len(text) <= width else text[: width - 1] + "…")
    return "\n".join(f"  dx{i + 1}/dt = {s}" for i, s in enumerate(lines))


def _round(text: str) -> str:
    """A system written with three significant digits."""
    if not text:
        return "(invalid)"
    return format_system(tuple(e.evalf(3) for e in parse_system(text)))


def _figure(ds: xr.Dataset, families) -> Figure:
    picks = [int(np.flatnonzero(ds["family"].values == f)[0]) for f in families][:6]
    fig = Figure(figsize=(15, 3.2 * len(picks)), layout="constrained")
    grid = fig.subplots(len(picks), 2, width_ratios=[1.3, 1], squeeze=False)
    t = ds["time"].values
    n_in = int(ds.attrs["n_input"])
    for row, i in enumerate(picks):
        s = ds.isel(sample=i)
        ax, txt = grid[row]
        dim = int(s["dim"])
        for c in range(dim):
            color = f"C{c}"
            ax.plot(t, s["u"].values[:, c], color=color, lw=1.5,
                    label="truth" if c == 0 else None)
            ax.plot(t[:n_in], s["u_noisy"].values[:n_in, c], ".", color=color, ms=3,
                    label="observed" if c == 0 else None)
            ax.plot(t, s["u_pred_both"].values[:, c], "--", color=color, lw=1.5,
                    label="PROSE" if c == 0 else None)
            if "u_pred_data" in s:
                ax.plot(t, s["u_pred_data"].values[:, c], ":", color=color, lw=1,
                        label="data-only" if c == 0 else None)
        ax.axvline(t[n_in - 1], color="0.5", lw=0.8)
        ax.set_title(f"{s['family'].item()}: rel. L2 {float(s['rel_l2_both']):.3f}")
        ax.set_xlabel("t")
        if row == 0:
            ax.legend(loc="upper right", fontsize=8, ncols=4)
        txt.axis("off")
        body = (f"true:\n{_short(_round(str(s['equation'].item())))}\n"
                f"guess (skeleton given):\n{_short(_round(str(s['guess'].item())))}\n"
                f"PROSE:\n{_short(_round(str(s['generated_both'].item())))}")
        txt.text(0.0, 1.0, body, va="top", family="monospace", fontsize=8)
    fig.suptitle("PROSE on held-out samples: input window left of the grey line, "
                 "extrapolation right of it")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
