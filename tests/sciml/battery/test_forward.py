"""The classical solver as a batched forward model of calibration."""

import numpy as np
import pytest

from sciml.battery import SCALES, SolverForward
from solvers.battery import SPM, Mesh, chen2020, discharge


def test_solver_forward_matches_single_discharges_and_marks_cut_off():
    cell = chen2020()
    model = SPM(cell, Mesh(r_negative=8, r_positive=8))
    t_obs = np.array([100.0, 1000.0, 3000.0, 3700.0])  # the last lies past the 1C cut-off
    fwd = SolverForward(model, 1.0, t_obs, tuple(SCALES), method="stacked")
    theta = np.array([[1.0, 1.0], [5.0, 0.5]])
    v = fwd(theta)
    for row, out in zip(theta, v, strict=True):
        q = cell.scaled(positive_diffusivity=row[0], negative_exchange_current=row[1])
        run = discharge(model.with_params(q), 1.0, t_eval=t_obs[:3])
        ref = [run.voltage_V[run.time_s == t][0] for t in t_obs[:3]]
        np.testing.assert_allclose(out[:3], ref, atol=1e-5)
        assert np.isnan(out[3])
    assert fwd.calls == 2


def test_unknown_parameter_name_is_refused():
    with pytest.raises(ValueError, match="unknown parameter"):
        SolverForward(SPM(chen2020()), 1.0, np.array([10.0]), ["positive_difusivity_scale"])
