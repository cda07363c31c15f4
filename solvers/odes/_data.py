"""Data sets of noisy trajectories and noisy symbolic guesses from the ODE families.

For each family: `n_params` parameter draws (uniform within ±`spread` of nominal) with
`n_initial` random initial conditions each form the training samples; the test samples are
`n_test_initial` new initial conditions for some of those parameter draws (split ``test_ic``) and
`n_test_params` new parameter draws with `n_test_initial` initial conditions each (split
``test_param``). Every trajectory is computed on `n_times` points of [0, `t_end`]; the
observations add Gaussian noise of standard deviation `noise` × (the component's RMS over the
trajectory). The guessed equation is the family's equation with nominal coefficients in which a
term is removed (probability `p_remove`) and a term is added (probability `p_add`, a monomial
x_i or x_i x_j absent from that component, coefficient ±U(0.1, 1)·(the component's median
coefficient magnitude)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import sympy as sp
import xarray as xr

from .._checks import check_integer
from ._families import FAMILIES, MAX_DIM, STATE, OdeFamily

SEPARATOR = " ; "


@dataclass(frozen=True)
class OdeDataParams:
    """Settings of an ODE data set (times in the families' units, probabilities in [0, 1])."""

    families: tuple[str, ...] = tuple(FAMILIES)
    n_params: int = 25
    n_initial: int = 20
    n_test_params: int = 5
    n_test_initial: int = 4
    t_end: float = 6.0
    n_times: int = 192
    n_input: int = 64
    spread: float = 0.1
    noise: float = 0.02
    p_add: float = 0.15
    p_remove: float = 0.15

    def validate(self) -> OdeDataParams:
        if not self.families:
            raise ValueError("families is empty: give at least one of " + str(tuple(FAMILIES)))
        for name in self.families:
            if name not in FAMILIES:
                raise ValueError(f"families: {name!r} must be one of {tuple(FAMILIES)}")
        for name in ("n_params", "n_initial", "n_test_params", "n_test_initial"):
            check_integer(name, getattr(self, name), 1)
        check_integer("n_times", self.n_times, 2)
        if not (isinstance(self.n_input, int) and 2 <= self.n_input <= self.n_times):
            raise ValueError(f"n_input={self.n_input!r} is outside the valid range "
                             f"[2, n_times={self.n_times}]")
        if not self.t_end > 0:
            raise ValueError(f"t_end={self.t_end!r} is outside the valid range (0, inf)")
        if not 0 <= self.spread < 1:
            raise ValueError(f"spread={self.spread!r} is outside the valid range [0, 1)")
        if not 0 <= self.noise < 1:
            raise ValueError(f"noise={self.noise!r} is outside the valid range [0, 1)")
        for name in ("p_add", "p_remove"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name}={v!r} is outside the valid range [0, 1]")
        return self

    @property
    def times(self) -> np.ndarray:
        return np.linspace(0.0, self.t_end, self.n_times)


def parse_system(text: str) -> tuple:
    """The expressions of a system written as ``expr ; expr ; …`` in x1..x3."""
    names = {str(s): s for s in STATE}
    return tuple(sp.sympify(part, locals=names) for part in text.split(SEPARATOR.strip()))


def format_system(exprs) -> str:
    return SEPARATOR.join(str(e) for e in exprs)


def perturb_equation(exprs, rng: np.random.Generator, *, p_add: float, p_remove: float):
    """`exprs` with a term removed (probability `p_remove`) and one added (probability
    `p_add`); returns the new expressions and the edits made, as ``(removed, added)``."""
    comps = [list(sp.Add.make_args(e)) for e in exprs]
    removed = added = False
    if rng.random() < p_remove:
        candidates = [i for i, c in enumerate(comps) if len(c) > 1]
        if candidates:
            i = candidates[rng.integers(len(candidates))]
            comps[i].pop(int(rng.integers(len(comps[i]))))
            removed = True
    if rng.random() < p_add:
        dim = len(exprs)
        i = int(rng.integers(dim))
        present = {_monomial(t) for t in comps[i]}
        pool = [m for m in _monomials(dim) if m not in present]
        if pool:
            mono = pool[rng.integers(len(pool))]
            scale = float(np.median([abs(_coefficient(t)) for t in comps[i]]))
            coef = rng.choice((-1.0, 1.0)) * rng.uniform(0.1, 1.0) * scale
            comps[i].append(sp.Float(float(f"{coef:.3g}")) * mono)
            added = True
    return tuple(sp.Add(*c) for c in comps), (removed, added)


def _monomials(dim):
    x = STATE[:dim]
    return [*x, *(x[i] * x[j] for i in range(dim) for j in range(i, dim))]


def _coefficient(term) -> float:
    c, _ = term.as_coeff_Mul()
    return float(c)


def _monomial(term):
    return term.as_coeff_Mul()[1]


def ode_dataset(params: OdeDataParams = OdeDataParams(), *, seed: int = 0,
                progress=None) -> xr.Dataset:
    """The data set of `params` (see the module docstring for what it holds); sample draws
    depend only on (seed, family). `progress(k)` is called after each family."""
    params.validate()
    t = params.times
    blocks = []
    for name in params.families:
        fam = FAMILIES[name]
        rng = np.random.default_rng([seed, list(FAMILIES).index(name)])
        blocks.append(_family_block(fam, params, rng, t))
        if progress is not None:
            progress(1)
    ds = xr.concat(blocks, dim="sample")
    ds = ds.assign_coords(sample=np.arange(ds.sizes["sample"]), time=t,
                          component=np.arange(1, MAX_DIM + 1))
    attrs = {k: (",".join(v) if isinstance(v, tuple) else v) for k, v in asdict(params).items()}
    attrs.update({f"params_{n}": ",".join(FAMILIES[n].param_names) for n in params.families})
    ds.attrs.update(attrs, seed=seed, source="solvers.odes.ode_dataset",
                    equations="expanded right-hand sides, components separated by ' ; '")
    return ds


def _family_block(fam: OdeFamily, params: OdeDataParams, rng, t) -> xr.Dataset:
    npar, nic, ntp, nti = (params.n_params, params.n_initial, params.n_test_params,
                           params.n_test_initial)
    train_p = fam.sample_params(rng, npar, params.spread)
    test_p = fam.sample_params(rng, ntp, params.spread)
    n_ic_test = min(npar, max(1, ntp * nti))  # test_ic: one new start for that many draws
    values = np.concatenate([np.repeat(train_p, nic, 0), train_p[:n_ic_test],
                             np.repeat(test_p, nti, 0)])
    pid = np.concatenate([np.repeat(np.arange(npar), nic), np.arange(n_ic_test),
                          npar + np.repeat(np.arange(ntp), nti)])
    split = ["train"] * (npar * nic) + ["test_ic"] * n_ic_test + ["test_param"] * (ntp * nti)
    n = len(values)
    x0 = fam.sample_initial(rng, n)
    u = fam.integrate(values, x0, t)
    if not np.all(np.isfinite(u)):
        raise RuntimeError(f"{fam.name}: a trajectory is not finite")
    rms = np.sqrt(np.mean(u**2, axis=1, keepdims=True))
    noisy = u + params.noise * rms * rng.standard_normal(u.shape)
    nominal = fam.equation()
    equations, guesses, edits = [], [], []
    for v in values:
        equations.append(format_system(fam.equation(v)))
        guess, (rem, add) = perturb_equation(nominal, rng, p_add=params.p_add,
                                             p_remove=params.p_remove)
        guesses.append(format_system(guess))
        edits.append(int(rem) + 2 * int(add))
    pad = MAX_DIM - fam.dim
    u = np.pad(u, ((0, 0), (0, 0), (0, pad)), constant_values=np.nan)
    noisy = np.pad(noisy, ((0, 0), (0, 0), (0, pad)), constant_values=np.nan)
    pv = np.full((n, max(len(f.params) for f in FAMILIES.values())), np.nan)
    pv[:, : values.shape[1]] = values
    return xr.Dataset({
        "u": (("sample", "time", "component"), u, {"long_name": "exact trajectory"}),
        "u_noisy": (("sample", "time", "component"), noisy,
                    {"long_name": "observed trajectory (additive Gaussian noise)"}),
        "family": ("sample", np.array([fam.name] * n, dtype=object)),
        "dim": ("sample", np.full(n, fam.dim, dtype=np.int8)),
        "param_values": (("sample", "param"), pv,
                         {"long_name": "parameter values, in the order of attrs params_<family>"}),
        "param_id": ("sample", pid.astype(np.int32)),
        "x0": (("sample", "component"), np.pad(x0, ((0, 0), (0, pad)),
                                               constant_values=np.nan)),
        "equation": ("sample", np.array(equations, dtype=object),
                     {"long_name": "true right-hand side"}),
        "guess": ("sample", np.array(guesses, dtype=object),
                  {"long_name": "guessed right-hand side: nominal coefficients, symbolic noise"}),
        "guess_edit": ("sample", np.array(edits, dtype=np.int8),
                       {"long_name": "1: a term removed, 2: a term added, 3: both"}),
        "split": ("sample", np.array(split, dtype=object)),
    })
