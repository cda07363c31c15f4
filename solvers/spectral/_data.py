"""Closure training data from the kinetic reference: (z, e, m₄) along 1D(x)+θ trajectories."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ._kinetic import Kinetic1D
from ._params import ActiveFluidParams

PARAM_FIELDS = ("alpha", "beta", "zeta", "dT", "dR", "L")


def closure_data_params(ds) -> list[ActiveFluidParams]:
    """The parameter set of each case of a data set made by `kinetic_closure_data`."""
    return [ActiveFluidParams(**{k: float(ds[k].values[c]) for k in PARAM_FIELDS})
            for c in range(ds.sizes["case"])]


def _closure_run(item, *, nx, ntheta, dt, t_end, save_every, amplitude, runs, seed, device):
    """One parameter set of `kinetic_closure_data`: its arrays (run, time, x), times and x."""
    i, p = item
    solver = Kinetic1D(p, nx=nx, ntheta=ntheta, dt=dt, device=device)
    psi0 = solver.isotropic(runs, amplitude=amplitude, seed=seed + i)
    res = solver.run(psi0, t_end, save_every=save_every)
    mom = solver.moments(res.psi)
    vx = solver.velocity_gradient(mom)
    fields = {"z": mom["z"], "e": 0.5j * vx, "m4": mom["m4"]}
    return ({k: v.transpose(0, 1).cpu().numpy() for k, v in fields.items()},
            res.times.numpy(), solver.x.cpu().numpy())


def kinetic_closure_data(params: Sequence[ActiveFluidParams], *, nx: int = 128,
                         ntheta: int = 64, dt: float = 0.005, t_end: float = 20.0,
                         save_every: float = 0.5, amplitude: float = 0.1, runs: int = 1,
                         seed: int = 0, device: str | torch.device = "cpu", progress=None,
                         mapper=None):
    """Run the 1D(x)+θ kinetic model for each parameter set (`runs` random initial states
    each: isotropic plus plane waves of `amplitude`) and collect, every `save_every`, the
    closure's inputs and target on the grid: z = ⟨e^{2iθ}⟩, the strain rate e = E₁₁ + i E₁₂
    (= i v′/2 here), and m₄ = ⟨e^{4iθ}⟩.

    Returns an ``xarray.Dataset`` on (case, time, x) — case = (parameter set, run) — with the
    parameters as case coordinates and the generation settings as attributes (so a saved data
    set says how it was made). `progress(n)` is called after each parameter set.

    The parameter sets are independent runs: `mapper` (``mapper(fn, items)`` -> results in order,
    e.g. ``functools.partial(sciml.hpc.ensemble, workers=4)``) spreads them over processes;
    by default they run here one after the other. Each set's random state depends only on its
    position, so the data are the same either way.
    """
    import functools

    import xarray as xr

    if not params:
        raise ValueError("params is empty")
    fn = functools.partial(_closure_run, nx=nx, ntheta=ntheta, dt=dt, t_end=t_end,
                           save_every=save_every, amplitude=amplitude, runs=runs, seed=seed,
                           device=device)
    items = list(enumerate(params))
    if mapper is None:
        results = []
        for item in items:
            results.append(fn(item))
            if progress is not None:
                progress(1)
    else:
        results = list(mapper(fn, items))
        if progress is not None:
            progress(len(items))
    out = {k: [r[0][k] for r in results] for k in ("z", "e", "m4")}
    coords = {k: [float(getattr(p, k)) for p in params for _ in range(runs)]
              for k in PARAM_FIELDS}
    times, x = results[-1][1], results[-1][2]
    data = {}
    for k, v in out.items():
        arr = np.concatenate(v)
        data[f"{k}_real"] = (("case", "time", "x"), arr.real)
        data[f"{k}_imag"] = (("case", "time", "x"), arr.imag)
    return xr.Dataset(
        data, coords={"time": times, "x": x, **{k: ("case", v) for k, v in coords.items()}},
        attrs={"source": "solvers.spectral.Kinetic1D", "nx": nx, "ntheta": ntheta, "dt": dt,
               "t_end": t_end, "save_every": save_every, "amplitude": amplitude,
               "runs": runs, "seed": seed,
               "fields": "z = <exp(2i theta)>, e = E11 + i E12, m4 = <exp(4i theta)>"})
