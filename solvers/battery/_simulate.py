"""Drive cycles on the SPM and P2D models, integrated with SUNDIALS IDA (variable-order BDF).

An experiment is a sequence of steps: constant current (:class:`CC`), constant-voltage hold
(:class:`CV`), :class:`Rest`, and a piecewise-linear current :class:`Profile`. Each step restarts
IDA from the state the previous one ended in, with consistent algebraic variables (the current
may jump between steps). The cell's voltage window ends the whole experiment.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sksundae.ida import IDA

from . import _kernels as K
from ._model import P2D, SPM
from ._params import CellParameters


class BatterySolverError(RuntimeError):
    """IDA could not integrate a step (reported with the step and the time reached)."""


def _positive(name, value, *, allow_zero=False):
    ok = isinstance(value, (int, float)) and math.isfinite(value) and (
        value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">=" if allow_zero else ">"
        raise ValueError(f"{name}={value!r} must be a finite number {bound} 0")


@dataclass(frozen=True)
class CC:
    """Constant current for `duration` seconds or until the voltage reaches `until_voltage`.

    Give `c_rate` (multiples of the nominal capacity per hour) or `current` [A]; positive
    discharges. A discharge ends at the lower cut-off, a charge at the upper one, at the latest.
    """

    c_rate: float | None = None
    duration: float = math.inf
    until_voltage: float | None = None
    current: float | None = None

    def __post_init__(self):
        if (self.c_rate is None) == (self.current is None):
            raise ValueError("CC needs exactly one of c_rate or current")
        v = self.c_rate if self.c_rate is not None else self.current
        if not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise ValueError(f"CC current/c_rate={v!r} must be a finite number")
        _positive("duration", self.duration if math.isfinite(self.duration) else 1.0)


@dataclass(frozen=True)
class CV:
    """Hold the voltage at `voltage` [V] for `duration` s or until |I| < `until_current` [A]."""

    voltage: float
    duration: float = math.inf
    until_current: float | None = None

    def __post_init__(self):
        if not (isinstance(self.voltage, (int, float)) and math.isfinite(self.voltage)):
            raise ValueError(f"CV voltage={self.voltage!r} must be a finite number")
        if not math.isfinite(self.duration) and self.until_current is None:
            raise ValueError("CV needs a finite duration or an until_current")
        if self.until_current is not None:
            _positive("until_current", self.until_current)


@dataclass(frozen=True)
class Rest:
    """Zero current for `duration` seconds."""

    duration: float

    def __post_init__(self):
        _positive("duration", self.duration)


@dataclass(frozen=True)
class Profile:
    """Current [A] interpolated linearly between samples ``(time_s[i], current_A[i])``.

    Times are relative to the start of the step, increasing, starting at 0; positive discharges.
    """

    time_s: np.ndarray
    current_A: np.ndarray

    def __post_init__(self):
        t = np.asarray(self.time_s, dtype=float)
        c = np.asarray(self.current_A, dtype=float)
        if t.ndim != 1 or t.shape != c.shape or t.size < 2:
            raise ValueError("Profile time_s and current_A must be 1D arrays of equal length >= 2")
        if t[0] != 0 or np.any(np.diff(t) <= 0) or not np.all(np.isfinite(c)):
            raise ValueError("Profile time_s must start at 0 and increase strictly; "
                             "current_A must be finite")
        object.__setattr__(self, "time_s", t)
        object.__setattr__(self, "current_A", c)


Step = CC | CV | Rest | Profile


@dataclass(frozen=True)
class BatteryRun:
    """Result of :func:`simulate`, sampled at IDA's internal steps.

    - `time_s`, `voltage_V`, `current_A` (positive on discharge), `capacity_Ah` (discharged
      charge since t = 0);
    - `negative_surface_concentration`, `positive_surface_concentration` [mol/m³]: x-averaged
      particle surface concentrations;
    - `electrolyte_concentration` [mol/m³] on (time, `x_m`) for the P2D, None for the SPM;
    - `states`: the raw IDA states (None from :func:`simulate_batch` unless asked for);
      `step_index`: which experiment step each sample belongs to;
    - `termination`: why it ended (``"completed"``, ``"lower cut-off"``, ``"upper cut-off"``);
    - `solver_steps` (IDA's steps; 0 for a run sampled at `t_eval`), `residual_evaluations`,
      `jacobian_evaluations`, `seconds` (wall time).
    """

    model: str
    time_s: np.ndarray
    voltage_V: np.ndarray
    current_A: np.ndarray
    capacity_Ah: np.ndarray
    negative_surface_concentration: np.ndarray
    positive_surface_concentration: np.ndarray
    electrolyte_concentration: np.ndarray | None
    x_m: np.ndarray | None
    states: np.ndarray | None = field(repr=False)
    step_index: np.ndarray = field(repr=False)
    termination: str
    solver_steps: int
    residual_evaluations: int
    jacobian_evaluations: int
    seconds: float

    @property
    def final_voltage_V(self) -> float:
        return float(self.voltage_V[-1])

    @property
    def discharged_capacity_Ah(self) -> float:
        return float(self.capacity_Ah[-1])

    def to_xarray(self):
        """The run as an ``xarray.Dataset`` on coordinate ``time_s`` (and ``x_m`` for c_e)."""
        import xarray as xr

        t = ("time_s", self.time_s, {"units": "s", "long_name": "time"})
        data = {
            "voltage_V": ("time_s", self.voltage_V, {"units": "V", "long_name": "voltage"}),
            "current_A": ("time_s", self.current_A,
                          {"units": "A", "long_name": "current (discharge > 0)"}),
            "capacity_Ah": ("time_s", self.capacity_Ah,
                            {"units": "A h", "long_name": "discharged capacity"}),
            "negative_surface_concentration_mol_m3": (
                "time_s", self.negative_surface_concentration,
                {"units": "mol/m^3", "long_name": "negative particle surface concentration"}),
            "positive_surface_concentration_mol_m3": (
                "time_s", self.positive_surface_concentration,
                {"units": "mol/m^3", "long_name": "positive particle surface concentration"}),
            "step_index": ("time_s", self.step_index, {"long_name": "experiment step"}),
        }
        coords = {"time_s": t}
        if self.electrolyte_concentration is not None:
            coords["x_m"] = ("x_m", self.x_m, {"units": "m", "long_name": "through-cell x"})
            data["electrolyte_concentration_mol_m3"] = (
                ("time_s", "x_m"), self.electrolyte_concentration,
                {"units": "mol/m^3", "long_name": "electrolyte concentration"})
        return xr.Dataset(data, coords=coords, attrs={
            "model": self.model, "termination": self.termination,
            "solver_steps": self.solver_steps})


def _segments(step):
    """``(duration, mode, a0, a1, per_c, until)`` pieces of a step: mode 0 a current
    ``a0 + a1 (t − t0)`` in amperes (C-rates if `per_c`), mode 1 a voltage a0. `until` is the
    end condition ``(kind, value)``: 0 none, 1 voltage falling to, 2 rising to, 3 |I| [A]."""
    if isinstance(step, CC):
        per_c = step.c_rate is not None
        i = step.c_rate if per_c else step.current
        until = (0, 0.0) if step.until_voltage is None else (1 if i > 0 else 2, step.until_voltage)
        return [(step.duration, 0.0, i, 0.0, float(per_c), until)]
    if isinstance(step, Rest):
        return [(step.duration, 0.0, 0.0, 0.0, 0.0, (0, 0.0))]
    if isinstance(step, CV):
        until = (0, 0.0) if step.until_current is None else (3, step.until_current)
        return [(step.duration, 1.0, step.voltage, 0.0, 0.0, until)]
    t, c = step.time_s, step.current_A
    return [(t[k + 1] - t[k], 0.0, c[k], (c[k + 1] - c[k]) / (t[k + 1] - t[k]), 0.0, (0, 0.0))
            for k in range(t.size - 1)]


def _density(segment, q):
    """Current density [A/m²] of a current segment at its start."""
    _, mode, a0, _, per_c, _ = segment
    if mode != 0.0:
        return 0.0
    return a0 * (q.nominal_capacity if per_c else 1.0) / q.electrode_area


class _System:
    """A stack of IDA blocks sharing one mesh: N members with their own parameters and drives,
    or one member and its parameter sensitivities (``sens``: indices into the packed vector).

    The Jacobian is block diagonal (for sensitivities the coupling blocks ∂(F_y s)/∂y are
    dropped, as in IDAS's simultaneous corrector), filled by the model's coloured differences.
    """

    SENS_STEP = 1e-30

    def __init__(self, model, members, rtol, atol, sens=None):
        self.model = model
        self.members = list(members)
        n = model.size
        P = np.stack([K.pack(q) for q in self.members])
        self.n, self.N = n, P.shape[0]
        self.P = P
        self.D = np.zeros((self.N, 5))
        self.dims = model.args(np.zeros(5))[2:]
        kern = model.kernels
        if sens is None:
            blocks = self.N
            self.res, self.jac = kern.batch_residual, kern.batch_jacobian
            self.args = (self.P, self.D, n, self.dims)
        else:
            blocks = 1 + len(sens)
            self.idx = np.asarray(sens, dtype=np.int64)
            self.res = kern.sens_residual
            self.args = (self.P, self.D, n, self.dims, self.idx, self.SENS_STEP)
            # every block's diagonal is the model's Jacobian: colour the model alone (the
            # sensitivity rows also depend on y, which would spoil a stacked colouring)
            self.jac = None
            self.args1 = (self.P[0], self.D[0], *self.dims)
        self.blocks = blocks
        pat = model.pattern
        self.pattern = sp.block_diag([pat] * blocks, format="csc")
        self.pattern.sort_indices()
        self.indptr = self.pattern.indptr.astype(np.int64)
        self.rows = self.pattern.indices.astype(np.int64)
        col_ptr, col_ix = model.colors
        # colour c of the stack: colour c of every block
        self.col_ptr = col_ptr * blocks
        self.col_ix = np.concatenate([
            (col_ix[col_ptr[c]:col_ptr[c + 1]][None, :] + n * np.arange(blocks)[:, None]).ravel()
            for c in range(col_ptr.size - 1)]).astype(np.int64)
        self.scale = np.tile(model.scale, blocks)
        self.algebraic = np.concatenate([model.algebraic + b * n for b in range(blocks)])
        self.rtol, self.atol = rtol, atol * self.scale
        self.work = np.empty(n * blocks)
        self.vout = np.empty(self.N)
        self.limits = np.array([[q.lower_cutoff, q.upper_cutoff] for q in self.members])
        self.active = np.ones(self.N, dtype=bool)
        self.until = (0, 0.0)  # (kind, value): 0 none, 1 voltage falling, 2 rising, 3 |I|

    def voltages(self, y):
        if self.blocks == self.N:
            self.model.kernels.batch_voltage(y, self.P, self.n, self.dims, self.vout)
        else:
            self.vout[0] = self.model.voltage(y[:self.n])
        return self.vout

    def currents(self, y):
        return y[self.n - 1::self.n][:self.N]

    def resfn(self, t, y, yp, res):
        self.res(t, y, yp, res, *self.args)

    def jacfn(self, t, y, yp, res, cj, jj):
        if self.jac is None:  # sensitivities: J on every diagonal block
            model, n = self.model, self.n
            nnz = model.pattern.nnz
            jj1 = self.work[:nnz] if nnz <= self.work.size - n else np.empty(nnz)
            col_ptr, col_ix = model.colors
            model.kernels.jacobian(self.args1, t, y[:n], yp[:n], res[:n], cj, jj1,
                                   model.scale, col_ptr, col_ix, self.indptr[:n + 1],
                                   self.rows[:nnz], self.work[-n:])
            jj[:] = np.tile(jj1, self.blocks)
            return
        self.jac(self.args, t, y, yp, res, cj, jj, self.scale, self.col_ptr, self.col_ix,
                 self.indptr, self.rows, self.work)

    def eventsfn(self):
        """Per member: lower and upper cut-off; then the step's own end condition."""
        N, limits, active = self.N, self.limits, self.active
        area = self.members[0].electrode_area

        def eventsfn(t, y, yp, events):
            v = self.voltages(y)
            cur = self.currents(y)
            for m in range(N):
                if not active[m]:
                    events[2 * m], events[2 * m + 1] = 1.0, -1.0
                    continue
                vm = v[m]
                if not vm == vm:  # a particle ran empty or full past the last step
                    vm = limits[m, 0] - 1.0 if cur[m] > 0 else limits[m, 1] + 1.0
                events[2 * m] = vm - limits[m, 0]
                events[2 * m + 1] = vm - limits[m, 1]
            kind, value = self.until
            if kind == 3:
                events[2 * N] = abs(cur[0]) * area - value
            elif kind:
                events[2 * N] = v[0] - value
            else:
                events[2 * N] = 1.0

        eventsfn.terminal = [True] * (2 * N + 1)
        eventsfn.direction = [-1, 1] * N + [0]
        return eventsfn

    def solver(self):
        with warnings.catch_warnings():  # "custom sparse Jacobian ignored": ours is given
            warnings.simplefilter("ignore", UserWarning)
            return IDA(self.resfn, jacfn=self.jacfn, algebraic_idx=self.algebraic,
                       calc_initcond="yp0", calc_init_dt=1e-3, linsolver="sparse",
                       sparsity=self.pattern, rtol=self.rtol, atol=self.atol,
                       eventsfn=self.eventsfn(), num_events=2 * self.N + 1,
                       max_num_steps=100_000)


def _check_run_args(rtol, atol, t_eval):
    _positive("rtol", rtol)
    _positive("atol", atol)
    if t_eval is not None:
        t_eval = np.asarray(t_eval, dtype=float)
        if t_eval.ndim != 1 or np.any(np.diff(t_eval) <= 0):
            raise ValueError("t_eval must be a 1D array of increasing times")
    return t_eval


def _run(system, experiment, y, t_eval):
    """Integrate the stacked `system` through `experiment` from state `y`.

    Returns ``(t, Y, step_index, end, reasons, counters)``: samples, the end index of each
    member's samples, why each member stopped, and (steps, nfev, njev).
    """
    N = system.N
    yp = np.zeros_like(y)
    t0 = 0.0
    T, Y, S = [], [], []
    end = np.full(N, -1)
    reasons = ["completed"] * N
    steps = nfev = njev = count = 0
    for k, step in enumerate(experiment):
        segs = _segments(step)
        for duration, mode, a0, a1, per_c, until in segs:
            t_stop = t0 + duration if math.isfinite(duration) else t0 + 1e7
            system.until = until if N == 1 else (0, 0.0)
            seg_start = t0  # reference time of a current ramp, kept across restarts
            while True:
                for m in range(N):
                    if system.active[m]:
                        system.D[m] = (mode, a0, a1, seg_start, per_c)
                    else:  # stopped at its cut-off: rests until the others are done
                        system.D[m] = (0.0, 0.0, 0.0, t0, 0.0)
                tspan = np.array([t0, t_stop])
                if t_eval is not None:
                    inner = t_eval[(t_eval > t0) & (t_eval < t_stop)]
                    tspan = np.concatenate([[t0], inner, [t_stop]])
                sol = system.solver().solve(tspan, y, yp)
                if not sol.success:
                    raise BatterySolverError(
                        f"IDA failed in step {k} ({type(step).__name__}) at t = "
                        f"{sol.t[-1]:.6g} s: {sol.message}")
                steps += sol.t.size - 1 if t_eval is None else 0
                nfev += sol.nfev
                njev += sol.njev
                T.append(sol.t)
                Y.append(sol.y)
                S.append(np.full(sol.t.size, k))
                count += sol.t.size
                y, yp, t0 = sol.y[-1].copy(), sol.yp[-1].copy(), float(sol.t[-1])
                if sol.i_events is None or t0 >= t_stop:
                    break
                hit = np.flatnonzero(sol.i_events[-1])
                if np.any(hit == 2 * N):  # the step's own end condition
                    break
                for e in hit:
                    m = e // 2
                    if system.active[m]:
                        system.active[m] = False
                        end[m] = count - 1
                        reasons[m] = "lower cut-off" if e % 2 == 0 else "upper cut-off"
                if not system.active.any():
                    break
            if not system.active.any():
                break
        if not system.active.any():
            break
    end[end < 0] = count - 1
    return (np.concatenate(T), np.concatenate(Y), np.concatenate(S), end, reasons,
            (steps, nfev, njev))


def _result(model, q, t, Y, S, reason, counters, seconds, x_m) -> BatteryRun:
    out = model.outputs(Y)
    current = Y[:, model.size - 1] * q.electrode_area
    cap = np.concatenate([[0.0], np.cumsum(0.5 * (current[1:] + current[:-1]) * np.diff(t))])
    return BatteryRun(
        model=model.name, time_s=t, voltage_V=out["voltage_V"], current_A=current,
        capacity_Ah=cap / 3600.0,
        negative_surface_concentration=out["negative_surface_concentration"],
        positive_surface_concentration=out["positive_surface_concentration"],
        electrolyte_concentration=out.get("electrolyte_concentration"),
        x_m=x_m, states=Y, step_index=S, termination=reason,
        solver_steps=counters[0], residual_evaluations=counters[1],
        jacobian_evaluations=counters[2], seconds=seconds)


def _prepare(model, experiment):
    if not isinstance(model, (SPM, P2D)):
        raise TypeError(f"model must be an SPM or P2D, not {type(model).__name__}")
    if isinstance(experiment, (CC, CV, Rest, Profile)):
        experiment = [experiment]
    if len(experiment) == 0:
        raise ValueError("experiment has no steps")
    return list(experiment)


def _initial(model, q, experiment):
    check_reachable(q)
    first = _segments(experiment[0])[0]
    member = model.with_params(q)
    v_oc = member.voltage(member.initial_state(0.0))
    if not q.lower_cutoff < v_oc < q.upper_cutoff:
        raise ValueError(f"the initial open-circuit voltage {v_oc:.4f} V is outside the window "
                         f"[lower_cutoff={q.lower_cutoff}, upper_cutoff={q.upper_cutoff}] V")
    return member.initial_state(_density(first, q))


def simulate(model: SPM | P2D, experiment: Sequence[Step], *, rtol: float = 1e-6,
             atol: float = 1e-6, t_eval: np.ndarray | None = None) -> BatteryRun:
    """Run `experiment` (a sequence of steps) on `model` from its initial state.

    `rtol` is IDA's relative tolerance; `atol` is scaled per variable (by c_max, c_e0, 1 V,
    1 A/m²). The result holds IDA's internal steps, or with `t_eval` [s] the states at those
    times (IDA's own interpolant) plus the end of every step. Raises
    :class:`BatterySolverError` if IDA fails.
    """
    experiment = _prepare(model, experiment)
    t_eval = _check_run_args(rtol, atol, t_eval)
    start = time.perf_counter()
    y = _initial(model, model.params, experiment)
    system = _System(model, [model.params], rtol, atol)
    t, Y, S, _, reasons, counters = _run(system, experiment, y, t_eval)
    return _result(model, model.params, t, Y, S, reasons[0], counters,
                   time.perf_counter() - start, getattr(model, "x", None))


def simulate_batch(model: SPM | P2D, params: Sequence[CellParameters],
                   experiment: Sequence[Step], *, rtol: float = 1e-6, atol: float = 1e-6,
                   t_eval: np.ndarray | None = None, method: str = "parallel",
                   workers: int | None = None, keep_states: bool = False) -> list[BatteryRun]:
    """Run one experiment on many parameter sets; returns one :class:`BatteryRun` per set.

    `model` gives the model, mesh and kinetics; `params` the sets (same material functions,
    any scalars). Each run stops at its own cut-off.

    - ``method="parallel"``: the sets are split over `workers` processes (default: the CPUs
      this process may use), each solving its share one by one; the worker processes persist
      across calls, so the first call pays their start-up and compilation. With one worker,
      the sets are solved in this process.
    - ``method="stacked"``: one IDA integrates all sets as one block-diagonal DAE, so one
      Python call per residual serves every set (pays off where that call dominates, as in
      the SPM); a set that reaches its cut-off rests until the others do. Steps must then be
      current-driven (CC without `until_voltage`, Rest, Profile).

    Runs keep their raw `states` only with `keep_states` (they are large). A failing set
    raises :class:`BatterySolverError` naming it.
    """
    experiment = _prepare(model, experiment)
    t_eval = _check_run_args(rtol, atol, t_eval)
    params = list(params)
    if not params:
        raise ValueError("params is empty")
    if method not in ("parallel", "stacked"):
        raise ValueError(f"method={method!r}; choose from parallel, stacked")
    fns = model.fns
    for i, q in enumerate(params):
        if not isinstance(q, CellParameters):
            raise TypeError(f"params[{i}] is not a CellParameters")
        if K.functions(q) != fns:
            raise ValueError(f"params[{i}] has other material functions than the model's; a "
                             "batch may differ only in scalar parameters")
    kw = {"rtol": rtol, "atol": atol, "t_eval": t_eval}
    if method == "stacked":
        runs = _stacked(model, params, experiment, **kw)
    else:
        runs = _parallel(model, params, experiment, kw, workers)
    if not keep_states:
        runs = [dataclasses.replace(r, states=None) for r in runs]
    return runs


def _stacked(model, params, experiment, rtol, atol, t_eval):
    for step in experiment:
        if isinstance(step, CV) or (isinstance(step, CC) and step.until_voltage is not None):
            raise ValueError("method='stacked' supports current-driven steps (CC without "
                             "until_voltage, Rest, Profile); use method='parallel' for CV")
    start = time.perf_counter()
    y = np.concatenate([_initial(model, q, experiment) for q in params])
    system = _System(model, params, rtol, atol)
    t, Y, S, end, reasons, counters = _run(system, experiment, y, t_eval)
    seconds = time.perf_counter() - start
    n = model.size
    runs = []
    for m, q in enumerate(params):
        sl = slice(0, end[m] + 1)
        runs.append(_result(model.with_params(q), q, t[sl], Y[sl, m * n:(m + 1) * n], S[sl],
                            reasons[m], counters, seconds / len(params),
                            getattr(model, "x", None)))
    return runs


def _solve_chunk(kind, mesh, kinetics, params, indices, experiment, kw):
    """Worker: solve the sets `indices` of `params` one by one (runs without states)."""
    model = (SPM if kind == "spm" else P2D)(params[indices[0]], mesh, kinetics=kinetics)
    out = []
    for i in indices:
        try:
            run = simulate(model.with_params(params[i]), experiment, **kw)
        except Exception as exc:  # reported with the set's index by the parent
            out.append((i, None, f"{type(exc).__name__}: {exc}"))
            continue
        out.append((i, dataclasses.replace(run, states=None), None))
    return out


_POOL: dict = {}
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMBA_NUM_THREADS")


def _warm(kind, mesh, kinetics, params):
    """Worker initialiser: build the model's Jacobian structure and compile its kernels."""
    model = (SPM if kind == "spm" else P2D)(params, mesh, kinetics=kinetics)
    simulate(model, [CC(c_rate=1.0, duration=1.0)])


def _pool(workers: int, spec: tuple) -> ProcessPoolExecutor:
    """A persistent pool of `workers` spawned processes (IDA's sparse solver does not survive
    a fork), each warmed up for the model `spec` = (kind, mesh, kinetics, params) when it
    starts, and kept across calls with the same model and mesh."""
    key = (workers, spec[:3], K.functions(spec[3]))
    pool = _POOL.get(key)
    if pool is None:
        for old in _POOL.values():
            old.shutdown(wait=False, cancel_futures=True)
        _POOL.clear()
        # one thread per worker: the workers are the parallelism
        saved = {v: os.environ.get(v) for v in _THREAD_VARS}
        os.environ.update({v: "1" for v in _THREAD_VARS})
        try:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_warm, initargs=spec)
            # start them now, while the environment says one thread
            list(pool.map(abs, range(workers)))
        finally:
            for v, val in saved.items():
                if val is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = val
        _POOL[key] = pool
    return pool


def _parallel(model, params, experiment, kw, workers):
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    if not (isinstance(workers, int) and workers >= 1):
        raise ValueError(f"workers={workers!r} must be an integer >= 1")
    workers = min(workers, len(params))
    chunks = [list(range(len(params)))[w::workers] for w in range(workers)]
    args = (model.name, model.mesh, model.kinetics, params)
    if workers == 1:
        results = _solve_chunk(*args, chunks[0], experiment, kw)
    else:
        pool = _pool(workers, (model.name, model.mesh, model.kinetics, params[0]))
        futures = [pool.submit(_solve_chunk, *args, c, experiment, kw) for c in chunks]
        results = [r for f in futures for r in f.result()]
    runs = [None] * len(params)
    for i, run, err in results:
        if err is not None:
            raise BatterySolverError(f"parameter set {i} failed: {err}")
        runs[i] = run
    return runs


@dataclass(frozen=True)
class Sensitivities:
    """Voltage sensitivities of a run: ``dV_dtheta[i, k]`` = ∂V(t_i)/∂θ_k [V per unit of θ_k]
    and ``dV_dlog[i, k]`` = θ_k ∂V/∂θ_k [V], for the parameters `names`."""

    run: BatteryRun
    names: tuple[str, ...]
    values: np.ndarray
    dV_dlog: np.ndarray

    @property
    def dV_dtheta(self) -> np.ndarray:
        return self.dV_dlog / self.values


def sensitivities(model: SPM | P2D, experiment: Sequence[Step], names: Sequence[str], *,
                  rtol: float = 1e-6, atol: float = 1e-6,
                  t_eval: np.ndarray | None = None) -> Sensitivities:
    """Forward sensitivities of the voltage to the named scalar parameters.

    Integrates the sensitivity DAE ``F_y s + F_y' s' + θ_k ∂F/∂θ_k = 0`` for s = ∂y/∂ln θ_k
    together with the model (IDA, error control on both), with the directional derivatives
    by complex step through the same numba residual (exact to round-off, no step to tune).
    Initial values: ∂y0/∂ln θ for the initial concentrations, zero otherwise; the algebraic
    parts are made consistent by IDA. Names are :meth:`CellParameters.scalar_names`.
    """
    experiment = _prepare(model, experiment)
    t_eval = _check_run_args(rtol, atol, t_eval)
    names = tuple(names)
    if not names:
        raise ValueError("names is empty")
    for nm in names:
        if nm not in K.SCALARS:
            raise ValueError(f"unknown parameter {nm!r}; choose from {', '.join(K.SCALARS)}")
        if getattr(model.params, nm) is None or getattr(model.params, nm) == 0:
            raise ValueError(f"parameter {nm!r} is zero or undefined; no log-sensitivity")
    start = time.perf_counter()
    q = model.params
    y = _initial(model, q, experiment)
    s0 = []
    for nm in names:
        h = 1e-6
        yq = _initial(model, q.replace(**{nm: getattr(q, nm) * (1 + h)}), experiment)
        s0.append((yq - y) / h)
    idx = [K.SCALARS.index(nm) for nm in names]
    system = _System(model, [q], rtol, atol, sens=idx)
    t, Y, S, _, reasons, counters = _run(system, experiment, np.concatenate([y, *s0]), t_eval)
    n = model.size
    out = np.empty(1 + len(names))
    dv = np.empty((t.size, len(names)))
    for i in range(t.size):
        model.kernels.sens_voltage(Y[i], model.p[None, :], n, system.dims, system.idx,
                                   _System.SENS_STEP, out)
        dv[i] = out[1:]
    run = _result(model, q, t, Y[:, :n], S, reasons[0], counters, time.perf_counter() - start,
                  getattr(model, "x", None))
    values = np.array([getattr(q, nm) for nm in names])
    return Sensitivities(run=run, names=names, values=values, dV_dlog=dv)


def discharge(model: SPM | P2D, c_rate: float = 1.0, *, t_end: float | None = None,
              rtol: float = 1e-6, atol: float = 1e-6,
              t_eval: np.ndarray | None = None) -> BatteryRun:
    """Constant-current discharge at `c_rate` (> 0) until the lower cut-off or `t_end` [s]."""
    if not (isinstance(c_rate, (int, float)) and math.isfinite(c_rate) and 0 < c_rate <= 20):
        raise ValueError(f"c_rate={c_rate!r} is outside the valid range (0, 20] for a discharge")
    if t_end is not None:
        _positive("t_end", t_end)
    duration = t_end if t_end is not None else 1.5 * 3600.0 / c_rate
    return simulate(model, [CC(c_rate=c_rate, duration=duration)], rtol=rtol, atol=atol,
                    t_eval=t_eval)


def open_circuit_window(params) -> tuple[float, float]:
    """Lowest and highest open-circuit voltage the cell's lithium inventory allows [V].

    Lithium moves between the electrodes at constant total ε_s L c_max θ; the extremes are where
    either stoichiometry reaches 0 or 1.
    """
    q = params
    cap_n = q.negative_active_fraction * q.negative_thickness * q.negative_max_concentration
    cap_p = q.positive_active_fraction * q.positive_thickness * q.positive_max_concentration
    total = (cap_n * q.negative_initial_concentration / q.negative_max_concentration
             + cap_p * q.positive_initial_concentration / q.positive_max_concentration)

    def ocv(theta_n):
        theta_p = (total - cap_n * theta_n) / cap_p
        return float(q.positive_ocp(theta_p) - q.negative_ocp(theta_n))

    lo_n = max(0.0, (total - cap_p) / cap_n)  # fully delithiated negative or full positive
    hi_n = min(1.0, total / cap_n)
    eps = 1e-4
    return ocv(lo_n + eps), ocv(hi_n - eps)


def check_reachable(params) -> None:
    """Raise ``ValueError`` if a voltage cut-off lies outside what the cell can ever reach."""
    lo, hi = open_circuit_window(params)
    if params.lower_cutoff <= lo:
        raise ValueError(f"lower_cutoff={params.lower_cutoff} V can never be reached: the cell's "
                         f"lithium inventory keeps the open-circuit voltage above {lo:.3f} V; "
                         f"valid range ({lo:.3f}, upper_cutoff)")
    if params.upper_cutoff >= hi:
        raise ValueError(f"upper_cutoff={params.upper_cutoff} V can never be reached: the "
                         f"open-circuit voltage stays below {hi:.3f} V; valid range "
                         f"(lower_cutoff, {hi:.3f})")
