"""PyBaMM reference discharges for validating our own SPM and DFN (P2D) solvers.

The reference is PyBaMM's ``pybamm.lithium_ion.SPM()`` or
``pybamm.lithium_ion.DFN()`` built with its default options: isothermal,
Fickian diffusion in single-size spherical particles, symmetric Butler-Volmer
kinetics, Bruggeman transport efficiency, no SEI or plating, no contact
resistance, and a uniform current collector. The parameters are
``pybamm.ParameterValues("Chen2020")`` (LG M50: graphite / NMC811, 5 A h) with
any overrides the caller passes. The run is a constant-current discharge from
Chen2020's own initial concentrations (29866 / 17038 / 1000 mol m^-3; no
initial SOC is set). It stops at the lower voltage cut-off event (2.5 V). The
mesh is PyBaMM's default uniform finite-volume mesh with ``var_pts`` cells in
each of x_n, x_s, x_p, r_n and r_p, and the solver is ``pybamm.IDAKLUSolver``.
PyBaMM is an optional dependency and is imported only when a function here is
called.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

_LOWER_CUTOFF_EVENT = "Minimum voltage [V]"

# Chen2020's own initial concentrations [mol m^-3]. They are checked against
# the parameter set unless the caller overrides them.
_CHEN2020_INITIAL = {
    "Initial concentration in negative electrode [mol.m-3]": 29866.0,
    "Initial concentration in positive electrode [mol.m-3]": 17038.0,
    "Initial concentration in electrolyte [mol.m-3]": 1000.0,
}


def _import_pybamm():
    try:
        import pybamm
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "solvers.battery._reference needs PyBaMM, an optional dependency: "
            "install it with `pip install pybamm`."
        ) from exc
    return pybamm


@dataclass(frozen=True)
class PyBaMMDischarge:
    """A constant-current PyBaMM discharge (Chen2020), sampled for comparison.

    Attributes
    ----------
    model : str
        ``"spm"`` or ``"dfn"``.
    c_rate : float
        C-rate: the current is ``c_rate`` times the nominal capacity (5 A h) in A.
    time_s : ndarray, shape (n_t,)
        Output times [s]. When the run stops on the cut-off event, the last
        entry is the event time.
    voltage_V : ndarray, shape (n_t,)
        Terminal voltage, PyBaMM's ``"Voltage [V]"``.
    negative_surface_concentration, positive_surface_concentration : ndarray, shape (n_t,)
        X-averaged particle surface concentrations [mol m^-3].
    electrolyte_concentration : ndarray, shape (n_t, n_x)
        ``"Electrolyte concentration [mol.m-3]"`` at the electrolyte nodes
        ``x_m``, for both models. The SPM has no electrolyte dynamics, so its
        array is the constant initial value (1000 mol m^-3) broadcast onto the
        same DFN-like x grid. It is not of shape (n_t, 1).
    x_m : ndarray, shape (n_x,)
        Electrolyte x nodes [m]: the cell centres of the negative electrode,
        separator and positive electrode meshes joined, ``3 * n_points`` nodes.
    cutoff_time_s : float
        Time [s] at which the lower voltage cut-off (2.5 V) event fired, as
        located by the IDAS root finder. NaN if the run ended on ``t_end``.
    capacity_Ah : float
        Discharged capacity at the last output time [A h].
    solve_seconds : float
        Best wall time of ``repeats`` solves, measured after a warm-up solve.
        See :func:`pybamm_discharge` for exactly what is timed.
    integration_seconds : float
        PyBaMM's own ``Solution.integration_time`` for that best solve: only the
        C++ IDAKLU integration call.
    n_points : int
        Finite-volume cells per domain (x_n, x_s, x_p, r_n, r_p).
    """

    model: str
    c_rate: float
    time_s: np.ndarray
    voltage_V: np.ndarray
    negative_surface_concentration: np.ndarray
    positive_surface_concentration: np.ndarray
    electrolyte_concentration: np.ndarray
    x_m: np.ndarray
    cutoff_time_s: float
    capacity_Ah: float
    solve_seconds: float
    integration_seconds: float
    n_points: int


def pybamm_discharge(
    model="spm",
    c_rate=1.0,
    *,
    parameters=None,
    var_pts=40,
    rtol=1e-8,
    atol=1e-10,
    t_end=None,
    n_eval=None,
    repeats=3,
) -> PyBaMMDischarge:
    """Run a constant-current PyBaMM SPM or DFN discharge down to the lower cut-off.

    Parameters
    ----------
    model : {"spm", "dfn"}
        Which PyBaMM model to use. Both use their default options.
    c_rate : float
        Discharge C-rate. ``"Current function [A]"`` is set to
        ``c_rate * "Nominal cell capacity [A.h]"``.
    parameters : dict, optional
        Overrides for ``ParameterValues("Chen2020")``, keyed by PyBaMM parameter
        name, e.g. ``{"Positive particle diffusivity [m2.s-1]": 8e-15}``.
    var_pts : int
        Finite-volume cells in each of x_n, x_s, x_p, r_n and r_p.
    rtol, atol : float
        IDAKLU tolerances.
    t_end : float, optional
        Final time [s]. Default: ``1.3 * 3600 / c_rate``, so that a normal run
        ends on the 2.5 V cut-off event.
    n_eval : int, optional
        If given, the solution is returned at ``linspace(0, t_end, n_eval)``
        (PyBaMM's ``t_interp``, Hermite interpolation of the IDAS steps), cut
        at the event time, which is added as the last point. If ``None``, the
        solution is returned at the solver's own adaptive steps, which also end
        at the event time.
    repeats : int
        Number of timed solves after the warm-up solve. The best is reported.

    Returns
    -------
    PyBaMMDischarge
        The sampled discharge.

    Notes
    -----
    What ``solve_seconds`` times: the ``pybamm.Simulation`` is built once
    (parameters set, mesh made, model discretised), and a first ``sim.solve``
    serves as the warm-up, so the CasADi/IDAKLU set-up is done. Each timed
    repeat then calls ``solver.solve(built_model, ...)``, the same call that
    ``Simulation.solve`` makes, and times it with ``time.perf_counter``. That
    covers the consistent initialisation, the IDAS integration and PyBaMM's
    event post-processing. It does not cover variable extraction, which PyBaMM
    does lazily on first access. PyBaMM's ``Solution.solve_time`` measures
    nearly the same span; ``Solution.integration_time`` (the C++ call only) is
    kept separately as ``integration_seconds``.
    """
    pybamm = _import_pybamm()

    key = str(model).lower()
    if key == "spm":
        pb_model = pybamm.lithium_ion.SPM()
    elif key == "dfn":
        pb_model = pybamm.lithium_ion.DFN()
    else:
        raise ValueError(f"model must be 'spm' or 'dfn', got {model!r}")
    if c_rate <= 0:
        raise ValueError("c_rate must be positive (discharge)")
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    n = int(var_pts)

    pv = pybamm.ParameterValues("Chen2020")
    if parameters:
        pv.update(dict(parameters))
    current = float(c_rate) * float(pv["Nominal cell capacity [A.h]"])
    pv.update({"Current function [A]": current})
    # Use the parameter set's explicit initial concentrations. No initial_soc
    # is passed anywhere. Check that they are Chen2020's unless overridden.
    for name, value in _CHEN2020_INITIAL.items():
        if not (parameters and name in parameters) and float(pv[name]) != value:
            raise RuntimeError(f"unexpected Chen2020 value for {name!r}: {pv[name]}")

    if t_end is None:
        t_end = 1.3 * 3600.0 / float(c_rate)
    t_end = float(t_end)
    t_interp = None if n_eval is None else np.linspace(0.0, t_end, int(n_eval))

    mesh_pts = {"x_n": n, "x_s": n, "x_p": n, "r_n": n, "r_p": n}
    solver = pybamm.IDAKLUSolver(rtol=rtol, atol=atol)
    sim = pybamm.Simulation(pb_model, parameter_values=pv, var_pts=mesh_pts, solver=solver)

    # Warm-up solve: builds the model and sets up the solver (untimed).
    sim.solve([0.0, t_end], t_interp=t_interp)
    built = sim.built_model

    best, best_int, sol = np.inf, np.nan, None
    for _ in range(int(repeats)):
        t0 = time.perf_counter()
        s = solver.solve(built, [0.0, t_end], t_interp=t_interp)
        dt = time.perf_counter() - t0
        if dt < best:
            best, best_int, sol = dt, float(s.integration_time.value), s

    if sol.termination == f"event: {_LOWER_CUTOFF_EVENT}":
        cutoff = float(sol.t[-1])
    elif sol.termination == "final time":
        cutoff = float("nan")
    else:
        raise RuntimeError(
            f"PyBaMM {key.upper()} run ended on {sol.termination!r}, "
            f"not on the lower voltage cut-off or t_end"
        )

    t = np.asarray(sol.t, dtype=float)
    volt = np.asarray(sol["Voltage [V]"].entries, dtype=float)
    cn = np.asarray(
        sol["X-averaged negative particle surface concentration [mol.m-3]"].entries,
        dtype=float,
    )
    cp = np.asarray(
        sol["X-averaged positive particle surface concentration [mol.m-3]"].entries,
        dtype=float,
    )
    # PyBaMM stores spatial variables as (n_x, n_t); ours are (n_t, n_x).
    ce = np.asarray(sol["Electrolyte concentration [mol.m-3]"].entries, dtype=float).T
    x = np.asarray(
        sim.mesh["negative electrode", "separator", "positive electrode"].nodes,
        dtype=float,
    )
    cap = float(np.asarray(sol["Discharge capacity [A.h]"].entries)[-1])

    return PyBaMMDischarge(
        model=key,
        c_rate=float(c_rate),
        time_s=t,
        voltage_V=volt,
        negative_surface_concentration=cn,
        positive_surface_concentration=cp,
        electrolyte_concentration=ce,
        x_m=x,
        cutoff_time_s=cutoff,
        capacity_Ah=cap,
        solve_seconds=float(best),
        integration_seconds=best_int,
        n_points=n,
    )


def pybamm_scaled_discharges(
    model="dfn",
    c_rate=1.0,
    scales=(),
    *,
    var_pts=20,
    rtol=1e-6,
    atol=1e-6,
    t_eval=None,
):
    """Solve one PyBaMM discharge per set of scale factors, one by one, as a PyBaMM user would.

    ``scales`` is a sequence of ``(positive_diffusivity_scale, negative_exchange_current_scale)``
    pairs multiplying Chen2020's positive particle diffusivity and negative exchange-current
    density. Both enter the model as PyBaMM input parameters, so it is built and discretised
    once; each set is then one ``solver.solve(..., inputs=...)`` call.

    Returns ``(voltages, seconds)``: the voltage of each run interpolated at ``t_eval`` (NaN
    after its cut-off) and the wall time of the solve calls only (after one warm-up solve).
    """
    pybamm = _import_pybamm()
    pb_model = pybamm.lithium_ion.DFN() if model == "dfn" else pybamm.lithium_ion.SPM()
    pv = pybamm.ParameterValues("Chen2020")
    j0_nominal = pv["Negative electrode exchange-current density [A.m-2]"]
    d_nominal = float(pv["Positive particle diffusivity [m2.s-1]"])

    def j0_scaled(c_e, c_s_surf, c_s_max, T):
        return pybamm.InputParameter("s_i0n") * j0_nominal(c_e, c_s_surf, c_s_max, T)

    pv.update({
        "Current function [A]": float(c_rate) * float(pv["Nominal cell capacity [A.h]"]),
        "Negative electrode exchange-current density [A.m-2]": j0_scaled,
        "Positive particle diffusivity [m2.s-1]": d_nominal * pybamm.InputParameter("s_dp"),
    })
    n = int(var_pts)
    solver = pybamm.IDAKLUSolver(rtol=rtol, atol=atol)
    sim = pybamm.Simulation(pb_model, parameter_values=pv, solver=solver,
                            var_pts={"x_n": n, "x_s": n, "x_p": n, "r_n": n, "r_p": n})
    t_end = 1.3 * 3600.0 / float(c_rate)
    sim.solve([0.0, t_end], inputs={"s_i0n": 1.0, "s_dp": 1.0})
    built = sim.built_model
    t_eval = np.linspace(0.0, t_end, 200) if t_eval is None else np.asarray(t_eval, float)
    voltages, seconds = [], 0.0
    for s_dp, s_i0n in scales:
        t0 = time.perf_counter()
        sol = solver.solve(built, [0.0, t_end], inputs={"s_i0n": float(s_i0n), "s_dp": float(s_dp)})
        seconds += time.perf_counter() - t0
        v = np.interp(t_eval, sol.t, sol["Voltage [V]"].entries, right=np.nan)
        voltages.append(v)
    return np.array(voltages), seconds
