"""From an ODE data set (`solvers.odes.ode_dataset`) to PROSE's tensors, and the data set's
cache."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
import xarray as xr

from solvers.odes import BOS, EOS, PAD, OdeDataParams, encode_system, ids, ode_dataset, parse_system

from ...io import read_dataset, write_dataset
from .._data import cache_dir


def cached_ode_dataset(params: OdeDataParams = OdeDataParams(), *, seed: int = 0,
                       progress=None) -> xr.Dataset:
    """`solvers.odes.ode_dataset(params, seed)`, read from the cache (``data/cache`` or
    ``$SCIML_CACHE``) when it was made before with the same settings, else generated there."""
    params.validate()
    digest = hashlib.sha1(repr(params).encode()).hexdigest()[:10]
    path = cache_dir() / f"odes_{digest}_seed{seed}.nc"
    if path.exists():
        ds = read_dataset(path)
        if ds.attrs.get("seed") == seed and ds.attrs.get("n_params") == params.n_params:
            return ds
    ds = ode_dataset(params, seed=seed, progress=progress)
    write_dataset(ds, path)
    return ds


@dataclass
class ProseData:
    """A data set as tensors (first dimension: sample).

    ``u_in``: the first `n_input` noisy observations, normalised: (u − offset) / scale with a
    per-component offset (the window's mean) and one scale per sample (the RMS of the centred
    window); ``u_out``: the exact trajectory at every time, normalised the same way; ``mask``:
    1 for the components the system has; ``stats``: asinh(offset) and log(scale);
    ``symbols``: the guessed equation's skeleton (numbers replaced by ``C``); ``target``:
    BOS, the true equation with numbers, EOS. Sequences are PAD-padded.
    """

    times: torch.Tensor
    n_input: int
    u_in: torch.Tensor
    u_out: torch.Tensor
    mask: torch.Tensor
    stats: torch.Tensor
    offset: torch.Tensor
    scale: torch.Tensor
    symbols: torch.Tensor
    target: torch.Tensor

    def __len__(self) -> int:
        return self.u_in.shape[0]

    @property
    def t_in(self) -> torch.Tensor:
        return self.times[: self.n_input]

    def fields(self) -> tuple[torch.Tensor, ...]:
        """The per-sample tensors a training step uses, in `batch_dict`'s order."""
        return self.u_in, self.mask, self.stats, self.symbols, self.target, self.u_out

    def to(self, device=None, dtype=None) -> ProseData:
        """On `device`, the floating-point tensors in `dtype` (token ids stay integers)."""
        def move(v):
            if not isinstance(v, torch.Tensor):
                return v
            return v.to(device=device, dtype=dtype if v.is_floating_point() else None)

        return ProseData(**{k: move(v) for k, v in self.__dict__.items()})


def batch_dict(u_in, mask, stats, symbols, target=None, u_out=None) -> dict:
    return {"u_in": u_in, "mask": mask, "stats": stats, "symbols": symbols,
            "target": target, "u_out": u_out}


def _pad(seqs: list[list[int]]) -> torch.Tensor:
    out = torch.full((len(seqs), max(map(len, seqs))), PAD, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.as_tensor(s)
    return out


def prose_data(ds: xr.Dataset, *, dtype=None) -> ProseData:
    """The tensors of the samples of `ds` (floating point in `dtype`, default torch's)."""
    dtype = dtype or torch.get_default_dtype()
    n_input = int(ds.attrs["n_input"])
    noisy = ds["u_noisy"].values
    exact = ds["u"].values
    present = np.isfinite(exact[:, 0, :])
    window = np.nan_to_num(noisy[:, :n_input])
    offset = window.mean(1) * present
    centred = (window - offset[:, None]) * present[:, None]
    count = present.sum(1) * n_input
    scale = np.sqrt((centred**2).sum((1, 2)) / count)
    scale = np.maximum(scale, 1e-3 * np.maximum(1.0, np.abs(offset).max(1)))
    u_in = centred / scale[:, None, None]
    u_out = (np.nan_to_num(exact) - offset[:, None]) * present[:, None] / scale[:, None, None]
    stats = np.concatenate([np.arcsinh(offset), np.log(scale)[:, None]], 1)
    symbols = [ids(encode_system(parse_system(g), skeleton=True)) for g in ds["guess"].values]
    target = [[BOS, *ids(encode_system(parse_system(e))), EOS] for e in ds["equation"].values]

    def t(a):
        return torch.tensor(np.asarray(a), dtype=dtype)

    return ProseData(times=t(ds["time"].values), n_input=n_input, u_in=t(u_in), u_out=t(u_out),
                     mask=t(present), stats=t(stats), offset=t(offset), scale=t(scale),
                     symbols=_pad(symbols), target=_pad(target))
