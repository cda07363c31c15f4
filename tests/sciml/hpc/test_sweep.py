"""Sweeps on Dask: the Python API on a function, and ``python -m sciml sweep`` on a case script
(merged netCDF identical to running the points one by one, resume after a kill, failures)."""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sciml.io import read_dataset, read_json, write_text

distributed = pytest.importorskip("distributed")

from sciml.hpc import sweep  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
FLAME = ROOT / "cases" / "flame_1d.py"
PHIS = [round(0.40 + 0.01 * i, 2) for i in range(11)]


@pytest.fixture(scope="module")
def client():
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1,
                            dashboard_address=None) as c:
        yield c


def _flaky(x, y, marker_dir):
    """Fails at x = 3 always, and on the first attempt at (2, 20)."""
    if x == 3:
        raise ValueError("x=3 is outside the valid range")
    marker = Path(marker_dir) / f"{x}_{y}"
    attempts = int(marker.read_text()) + 1 if marker.exists() else 1
    write_text(str(attempts), marker)
    if (x, y) == (2, 20) and attempts == 1:
        raise RuntimeError("transient failure")
    return {"product": x * y, "label": f"x{x}", "kind": "test", "attempts": attempts}


def test_function_sweep_retries_records_failures_and_resumes(client, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()

    def fn(x, y):
        return _flaky(x, y, markers)

    grid = {"x": [1, 2, 3], "y": [10, 20]}
    ds = sweep(fn, grid, client, out=tmp_path / "sw", progress=False)
    assert ds["product"].dims == ("x", "y")
    np.testing.assert_array_equal(ds["product"].values[:2], [[10, 20], [20, 40]])
    assert np.isnan(ds["product"].values[2]).all()
    assert list(ds["status"].values.ravel()) == ["ok"] * 4 + ["failed"] * 2
    assert "x=3 is outside the valid range" in str(ds["error"].sel(x=3, y=10).values)
    assert int(ds["attempts"].sel(x=2, y=20)) == 2  # retried once, then ok
    assert ds.attrs["summary_kind"] == "test" and ds.attrs["n_failed"] == 2
    assert list(ds["label"].sel(y=10).values) == ["x1", "x2", ""]
    on_disk = read_dataset(tmp_path / "sw" / "sweep.nc")
    np.testing.assert_array_equal(on_disk["product"].values, ds["product"].values)
    assert sorted(p.name for p in (tmp_path / "sw").iterdir() if p.is_dir()) == [
        "x=1_y=10", "x=1_y=20", "x=2_y=10", "x=2_y=20"]

    # Re-running skips the four finished points (their markers are not touched again).
    before = {m.name: m.read_text() for m in markers.iterdir()}
    ds2 = sweep(fn, {"x": [1, 2, 3, 4], "y": [10, 20]}, client, out=tmp_path / "sw",
                progress=False)
    after = {m.name: m.read_text() for m in markers.iterdir()}
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {"4_10", "4_20"}
    assert int(ds2.attrs["n_failed"]) == 2 and float(ds2["product"].sel(x=4, y=20)) == 80


def test_bad_arguments(client):
    with pytest.raises(ValueError, match="retries"):
        sweep(lambda x: {}, {"x": [1]}, client, retries=-1)
    ds = sweep(lambda x: [x], {"x": [1]}, client, progress=False)
    assert "dict of scalars" in str(ds["error"].values[0])


def _cli(out, *extra, **kw):
    cmd = [sys.executable, "-m", "sciml", "sweep", str(FLAME), "--param", "phi=0.40:0.50:11",
           "--workers", "2", "--out", str(out), *extra, "--", "--quick"]
    return cmd


def _one_by_one(tmp_path):
    """Each point through the case's own entry point, in this process."""
    spec = importlib.util.spec_from_file_location("flame_1d_case", FLAME)
    case = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(case)
    speeds = []
    for phi in PHIS:
        out = tmp_path / f"single_{phi}"
        assert case.run_case(case.main, case.build_parser(),
                             ["--quick", "--phi", str(phi), "--out", str(out)]) == 0
        speeds.append(read_json(out / "summary.json")["flame_speed_m_s"])
    return np.array(speeds)


def test_flame_sweep_killed_and_resumed_matches_points_run_one_by_one(tmp_path):
    out = tmp_path / "sweep"
    proc = subprocess.Popen(_cli(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 240
    finished = []
    while time.monotonic() < deadline and proc.poll() is None:
        finished = [p for p in out.glob("phi=*") if (p / "summary.json").exists()]
        if len(finished) >= 4:
            break
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep, its Dask workers and their case runs
    proc.wait()
    done = {p.name: (p / "summary.json").stat().st_mtime_ns for p in out.glob("phi=*")}
    assert 4 <= len(done) < 11 and not (out / "sweep.nc").exists()

    r = subprocess.run(_cli(out), capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"{len(done)} finished earlier, {11 - len(done)} to run" in r.stderr
    assert {k: (out / k / "summary.json").stat().st_mtime_ns for k in done} == done
    assert not list(out.glob(".*tmp*"))  # the killed run's unfinished folders were cleared

    ds = read_dataset(out / "sweep.nc")
    assert ds["flame_speed_m_s"].dims == ("phi",)
    np.testing.assert_allclose(ds["phi"].values, PHIS, rtol=0, atol=1e-12)
    assert (ds["status"].values == "ok").all() and ds.attrs["n_failed"] == 0
    np.testing.assert_array_equal(ds["flame_speed_m_s"].values, _one_by_one(tmp_path))
    log = (out / "sweep.log").read_text()
    assert log.count("point phi=0.45: ok") == 1


def test_failing_point_is_reported_and_the_others_complete(tmp_path):
    out = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "sciml", "sweep", str(FLAME), "--param", "phi=0.45,-0.5",
           "--workers", "1", "--out", str(out), "--quick"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 1 and "1 point(s) failed" in r.stderr
    ds = read_dataset(out / "sweep.nc")
    assert list(ds["status"].values) == ["ok", "failed"]
    assert ds["flame_speed_m_s"].sel(phi=0.45) > 0.3
    assert np.isnan(ds["flame_speed_m_s"].sel(phi=-0.5))
    error = str(ds["error"].sel(phi=-0.5).values)
    assert error.startswith("exit status 2:") and "--phi" in error
    log = (out / "sweep.log").read_text()
    assert "point phi=-0.5: failed after 2 attempt(s): exit status 2" in log

    # Another command into the same folder is refused; a bad grid is a user error.
    r = subprocess.run([*cmd[:-1], "--case", "ch4"], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "use another --out" in r.stderr
    r = subprocess.run([*cmd[:5], "--param", "phi=0.4:0.5", "--out", str(tmp_path / "x")],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "start:stop:num" in r.stderr


def test_generators_give_the_same_data_spread_over_workers(client):
    import functools

    from sciml.hpc import ensemble
    from sciml.operators import darcy_dataset
    from solvers.spectral import ActiveFluidParams, kinetic_closure_data

    serial = darcy_dataset(5, resolution=12)
    spread = darcy_dataset(5, resolution=12, client=client)
    np.testing.assert_array_equal(serial["u"].values, spread["u"].values)
    params = [ActiveFluidParams(alpha=a) for a in (-1.0, -2.0, -3.0)]
    kin = {"nx": 16, "ntheta": 16, "dt": 0.02, "t_end": 0.4, "save_every": 0.2}
    calls = []
    one = kinetic_closure_data(params, **kin)
    many = kinetic_closure_data(params, mapper=functools.partial(ensemble, client=client),
                                progress=calls.append, **kin)
    assert calls == [3]
    np.testing.assert_array_equal(one["m4_real"].values, many["m4_real"].values)
    np.testing.assert_array_equal(many["alpha"].values, [-1.0, -2.0, -3.0])
