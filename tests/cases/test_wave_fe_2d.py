"""The wave_fe_2d case script: --quick runs against the exact standing mode and the Ricker
Green's function, its XDMF / netCDF / PNG outputs, and the bad-input contract."""

import subprocess
import sys
from pathlib import Path

import meshio
import numpy as np
import pytest

from sciml.io import read_dataset, read_json, read_mesh_series
from solvers.fem import standing_mode, unit_square_mesh

SCRIPT = Path(__file__).resolve().parents[2] / "cases" / "wave_fe_2d.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def test_quick_standing_mode(tmp_path):
    r = _run("--quick", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["case"] == "wave_fe_2d" and s["quick"] is True
    assert s["dofs"] == 17 ** 2 and s["steps"] > 20
    # h = 1/16, CFL 0.9, one period: the phase error is second order in h (~1.6e-3 here)
    assert s["max_error_all_steps"] < 2.5e-3
    assert s["max_error"] < 1e-4
    points, _, times, data = read_mesh_series(tmp_path / "wave.xdmf")
    assert times[-1] == pytest.approx(s["t_end"])
    exact = standing_mode(points[:, 0], points[:, 1], times[-1])
    assert np.abs(data["u"][-1] - exact).max() == pytest.approx(s["max_error"], rel=1e-9)
    ds = read_dataset(tmp_path / "fields.nc")
    assert ds["u"].dims == ("time", "node") and ds["time"].attrs["units"] == "s"
    assert (tmp_path / "snapshot.png").stat().st_size > 10_000


def test_quick_ricker_q1_newmark(tmp_path):
    r = _run("--quick", "--problem", "ricker", "--element", "q1", "--scheme", "newmark",
             "--n", "96", "--out", tmp_path)  # --quick caps n at 48
    assert r.returncode == 0, r.stderr
    s = read_json(tmp_path / "summary.json")
    assert s["problem"] == "ricker" and s["scheme"] == "newmark"
    assert s["dofs"] == 49 ** 2
    assert s["receiver_rel_l2"] < 0.15  # h = 1/48: ~12 nodes per wavelength at 4 Hz


def _mesh_file(tmp_path, flip=None):
    mesh = unit_square_mesh(4)
    cells = mesh.cells.copy()
    if flip is not None:
        cells[flip] = cells[flip][::-1]
    path = tmp_path / ("square.msh" if flip is None else "inverted.msh")
    meshio.write(path, meshio.Mesh(mesh.points, [("triangle", cells)]), file_format="gmsh22",
                 binary=False)
    return path


def test_mesh_file_runs(tmp_path):
    r = _run("--quick", "--mesh", _mesh_file(tmp_path), "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert read_json(tmp_path / "out" / "summary.json")["dofs"] == 25


@pytest.mark.parametrize(("args", "message"), [
    (["--dt", "0.5"], "argument --dt: 0.5 is above the leapfrog stability limit"),
    (["--boundary", "lft=dirichlet"], "argument --boundary: boundary tag 'lft' is not in the "
                                      "mesh; known tags: bottom, left, right, top"),
    (["--boundary", "left=sticky"], "argument --boundary: 'left=sticky' is not TAG=KIND"),
    (["--n", "1"], "argument --n: 1 is outside the valid range [2, 4096]"),
    (["--cfl", "1.2"], "argument --cfl: 1.2 is outside the valid range (0, 1]"),
    (["--element", "q1", "--mesh", "{tri}"], "--mesh has triangle cells; use --element p1"),
    (["--mesh", "{inverted}"], "argument --mesh: element 3 (nodes"),
])
def test_bad_input_exits_2(run_in_process, tmp_path, args, message):
    args = [a.format(tri=_mesh_file(tmp_path), inverted=_mesh_file(tmp_path, flip=3))
            for a in args]
    status, err = run_in_process("wave_fe_2d", "--quick", *args, "--out", tmp_path / "out")
    assert status == 2, err
    assert message in err
    assert not (tmp_path / "out").exists()
