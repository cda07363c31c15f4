"""The SPM PINN surrogate: a short seeded training reaches a bounded voltage error on
held-out parameter pairs, and survives a save/load round trip."""

import numpy as np
import pytest

from sciml.battery import SPMSurrogate
from solvers.battery import SPM, Mesh, chen2020, discharge

T_END = 3000.0  # of the conftest's spm_surrogate


@pytest.fixture
def surrogate(spm_surrogate):
    return spm_surrogate


def test_held_out_voltage_error_is_bounded(surrogate):
    cell = chen2020()
    t = np.linspace(30.0, T_END, 60)
    for s_dp, s_i0 in ((2.2, 0.7), (6.5, 3.1)):
        q = cell.scaled(positive_diffusivity=s_dp, negative_exchange_current=s_i0)
        run = discharge(SPM(q, Mesh(r_negative=30, r_positive=30)), 1.0, t_eval=t,
                        rtol=1e-8, atol=1e-8)
        v = np.array([run.voltage_V[run.time_s == x][0] for x in t])
        rmse = 1e3 * np.sqrt(np.mean((surrogate.voltage(t, s_dp, s_i0) - v) ** 2))
        assert rmse < 8.0, (s_dp, s_i0, rmse)


def test_save_load_round_trip(surrogate, tmp_path):
    surrogate.save(tmp_path / "spm.pt")
    again = SPMSurrogate.load(tmp_path / "spm.pt")
    t = np.array([100.0, 2000.0])
    np.testing.assert_allclose(again.voltage(t, 3.0, 1.0), surrogate.voltage(t, 3.0, 1.0),
                               rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="t_obs"):
        surrogate.forward(np.array([T_END + 10.0]))


def test_one_surrogate_serves_other_c_rates(surrogate):
    # Constant diffusivities: the particle problem is linear in the current, so the 1C
    # surrogate rescaled to 2C must match the 2C solver as well as it matches at 1C.
    cell = chen2020()
    assert surrogate.linear
    t = np.linspace(30.0, 1600.0, 40)
    q = cell.scaled(positive_diffusivity=4.0, negative_exchange_current=1.2)
    run = discharge(SPM(q, Mesh(r_negative=30, r_positive=30)), 2.0, t_eval=t, rtol=1e-8,
                    atol=1e-8)
    v = np.array([run.voltage_V[run.time_s == x][0] for x in t])
    rmse = 1e3 * np.sqrt(np.mean((surrogate.voltage(t, 4.0, 1.2, c_rate=2.0) - v) ** 2))
    assert rmse < 12.0


def test_initial_condition_is_hard(surrogate):
    """θ(t̃ = 0) = θ0 in both particles exactly, at any ρ and σ, whatever the network's
    output (the trained network's and random ones)."""
    import torch

    from sciml.pinn._nets import raw_output

    rng = np.random.default_rng(0)
    x = torch.tensor(np.column_stack([np.zeros(50), rng.uniform(0, 1, (50, 2))]))
    with torch.no_grad():
        trained = raw_output(surrogate.net, x.to(next(surrogate.net.parameters())))
    for raw in (trained.double(), torch.tensor(rng.normal(0, 10, (50, 2)))):
        th = surrogate.constraint(x, raw)
        assert (th[:, 0] == surrogate.th_n0).all() and (th[:, 1] == surrogate.th_p0).all()
    later = surrogate.constraint(x + torch.tensor([0.5, 0, 0]), trained.double())
    assert (later[:, 1] != surrogate.th_p0).all()  # away from t = 0 the network matters
