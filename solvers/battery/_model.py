"""The SPM and P2D models: meshes, state layout, initial states, Jacobian pattern and colouring."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import _kernels as K
from ._params import CellParameters


@dataclass(frozen=True)
class Mesh:
    """Numbers of finite volumes: cells in x per domain and shells per particle.

    The SPM uses only `r_negative` and `r_positive`. Every count must be ≥ 3 (the surface
    concentration is a quadratic through the two outer shells).
    """

    x_negative: int = 20
    x_separator: int = 10
    x_positive: int = 20
    r_negative: int = 20
    r_positive: int = 20

    def __post_init__(self) -> None:
        for name in ("x_negative", "x_separator", "x_positive", "r_negative", "r_positive"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or not 3 <= v <= 100_000:
                raise ValueError(f"{name}={v!r} is outside the valid range [3, 100000]")

    def refined(self, factor: int) -> Mesh:
        """Every count multiplied by `factor`."""
        return Mesh(*(factor * getattr(self, n) for n in
                      ("x_negative", "x_separator", "x_positive", "r_negative", "r_positive")))


KINETICS = ("butler-volmer", "linear")


class _Model:
    """Shared machinery: packed parameters, Jacobian pattern, colouring."""

    name = ""

    def __init__(self, params: CellParameters, mesh: Mesh, kinetics: str) -> None:
        if not isinstance(params, CellParameters):
            raise TypeError(f"params must be a CellParameters, not {type(params).__name__}")
        if kinetics not in KINETICS:
            raise ValueError(f"kinetics={kinetics!r}; choose from {', '.join(KINETICS)}")
        self.params = params
        self.mesh = mesh
        self.kinetics = kinetics
        self.linear = kinetics == "linear"
        self.p = K.pack(params)
        self.fns = K.functions(params)

    # subclass interface: size, residual, args(drive), initial_state(current), voltage(y),
    # algebraic, scale, outputs(Y)

    def with_params(self, params: CellParameters):
        """The same model, mesh and kinetics with other parameters."""
        if params is self.params:
            return self
        return type(self)(params, self.mesh, kinetics=self.kinetics)

    @property
    def pattern(self) -> sp.csc_matrix:
        """Sparsity of ``∂F/∂y + cj ∂F/∂y'``, probed column by column at two random states in
        both drive modes (a structural zero stays zero; any dependence shows up). Cached per
        model, mesh, kinetics and material functions."""
        return self._structure()[0]

    @property
    def colors(self) -> tuple[np.ndarray, np.ndarray]:
        """Greedy column colouring of :attr:`pattern`: ``(col_ptr, col_ix)``."""
        return self._structure()[1]

    def _structure(self):
        key = (self.name, self.mesh, self.kinetics, self.fns)
        if key not in _STRUCTURE:
            pat = _pattern(self)
            _STRUCTURE[key] = (pat, _color(pat))
        return _STRUCTURE[key]


_STRUCTURE: dict = {}


def _surfaces(c: np.ndarray) -> np.ndarray:
    """Surface concentrations of particles stacked along the leading axes (shells last): the
    kernels' extrapolation (`solvers.battery._kernels._surface`) applied to every row."""
    return 1.5 * c[..., -1] - 0.5 * c[..., -2]


def _probe_states(model, rng):
    y0 = model.initial_state(model.params.one_c_current_density)
    jitter = 1.0 + 0.002 * rng.uniform(-1, 1, y0.size)
    y = y0 * jitter + 0.002 * model.scale * rng.uniform(-1, 1, y0.size)
    yp = 1e-3 * model.scale * rng.standard_normal(y0.size)
    return y, yp


def _pattern(model) -> sp.csc_matrix:
    n = model.size
    rng = np.random.default_rng(0)
    rows, cols = [], []
    res0, res1 = np.empty(n), np.empty(n)
    for mode in (0.0, 1.0):
        drive = np.array([mode, 3.5, 0.1, 0.0, 1.0])
        args = model.args(drive)
        for _ in range(2):
            y, yp = _probe_states(model, rng)
            model.residual(0.3, y, yp, res0, *args)
            if not np.all(np.isfinite(res0)):
                raise RuntimeError("non-finite residual at the sparsity probe state")
            for k in range(n):
                h = 1e-6 * max(abs(y[k]), model.scale[k])
                yk, ypk = y[k], yp[k]
                y[k] += h
                yp[k] += h
                model.residual(0.3, y, yp, res1, *args)
                y[k], yp[k] = yk, ypk
                r = np.flatnonzero(res1 != res0)
                rows.append(r)
                cols.append(np.full(r.size, k))
    r, c = np.concatenate(rows), np.concatenate(cols)
    pat = sp.csc_matrix((np.ones(r.size), (r, c)), shape=(n, n))
    pat.data[:] = 1.0
    pat.sort_indices()
    return pat


def _color(pat: sp.csc_matrix) -> tuple[np.ndarray, np.ndarray]:
    n = pat.shape[1]
    csr = pat.tocsr()
    color = -np.ones(n, dtype=np.int64)
    for k in range(n):
        rows = pat.indices[pat.indptr[k]:pat.indptr[k + 1]]
        taken = set()
        for r in rows:
            taken.update(color[csr.indices[csr.indptr[r]:csr.indptr[r + 1]]].tolist())
        c = 0
        while c in taken:
            c += 1
        color[k] = c
    order = np.argsort(color, kind="stable")
    col_ptr = np.searchsorted(color[order], np.arange(color.max() + 2))
    return col_ptr.astype(np.int64), order.astype(np.int64)


class SPM(_Model):
    """Single-particle model: one particle per electrode, uniform current, c_e ≡ c_e0.

    State: shells of the negative then the positive particle [mol/m³], then the current
    density I [A/m²] (algebraic: prescribed, or set by a voltage hold).
    `kinetics` is ``"butler-volmer"`` (full, α = ½) or ``"linear"`` (sinh x ≈ x).
    """

    name = "spm"

    def __init__(self, params: CellParameters, mesh: Mesh = Mesh(), *,
                 kinetics: str = "butler-volmer") -> None:
        super().__init__(params, mesh, kinetics)
        self.nrn, self.nrp = mesh.r_negative, mesh.r_positive
        self.size = self.nrn + self.nrp + 1
        self.kernels = K.compiled("spm", self.fns)
        self.residual = self.kernels.residual
        self.algebraic = np.array([self.size - 1])
        self.scale = np.concatenate([np.full(self.nrn, params.negative_max_concentration),
                                     np.full(self.nrp, params.positive_max_concentration), [1.0]])

    def args(self, drive: np.ndarray) -> tuple:
        return (self.p, drive, self.nrn, self.nrp, self.linear)

    def initial_state(self, current_density: float) -> np.ndarray:
        q = self.params
        return np.concatenate([np.full(self.nrn, q.negative_initial_concentration),
                               np.full(self.nrp, q.positive_initial_concentration),
                               [current_density]])

    def voltage(self, y: np.ndarray) -> float:
        return self.kernels.voltage(y, self.p, self.nrn, self.nrp, self.linear)

    def current_density(self, y: np.ndarray) -> float:
        return y[self.size - 1]

    def outputs(self, Y: np.ndarray) -> dict[str, np.ndarray]:
        """Voltage and particle surface concentrations along the rows of `Y`."""
        V = np.array([self.voltage(y) for y in Y])
        csn = _surfaces(Y[:, :self.nrn])
        csp = _surfaces(Y[:, self.nrn:-1])
        return {"voltage_V": V, "negative_surface_concentration": csn,
                "positive_surface_concentration": csp}


class P2D(_Model):
    """Pseudo-two-dimensional (Doyle–Fuller–Newman) model.

    State blocks (:func:`solvers.battery._kernels.p2d_offsets`): particle shells at every
    electrode cell [mol/m³], c_e [mol/m³], φ_e [V], φ_s [V] at the electrode cells, the
    interfacial current density j [A/m²] at the electrode cells, and I [A/m²]. c_s and c_e are
    differential, the rest algebraic (an index-1 DAE).
    """

    name = "p2d"

    def __init__(self, params: CellParameters, mesh: Mesh = Mesh(), *,
                 kinetics: str = "butler-volmer") -> None:
        missing = params.missing_for_p2d() if isinstance(params, CellParameters) else ()
        if missing:
            raise ValueError(f"parameter set {params.name!r} lacks what the P2D needs: "
                             f"{', '.join(missing)} (it is an SPM-only set)")
        super().__init__(params, mesh, kinetics)
        m = mesh
        self.dims = (m.x_negative, m.x_separator, m.x_positive, m.r_negative, m.r_positive)
        self.offsets = K.p2d_offsets(*self.dims)
        self.size = self.offsets[-1]
        self.kernels = K.compiled("p2d", self.fns)
        self.residual = self.kernels.residual
        o = self.offsets
        self.algebraic = np.arange(o[3], self.size)
        nx = m.x_negative + m.x_separator + m.x_positive
        ne = m.x_negative + m.x_positive
        self.scale = np.concatenate([
            np.full(m.x_negative * m.r_negative, params.negative_max_concentration),
            np.full(m.x_positive * m.r_positive, params.positive_max_concentration),
            np.full(nx, params.electrolyte_initial_concentration),
            np.ones(nx + ne + ne + 1)])
        L = (params.negative_thickness, params.separator_thickness, params.positive_thickness)
        edges = np.concatenate([np.linspace(0, L[0], m.x_negative + 1),
                                L[0] + np.linspace(0, L[1], m.x_separator + 1)[1:],
                                L[0] + L[1] + np.linspace(0, L[2], m.x_positive + 1)[1:]])
        self.x = 0.5 * (edges[1:] + edges[:-1])

    def args(self, drive: np.ndarray) -> tuple:
        return (self.p, drive, *self.dims, self.linear)

    def residuals(self, t: float, Y: np.ndarray, YP: np.ndarray, drive: np.ndarray, *,
                  backend: str = "numba") -> np.ndarray:
        """Residuals of many states at once: the rows of `Y`, `YP` (R × size), with one
        `drive` ``(mode, a0, a1, t0, per_c)`` for all rows or one per row (R × 5).
        `backend`: ``"numba"`` (the CPU batch kernel, the rows as its members) or ``"cuda"``
        (all rows in two kernel launches, `solvers.battery._cuda`)."""
        Y = np.atleast_2d(np.asarray(Y, dtype=float))
        YP = np.atleast_2d(np.asarray(YP, dtype=float))
        if Y.shape != YP.shape or Y.shape[1] != self.size:
            raise ValueError(f"Y and YP must both be (rows, {self.size}); got {Y.shape} and "
                             f"{YP.shape}")
        D = np.asarray(drive, dtype=float)
        D = np.broadcast_to(D, (len(Y), 5)) if D.shape == (5,) else D
        if D.shape != (len(Y), 5):
            raise ValueError(f"drive must be 5 numbers or ({len(Y)}, 5); got shape {D.shape}")
        if backend == "cuda":
            from ._cuda import p2d_residuals_cuda

            return p2d_residuals_cuda(t, Y, YP, self.p[None], D, np.zeros(len(Y), np.int64),
                                      self.dims, self.linear, self.fns)
        if backend != "numba":
            raise ValueError(f"backend={backend!r}; choose from numba, cuda")
        out = np.empty_like(Y)
        self.kernels.batch_residual(float(t), np.ascontiguousarray(Y).ravel(),
                                    np.ascontiguousarray(YP).ravel(), out.ravel(),
                                    np.repeat(self.p[None], len(Y), axis=0),
                                    np.ascontiguousarray(D), self.size, self.args(D[0])[2:])
        return out

    def initial_state(self, current_density: float) -> np.ndarray:
        """Uniform concentrations, and the potentials and reaction currents of the SPM at
        `current_density` (uniform j, no ohmic drops) as the guess of the algebraic state."""
        q, m, p = self.params, self.mesh, self.p
        cn0, cp0 = q.negative_initial_concentration, q.positive_initial_concentration
        un = float(q.negative_ocp(cn0 / q.negative_max_concentration))
        up = float(q.positive_ocp(cp0 / q.positive_max_concentration))
        jn = current_density * q.negative_radius / (3 * q.negative_active_fraction
                                                    * q.negative_thickness)
        jp = -current_density * q.positive_radius / (3 * q.positive_active_fraction
                                                     * q.positive_thickness)
        f = K.F_ / (K.R_GAS * q.temperature)
        ce0 = q.electrolyte_initial_concentration
        j0n = p[K.M_N] * float(self.fns[4](ce0, cn0, q.negative_max_concentration)) * float(
            K._arrhenius(p, p[K.EA_N]))
        j0p = p[K.M_P] * float(self.fns[5](ce0, cp0, q.positive_max_concentration)) * float(
            K._arrhenius(p, p[K.EA_P]))
        eta_n = float(K._overpotential(jn, j0n, f, self.linear))
        eta_p = float(K._overpotential(jp, j0p, f, self.linear))
        phie = -un - eta_n
        nx = m.x_negative + m.x_separator + m.x_positive
        return np.concatenate([
            np.full(m.x_negative * m.r_negative, cn0),
            np.full(m.x_positive * m.r_positive, cp0),
            np.full(nx, ce0),
            np.full(nx, phie),
            np.zeros(m.x_negative), np.full(m.x_positive, phie + up + eta_p),
            np.full(m.x_negative, jn), np.full(m.x_positive, jp), [current_density]])

    def voltage(self, y: np.ndarray) -> float:
        return K.p2d_voltage(y, self.p, *self.dims)

    def current_density(self, y: np.ndarray) -> float:
        return y[self.size - 1]

    def outputs(self, Y: np.ndarray) -> dict[str, np.ndarray]:
        """Voltage, x-averaged particle surface concentrations and c_e(x) along the rows of `Y`."""
        nxn, nxs, nxp, nrn, nrp = self.dims
        o = self.offsets
        V = np.array([self.voltage(y) for y in Y])
        cn = Y[:, :o[1]].reshape(len(Y), nxn, nrn)
        cp = Y[:, o[1]:o[2]].reshape(len(Y), nxp, nrp)
        sn, spp = _surfaces(cn), _surfaces(cp)
        return {"voltage_V": V, "negative_surface_concentration": sn.mean(axis=1),
                "positive_surface_concentration": spp.mean(axis=1),
                "electrolyte_concentration": Y[:, o[2]:o[3]],
                "negative_surface_concentration_x": sn, "positive_surface_concentration_x": spp}


def spm_voltage_from_surface(params: CellParameters, negative_surface: np.ndarray,
                             positive_surface: np.ndarray, current_density,
                             *, kinetics: str = "butler-volmer",
                             negative_exchange_scale=1.0) -> np.ndarray:
    """SPM terminal voltage [V] from particle surface concentrations [mol/m³] (vectorised):
    ``U_p − U_n`` plus both kinetic overpotentials at the current density [A/m²], with the
    exchange currents of `params`, the negative one times `negative_exchange_scale` (an array
    broadcast with the concentrations; the algebraic part of the SPM, shared by surrogates)."""
    if kinetics not in KINETICS:
        raise ValueError(f"kinetics={kinetics!r}; choose from {', '.join(KINETICS)}")
    q, p = params, K.pack(params)
    csn = np.asarray(negative_surface, dtype=float)
    csp = np.asarray(positive_surface, dtype=float)
    cur = np.asarray(current_density, dtype=float)
    f = K.F_ / (K.R_GAS * q.temperature)
    jn = cur * q.negative_radius / (3 * q.negative_active_fraction * q.negative_thickness)
    jp = -cur * q.positive_radius / (3 * q.positive_active_fraction * q.positive_thickness)
    j0n = np.asarray(negative_exchange_scale, dtype=float) * q.negative_exchange_current * \
        q.negative_exchange_current_function(
        q.electrolyte_initial_concentration, csn, q.negative_max_concentration) * float(
        K._arrhenius(p, p[K.EA_N]))
    j0p = q.positive_exchange_current * q.positive_exchange_current_function(
        q.electrolyte_initial_concentration, csp, q.positive_max_concentration) * float(
        K._arrhenius(p, p[K.EA_P]))
    if kinetics == "linear":
        eta_n, eta_p = jn / (f * j0n), jp / (f * j0p)
    else:
        eta_n, eta_p = 2 / f * np.arcsinh(0.5 * jn / j0n), 2 / f * np.arcsinh(0.5 * jp / j0p)
    return (q.positive_ocp(csp / q.positive_max_concentration) + eta_p
            - q.negative_ocp(csn / q.negative_max_concentration) - eta_n)
