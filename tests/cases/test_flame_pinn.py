"""The flame_pinn case script: a seeded --quick run, its outputs, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sciml.io import read_dataset, read_json

# Short runs (300 Adam + 100 L-BFGS iterations), loose bounds on the eigenvalue and on the T
# relative L2. Measured (seed 0): ch4 s_L +0.11 %, T L2 1.2e-3; counterflow Λ +5.2 %, T L2 0.44
# (the short counterflow run has not yet shaped its flame; the cold, non-reacting flow would be
# about -35 % on Λ). The full runs: tests/validation/test_flame_pinn_table.py.
QUICK_BOUND = {"ch4": (0.02, 0.01), "counterflow": (0.15, 0.6)}
SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "flame_pinn.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=600)


# ~60 s: slow since the sweep and operator tests joined the default run (the quick inverse run
# below still runs the case script by default).
@pytest.mark.slow
def test_quick_forward_gradient_mode(tmp_path):
    r = _run("--quick", "--out", str(tmp_path), "--seed", "0")
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    # The seeded learner test with a loose bound for the short run (1500 Adam + 300 L-BFGS
    # iterations; measured: s_L +3.3 %, T relative L2 4.6e-2; the full run: see
    # tests/validation/test_flame_pinn_table.py).
    assert abs(s["flame_speed_rel_error"]) < 0.08
    assert s["T_rel_l2"] < 0.12
    assert s["classical_flame_speed_m_s"] == pytest.approx(0.292786, rel=5e-4)
    ds = read_dataset(tmp_path / "fields.nc")
    assert {"T_pinn", "T_classical"} <= set(ds.data_vars)
    hist = read_dataset(tmp_path / "history.nc")
    assert "flame_speed_m_s" in hist and hist.sizes["iteration"] > 10
    for png in ("profiles.png", "history.png"):
        assert (tmp_path / png).stat().st_size > 10_000


@pytest.mark.slow  # ~75 s; keeps the default run under its 15-minute budget
def test_quick_inverse(tmp_path):
    r = _run("--quick", "--inverse", "--out", str(tmp_path), "--seed", "0")
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    # Short run, loose bounds (measured: s_L -1.8 %, λ -3.0 %, E_a +0.1 %); the posterior
    # comes from the classical solver, so its intervals must cover the truth already.
    assert abs(s["flame_speed_rel_error"]) < 0.05
    assert abs(s["conductivity_W_mK_rel_error"]) < 0.08
    assert abs(s["activation_energy_J_mol_rel_error"]) < 0.03
    for key in ("flame_speed_m_s", "conductivity_W_mK", "activation_energy_J_mol"):
        lo, hi = s[f"{key}_95"]
        assert lo < hi and s[f"{key}_95_covers_truth"]
    ds = read_dataset(tmp_path / "fields.nc")
    assert ds.sizes["x_obs_m"] == 10 and "T_observed" in ds


@pytest.mark.parametrize(("case", "key"), [
    # ~100 s and ~3 min on 2 cores: in the slow set to keep the default run inside its budget
    # (the simple case's forward and inverse quick runs stay in it)
    pytest.param("ch4", "flame_speed", marks=pytest.mark.slow),
    pytest.param("counterflow", "strain_eigenvalue", marks=pytest.mark.slow),
])
def test_quick_premixed(tmp_path, case, key):
    r = _run("--case", case, "--quick", "--out", str(tmp_path), "--seed", "0")
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    bound, l2_bound = QUICK_BOUND[case]
    assert abs(s[f"{key}_rel_error"]) < bound
    assert s["T_rel_l2"] < l2_bound
    ds = read_dataset(tmp_path / "fields.nc")
    Y = np.stack([ds[f"Y_{k}_pinn"].values for k in ("CH4", "O2", "CO2", "H2O", "N2")])
    # Positivity and sum-to-one hold by construction of the output.
    assert Y.min() > 0.0
    np.testing.assert_allclose(Y.sum(axis=0), 1.0, atol=1e-12)
    assert (tmp_path / "checkpoint.pt").exists()


@pytest.mark.parametrize(("args", "flag"), [(["--s-guess", "0"], "--s-guess"),
                                            (["--inverse", "--mode", "free"], "--mode"),
                                            (["--noise", "0"], "--noise"),
                                            (["--phi", "-1"], "--phi"),
                                            (["--iterations", "1.5"], "--iterations"),
                                            (["--case", "ch4", "--inverse"], "--inverse"),
                                            (["--case", "pipe"], "--case")])
def test_bad_input_exits_2(run_in_process, tmp_path, args, flag):
    status, err = run_in_process("flame_pinn", *args, "--out", tmp_path)
    assert status == 2 and flag in err and err.count("\n") == 1
