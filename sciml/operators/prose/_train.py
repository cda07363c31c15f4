"""Training PROSE on the combined loss, and its evaluation against the baselines."""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
import torch.nn.functional as F
import xarray as xr

from solvers.odes import (
    FAMILIES,
    STATE,
    InvalidEquation,
    decode_system,
    integrate_expressions,
    parse_system,
    tokens_of,
)

from ...hpc import fit
from ._data import ProseData, batch_dict
from ._model import Prose

#: Per-sample relative errors above this count as this (a zero prediction scores 1).
ERROR_CAP = 1.0


def prose_loss(model: Prose, data: ProseData, *, data_weight: float = 1.0,
               symbol_weight: float = 0.1):
    """``loss(model, *data.fields())`` per sample: `data_weight` × the mean squared error of the
    normalised trajectory over the times and the system's components + `symbol_weight` × the
    mean cross-entropy of the equation's next tokens."""
    t_in, t_query = data.t_in, data.times

    def loss(model, *fields):
        b = batch_dict(*fields)
        u_pred, logits = model(b, t_in.to(b["u_in"].device), t_query.to(b["u_in"].device),
                               b["target"][:, :-1])
        mask = b["mask"][:, None, :]
        mse = ((u_pred - b["u_out"]) ** 2 * mask).sum((1, 2)) / (mask.sum((1, 2)) *
                                                                  u_pred.shape[1])
        nxt = b["target"][:, 1:]
        ce = F.cross_entropy(logits.transpose(1, 2), nxt, reduction="none", ignore_index=0)
        ce = ce.sum(1) / (nxt != 0).sum(1)
        return data_weight * mse + symbol_weight * ce

    return loss


def train_prose(model: Prose, data: ProseData, *, epochs: int, batch: int = 64,
                lr: float = 5e-4, data_weight: float = 1.0, symbol_weight: float = 0.1,
                seed: int = 0, checkpoint=None, resume: bool = True, time_limit=None,
                progress=None, dist=None):
    """Adam with a one-cycle schedule on `prose_loss` (see `sciml.hpc.fit` for checkpoints,
    resume, time limits and torchrun); the data are moved to the model's device and dtype."""
    for name, v in (("data_weight", data_weight), ("symbol_weight", symbol_weight)):
        if not (v >= 0):
            raise ValueError(f"{name}={v!r} is outside the valid range [0, inf)")
    p = next(model.parameters())
    data = data.to(p.device, p.dtype)
    loss = prose_loss(model, data, data_weight=data_weight, symbol_weight=symbol_weight)
    return fit(model, loss, list(data.fields()), epochs=epochs, batch=batch, lr=lr,
               schedule="onecycle", seed=seed, checkpoint=checkpoint, resume=resume,
               time_limit=time_limit, progress=progress, dist=dist)


@torch.no_grad()
def predict(model: Prose, data: ProseData, *, batch: int = 256, max_length: int = 80):
    """The trajectories at ``data.times`` in the data's units (n, times, MAX_DIM; NaN in absent
    components) and the generated equations' tokens (lists, without BOS/EOS/PAD)."""
    model.eval()
    p = next(model.parameters())
    device = p.device
    data = data.to(dtype=p.dtype)
    preds, eqs = [], []
    for i in range(0, len(data), batch):
        sl = slice(i, i + batch)
        b = batch_dict(*(f[sl].to(device) for f in data.fields()[:4]))
        memory, pad = model.encode(b, data.t_in.to(device))
        u = model.decode_data(memory, pad, data.times.to(device)).cpu()
        preds.append(u * data.scale[sl, None, None] + data.offset[sl, None])
        for row in model.generate(b, data.t_in.to(device), max_length=max_length).cpu():
            toks = tokens_of(row[1:])
            eqs.append(toks[: toks.index("EOS")] if "EOS" in toks else toks)
    u = torch.cat(preds).double().numpy()
    u = np.where(data.mask.numpy()[:, None, :] > 0, u, np.nan)
    return u, eqs


def relative_l2(pred: np.ndarray, true: np.ndarray, axis=(-2, -1)) -> np.ndarray:
    """‖pred − true‖ / ‖true‖ per sample over `axis`, capped at `ERROR_CAP`; entries where
    `true` is NaN (absent components) are left out, a non-finite `pred` elsewhere counts as
    the cap."""
    present = np.isfinite(true)
    with np.errstate(all="ignore"):
        diff = np.where(present, pred - true, 0.0)
        num = np.sqrt(np.sum(diff**2, axis=axis))
        den = np.sqrt(np.sum(np.where(present, true, 0.0) ** 2, axis=axis))
        err = np.where(np.isfinite(num), num / den, np.inf)
    return np.minimum(err, ERROR_CAP)


def _true_rhs(ds: xr.Dataset, i: int) -> np.ndarray:
    fam = FAMILIES[str(ds["family"].values[i])]
    u = ds["u"].values[i, :, : fam.dim]
    values = ds["param_values"].values[i, : len(fam.params)]
    return fam.rhs_values(u, values)


def _rhs_of(exprs, u: np.ndarray) -> np.ndarray:
    dim = len(exprs)
    fn = sp.lambdify(list(STATE[:dim]), list(exprs), modules="numpy")
    with np.errstate(all="ignore"):
        vals = fn(*u.T)
    return np.stack([np.broadcast_to(np.asarray(v, dtype=float), u.shape[:1]) for v in vals], -1)


def evaluate_prose(model: Prose, data: ProseData, ds: xr.Dataset, *, baselines: bool = True,
                   integrate_generated: bool = True) -> dict:
    """Per-sample figures on the samples of `ds` (whose tensors are `data`).

    ``rel_l2_data``: the predicted trajectory on every time of [0, t_end] (the input window
    and the extrapolation beyond it); ``rel_l2_extrapolation``: beyond the input window only;
    ``valid``: the generated equation decodes to a system of the right dimension;
    ``rel_l2_rhs``: the generated right-hand side against the true one along the exact
    trajectory (NaN where invalid); ``rel_l2_generated``: the generated equation integrated
    from the first noisy observation; ``rel_l2_noisy_guess``: the guessed equation (nominal
    coefficients, symbolic noise) integrated from the first noisy observation. Relative L2
    errors are per sample, capped at `ERROR_CAP`.
    """
    u_pred, eqs = predict(model, data)
    exact = ds["u"].values
    t = ds["time"].values
    n_in = data.n_input
    out = {"prediction": u_pred, "equations": [],
           "rel_l2_data": relative_l2(u_pred, exact),
           "rel_l2_extrapolation": relative_l2(u_pred[:, n_in:], exact[:, n_in:])}
    n = len(eqs)
    valid = np.zeros(n, dtype=bool)
    rhs = np.full(n, np.nan)
    gen = np.full(n, np.nan)
    guess = np.full(n, np.nan)
    for i, toks in enumerate(eqs):
        dim = int(ds["dim"].values[i])
        x0 = ds["u_noisy"].values[i, 0, :dim]
        try:
            exprs = decode_system(toks, dim)
        except InvalidEquation:
            out["equations"].append(None)
        else:
            valid[i] = True
            out["equations"].append(exprs)
            f_true = _true_rhs(ds, i)
            f_gen = _rhs_of(exprs, exact[i, :, :dim])
            rhs[i] = relative_l2(f_gen, f_true, axis=(0, 1))
            if integrate_generated:
                traj = integrate_expressions(exprs, x0, t)
                gen[i] = relative_l2(traj, exact[i, :, :dim], axis=(0, 1))
        if baselines:
            traj = integrate_expressions(parse_system(str(ds["guess"].values[i])), x0, t)
            guess[i] = relative_l2(traj, exact[i, :, :dim], axis=(0, 1))
    out.update(valid=valid, rel_l2_rhs=rhs, rel_l2_generated=gen, rel_l2_noisy_guess=guess)
    return out


def summarise(result: dict) -> dict:
    """Means of `evaluate_prose`'s per-sample figures (the RHS and generated-equation errors
    over the valid equations) and the medians of the trajectory errors."""
    valid = result["valid"]
    s = {"rel_l2_data": float(np.mean(result["rel_l2_data"])),
         "rel_l2_data_median": float(np.median(result["rel_l2_data"])),
         "rel_l2_extrapolation": float(np.mean(result["rel_l2_extrapolation"])),
         "valid_equation_fraction": float(np.mean(valid))}
    for key in ("rel_l2_rhs", "rel_l2_generated", "rel_l2_noisy_guess"):
        v = result[key][np.isfinite(result[key])]
        s[key] = float(np.mean(v)) if v.size else float("nan")
    return s
