"""SPM and P2D: kernels vs NumPy twins, grid convergence, conservation, drive cycles, batches,
sensitivities, robustness and input checks. The PyBaMM comparison is in test_vs_pybamm.py."""

import numpy as np
import pytest

from solvers.battery import (
    CC,
    CV,
    P2D,
    SPM,
    Mesh,
    Profile,
    Rest,
    chen2020,
    discharge,
    open_circuit_window,
    parameter_set,
    sensitivities,
    simulate,
    simulate_batch,
)
from solvers.battery import _residuals as twins
from solvers.battery._model import _probe_states

CHEN = chen2020()
NREL = parameter_set("nrel_spm")


@pytest.mark.parametrize(("kind", "params", "kinetics"), [
    ("spm", CHEN, "butler-volmer"), ("spm", NREL, "linear"), ("p2d", CHEN, "butler-volmer"),
    ("p2d", CHEN, "linear")])
@pytest.mark.parametrize("mode", [0.0, 1.0])
def test_kernels_match_numpy_twins(kind, params, kinetics, mode):
    model = (SPM if kind == "spm" else P2D)(params, Mesh(4, 3, 5, 6, 7), kinetics=kinetics)
    y, yp = _probe_states(model, np.random.default_rng(3))
    drive = np.array([mode, 3.9 if mode else 2.0, 0.01, 5.0, 1.0])
    res = np.empty_like(y)
    model.residual(12.0, y, yp, res, *model.args(drive))
    twin = (twins.spm_residual if kind == "spm" else twins.p2d_residual)(
        12.0, y, yp, *model.args(drive), model.fns)
    np.testing.assert_allclose(res, twin, rtol=1e-11, atol=1e-9 * np.abs(twin).max())


@pytest.mark.parametrize("kind", ["spm", "p2d"])
def test_grid_convergence_is_second_order(kind):
    # Self-convergence of the voltage at 600 s and 1800 s of a 1C discharge: each halving of the
    # cell size cuts the difference between successive meshes by 4.
    t_eval = np.array([600.0, 1800.0])
    volts = []
    for n in (10, 20, 40) if kind == "spm" else (5, 10, 20):
        model = (SPM(CHEN, Mesh(r_negative=n, r_positive=n)) if kind == "spm"
                 else P2D(CHEN, Mesh(n, n, n, n, n)))
        run = discharge(model, 1.0, t_end=1900.0, rtol=1e-10, atol=1e-10, t_eval=t_eval)
        volts.append([run.voltage_V[run.time_s == t][0] for t in t_eval])
    d = np.abs(np.diff(np.array(volts), axis=0))
    order = np.log2(d[0] / d[1])
    assert np.all(np.abs(order - 2.0) < 0.2), order


def test_lithium_is_conserved_and_capacity_matches_the_current():
    # Finite volumes conserve lithium: what leaves the negative particles is ∫ I dt / F.
    q = CHEN
    model = SPM(q, Mesh(r_negative=15, r_positive=15))
    run = discharge(model, 1.0, rtol=1e-9, atol=1e-9)
    n = model.mesh.r_negative
    r = np.linspace(0, q.negative_radius, n + 1)
    w = np.diff(r ** 3) / q.negative_radius ** 3
    c_mean = run.states[:, :n] @ w
    moles = (q.negative_initial_concentration - c_mean[-1]) * q.negative_active_fraction \
        * q.negative_thickness * q.electrode_area
    assert run.termination == "lower cut-off"
    assert moles * 96485.33212 / 3600 == pytest.approx(run.capacity_Ah[-1], rel=1e-6)


@pytest.mark.parametrize("kind", ["spm", "p2d"])
def test_drive_cycle_cc_rest_cc_cv_profile(kind):
    model = (SPM if kind == "spm" else P2D)(CHEN, Mesh(6, 4, 6, 8, 8))
    profile = Profile(np.array([0.0, 100.0, 200.0, 300.0]), np.array([5.0, 10.0, -5.0, 0.0]))
    steps = [CC(c_rate=1.0, duration=1200.0), Rest(600.0),
             CC(c_rate=-0.5, duration=3600.0, until_voltage=4.0),
             CV(4.0, duration=3600.0, until_current=0.25), profile]
    run = simulate(model, steps, rtol=1e-8, atol=1e-8)
    assert run.termination == "completed"
    for k in range(5):
        assert np.any(run.step_index == k)
    hold = run.step_index == 3
    np.testing.assert_allclose(run.voltage_V[hold], 4.0, atol=1e-6)
    assert abs(run.current_A[hold][-1]) == pytest.approx(0.25, rel=1e-3)  # ended on |I| < C/20
    rest = run.step_index == 1
    np.testing.assert_allclose(run.current_A[rest], 0.0, atol=1e-12)
    charge = run.step_index == 2
    assert run.voltage_V[charge][-1] == pytest.approx(4.0, abs=1e-6)
    prof = run.step_index == 4
    t_prof = run.time_s[prof] - run.time_s[prof][0]
    np.testing.assert_allclose(run.current_A[prof], np.interp(t_prof, profile.time_s,
                                                              profile.current_A), atol=1e-6)


def test_batch_matches_single_runs():
    model = P2D(CHEN, Mesh(5, 4, 5, 6, 6))
    sets = [CHEN, CHEN.scaled(positive_diffusivity=5.0, negative_exchange_current=0.5),
            CHEN.scaled(positive_diffusivity=10.0, negative_exchange_current=4.0)]
    experiment = [CC(c_rate=2.0, duration=3600.0)]
    t_eval = np.linspace(0.0, 1500.0, 16)
    singles = [simulate(model.with_params(q), experiment, t_eval=t_eval) for q in sets]
    for method in ("parallel", "stacked"):
        runs = simulate_batch(model, sets, experiment, t_eval=t_eval, method=method,
                              workers=1)
        for run, ref in zip(runs, singles, strict=True):
            assert run.termination == ref.termination == "lower cut-off"
            assert run.time_s[-1] == pytest.approx(ref.time_s[-1], rel=1e-5)
            v = [run.voltage_V[run.time_s == t][0] for t in t_eval]
            w = [ref.voltage_V[ref.time_s == t][0] for t in t_eval]
            np.testing.assert_allclose(v, w, atol=2e-5)


@pytest.mark.parametrize("kind", ["spm", "p2d"])
def test_sensitivities_match_central_differences(kind):
    model = (SPM if kind == "spm" else P2D)(CHEN, Mesh(5, 4, 5, 6, 6))
    names = ["positive_diffusivity", "negative_exchange_current", "electrode_area"]
    experiment = [CC(c_rate=1.0, duration=3000.0)]
    t_eval = np.array([300.0, 1500.0, 2900.0])
    sens = sensitivities(model, experiment, names, rtol=1e-9, atol=1e-9, t_eval=t_eval)
    rows = [np.flatnonzero(sens.run.time_s == t)[0] for t in t_eval]
    for k, name in enumerate(names):
        h = 1e-5
        v = []
        for sign in (1, -1):
            run = simulate(model.with_params(CHEN.scaled({name: 1 + sign * h})), experiment,
                           rtol=1e-11, atol=1e-11, t_eval=t_eval)
            v.append([run.voltage_V[run.time_s == t][0] for t in t_eval])
        fd = (np.array(v[0]) - np.array(v[1])) / (2 * h * getattr(CHEN, name))
        np.testing.assert_allclose(sens.dV_dtheta[rows, k], fd, rtol=2e-3,
                                   atol=1e-4 * np.abs(fd).max())


@pytest.mark.parametrize("corner", [(1.0, 0.5), (1.0, 4.0), (10.0, 0.5), (10.0, 4.0)])
def test_robust_over_the_scale_factor_box_and_at_3c(corner):
    q = CHEN.scaled(positive_diffusivity_scale=corner[0], negative_exchange_current_scale=corner[1])
    for model in (SPM(q, Mesh(r_negative=10, r_positive=10)), P2D(q, Mesh(8, 5, 8, 10, 10))):
        for c_rate in (1.0, 3.0):
            run = discharge(model, c_rate)
            assert run.termination == "lower cut-off"
            assert run.final_voltage_V == pytest.approx(q.lower_cutoff, abs=1e-6)


def test_bad_input_is_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match="c_rate"):
        discharge(SPM(CHEN), -1.0)
    with pytest.raises(ValueError, match="unknown parameter 'positive_difusivity'"):
        CHEN.scaled(positive_difusivity=2.0)
    with pytest.raises(ValueError, match="scale factor"):
        CHEN.scaled(positive_diffusivity=0.0)
    with pytest.raises(ValueError, match="scale factor"):
        CHEN.scaled(negative_exchange_current_scale=-1.0)
    lo, _ = open_circuit_window(CHEN)
    with pytest.raises(ValueError, match="lower_cutoff=1.0 V can never be reached"):
        discharge(SPM(CHEN.replace(lower_cutoff=1.0)), 1.0)
    assert lo > 1.0
    with pytest.raises(ValueError, match="x_negative"):
        Mesh(x_negative=2)
    with pytest.raises(ValueError, match="kinetics"):
        SPM(CHEN, kinetics="tafel")
    with pytest.raises(ValueError, match="negative_porosity"):
        CHEN.replace(negative_porosity=1.5)
    with pytest.raises(ValueError, match="P2D"):
        P2D(NREL)
    with pytest.raises(ValueError, match="no steps"):
        simulate(SPM(CHEN), [])


def test_nrel_cell_reproduces_the_study_discharge():
    # NREL's 2C, 1350 s discharge with linearised kinetics: the OCV of the study's initial
    # state (U_p(0.39) − U_n(0.91) = 4.1027 V) less the kinetic and diffusion losses at 2C.
    q = NREL
    run = discharge(SPM(q, kinetics="linear"), 2.0, t_end=1350.0)
    ocv0 = q.positive_ocp(0.39) - q.negative_ocp(0.91)
    assert ocv0 == pytest.approx(4.1027, abs=1e-3)
    assert run.termination == "completed"
    assert run.capacity_Ah[-1] == pytest.approx(2 * 18.9e-3 * 1350 / 3600, rel=1e-9)
    assert 3.4 < run.final_voltage_V < run.voltage_V[0] < ocv0
