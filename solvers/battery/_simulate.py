"""Drive cycles on the SPM and P2D models, integrated with SUNDIALS IDA (variable-order BDF).

An experiment is a sequence of steps: constant current (:class:`CC`), constant-voltage hold
(:class:`CV`), :class:`Rest`, and a piecewise-linear current :class:`Profile`. Each step restarts
IDA from the state the previous one ended in, with consistent algebraic variables (the current
may jump between steps). The cell's voltage window ends the whole experiment.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sksundae.ida import IDA

from ._model import P2D, SPM


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
    - `states`: the raw IDA states; `step_index`: which experiment step each sample belongs to;
    - `termination`: why it ended (``"completed"``, ``"lower cut-off"``, ``"upper cut-off"``);
    - `solver_steps`, `residual_evaluations`, `jacobian_evaluations`, `seconds` (wall time).
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
    states: np.ndarray = field(repr=False)
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


class _Problem:
    """IDA callbacks of one model under one drive (the drive array is updated in place)."""

    def __init__(self, model, rtol, atol):
        self.model = model
        self.drive = np.zeros(4)
        self.args = model.args(self.drive)
        self.res = model.residual
        self.jac = model.kernels.jacobian
        self.work = np.empty(model.size)
        pat = model.pattern
        self.indptr, self.rows = pat.indptr.astype(np.int64), pat.indices.astype(np.int64)
        self.col_ptr, self.col_ix = model.colors
        self.scale = model.scale
        self.rtol, self.atol = rtol, atol * model.scale
        self.limits = (model.params.lower_cutoff, model.params.upper_cutoff)
        self.until = (0, 0.0)  # (kind, value): 0 none, 1 voltage falling, 2 voltage rising, 3 |I|

    def resfn(self, t, y, yp, res):
        self.res(t, y, yp, res, *self.args)

    def jacfn(self, t, y, yp, res, cj, jj):
        self.jac(self.args, t, y, yp, res, cj, jj, self.scale, self.col_ptr, self.col_ix,
                 self.indptr, self.rows, self.work)

    def events(self):
        """Events: lower and upper cut-off, and the step's own end condition."""
        model, limits = self.model, self.limits

        def eventsfn(t, y, yp, events):
            v = model.voltage(y)
            if not v == v:  # a particle ran empty or full past the last step: a cut-off
                v = limits[0] - 1.0 if model.current_density(y) > 0 else limits[1] + 1.0
            events[0] = v - limits[0]
            events[1] = v - limits[1]
            kind, value = self.until
            if kind == 3:
                events[2] = abs(model.current_density(y)) - value
            elif kind:
                events[2] = v - value
            else:
                events[2] = 1.0

        eventsfn.terminal = [True, True, True]
        eventsfn.direction = [-1, 1, 0]
        return eventsfn

    def solver(self):
        with warnings.catch_warnings():  # "custom sparse Jacobian ignored": ours is given
            warnings.simplefilter("ignore", UserWarning)
            return IDA(self.resfn, jacfn=self.jacfn, algebraic_idx=self.model.algebraic,
                       calc_initcond="yp0", calc_init_dt=1e-3, linsolver="sparse",
                       sparsity=self.model.pattern, rtol=self.rtol, atol=self.atol,
                       eventsfn=self.events(), num_events=3, max_num_steps=100_000)


def _segments(step, one_c, area):
    """(duration, mode, a0, a1, until) pieces of a step; currents as densities [A/m²]."""
    if isinstance(step, CC):
        i = (step.c_rate * one_c) if step.c_rate is not None else step.current / area
        until = (0, 0.0) if step.until_voltage is None else (1 if i > 0 else 2, step.until_voltage)
        return [(step.duration, 0.0, i, 0.0, until)]
    if isinstance(step, Rest):
        return [(step.duration, 0.0, 0.0, 0.0, (0, 0.0))]
    if isinstance(step, CV):
        until = (0, 0.0) if step.until_current is None else (3, step.until_current / area)
        return [(step.duration, 1.0, step.voltage, 0.0, until)]
    t, c = step.time_s, step.current_A / area
    return [(t[k + 1] - t[k], 0.0, c[k], (c[k + 1] - c[k]) / (t[k + 1] - t[k]), (0, 0.0))
            for k in range(t.size - 1)]


def simulate(model: SPM | P2D, experiment: Sequence[Step], *, rtol: float = 1e-6,
             atol: float = 1e-6, t_eval: np.ndarray | None = None) -> BatteryRun:
    """Run `experiment` (a sequence of steps) on `model` from its initial state.

    `rtol` is IDA's relative tolerance; `atol` is scaled per variable (by c_max, c_e0, 1 V,
    1 A/m²). The result holds IDA's internal steps, or with `t_eval` [s] the states at those
    times (IDA's own interpolant) plus the end of every step. Raises
    :class:`BatterySolverError` if IDA fails.
    """
    if not isinstance(model, (SPM, P2D)):
        raise TypeError(f"model must be an SPM or P2D, not {type(model).__name__}")
    if isinstance(experiment, (CC, CV, Rest, Profile)):
        experiment = [experiment]
    if len(experiment) == 0:
        raise ValueError("experiment has no steps")
    _positive("rtol", rtol)
    _positive("atol", atol)
    if t_eval is not None:
        t_eval = np.asarray(t_eval, dtype=float)
        if t_eval.ndim != 1 or np.any(np.diff(t_eval) <= 0):
            raise ValueError("t_eval must be a 1D array of increasing times")
    q = model.params
    check_reachable(q)
    start = time.perf_counter()
    prob = _Problem(model, rtol, atol)
    one_c = q.one_c_current_density
    first = _segments(experiment[0], one_c, q.electrode_area)[0]
    y = model.initial_state(first[2] if first[1] == 0.0 else 0.0)
    yp = np.zeros_like(y)
    v0 = model.voltage(y)
    if not q.lower_cutoff < v0 < q.upper_cutoff:
        raise ValueError(f"the initial open-circuit voltage {v0:.4f} V is outside the window "
                         f"[lower_cutoff={q.lower_cutoff}, upper_cutoff={q.upper_cutoff}] V")
    t0 = 0.0
    T, Y, S = [], [], []
    steps = nfev = njev = 0
    termination = "completed"
    for k, step in enumerate(experiment):
        for duration, mode, a0, a1, until in _segments(step, one_c, q.electrode_area):
            prob.drive[:] = (mode, a0, a1, t0)
            prob.until = until
            t_end = t0 + duration if math.isfinite(duration) else t0 + 1e7
            tspan = np.array([t0, t_end])
            if t_eval is not None:
                inner = t_eval[(t_eval > t0) & (t_eval < t_end)]
                tspan = np.concatenate([[t0], inner, [t_end]])
            sol = prob.solver().solve(tspan, y, yp)
            if not sol.success:
                raise BatterySolverError(f"IDA failed in step {k} ({type(step).__name__}) at "
                                         f"t = {sol.t[-1]:.6g} s: {sol.message}")
            steps += sol.t.size - 1 if t_eval is None else 0
            nfev += sol.nfev
            njev += sol.njev
            # from the consistent initial state on (the current may have jumped at t0)
            T.append(sol.t)
            Y.append(sol.y)
            S.append(np.full(sol.t.size, k))
            y, yp, t0 = sol.y[-1].copy(), sol.yp[-1].copy(), float(sol.t[-1])
            if sol.i_events is not None:
                hit = np.flatnonzero(sol.i_events[-1])
                if 0 in hit:
                    termination = "lower cut-off"
                elif 1 in hit:
                    termination = "upper cut-off"
                if termination != "completed":
                    break
                break  # the step's own end condition: go on with the next step
        if termination != "completed":
            break
    t = np.concatenate(T)
    Ys = np.concatenate(Y)
    out = model.outputs(Ys)
    current = Ys[:, -1] * q.electrode_area
    cap = np.concatenate([[0.0], np.cumsum(0.5 * (current[1:] + current[:-1]) * np.diff(t))])
    return BatteryRun(
        model=model.name, time_s=t, voltage_V=out["voltage_V"], current_A=current,
        capacity_Ah=cap / 3600.0,
        negative_surface_concentration=out["negative_surface_concentration"],
        positive_surface_concentration=out["positive_surface_concentration"],
        electrolyte_concentration=out.get("electrolyte_concentration"),
        x_m=getattr(model, "x", None), states=Ys, step_index=np.concatenate(S),
        termination=termination, solver_steps=steps, residual_evaluations=nfev,
        jacobian_evaluations=njev, seconds=time.perf_counter() - start)


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
