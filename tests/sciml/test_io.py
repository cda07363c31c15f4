import json
import math

import numpy as np
import pytest
import xarray as xr

from sciml.io import (
    atomic_path,
    read_dataset,
    read_json,
    read_mesh,
    write_dataset,
    write_json,
    write_mesh,
)


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "sub" / "out.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_atomic_path_replaces_existing_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_json_converts_numpy_and_nan(tmp_path):
    data = {"a": np.float64(1.5), "n": np.int64(3), "bad": math.nan}
    path = write_json(data, tmp_path / "s.json")
    assert read_json(path) == {"a": 1.5, "n": 3, "bad": None}
    json.loads(path.read_text())  # strict JSON


def test_dataset_round_trip(tmp_path):
    x = np.linspace(0, 1, 11)
    ds = xr.Dataset({"T": ("x_m", x**2, {"units": "K"})}, coords={"x_m": x},
                    attrs={"case": "t", "flag": True})
    back = read_dataset(write_dataset(ds, tmp_path / "f.nc"))
    np.testing.assert_array_equal(back["T"].values, x**2)
    assert back["T"].attrs["units"] == "K" and back.attrs["flag"] == "True"


@pytest.mark.parametrize("suffix", [".vtu", ".xdmf"])
def test_mesh_round_trip(tmp_path, suffix):
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    tri = np.array([[0, 1, 2], [1, 3, 2]])
    path = write_mesh(tmp_path / f"m{suffix}", pts, [("triangle", tri)],
                      point_data={"u": np.arange(4.0)})
    mesh = read_mesh(path)
    np.testing.assert_allclose(mesh.points[:, :2], pts)
    np.testing.assert_array_equal(mesh.cells_dict["triangle"], tri)
    np.testing.assert_allclose(mesh.point_data["u"], np.arange(4.0))
    expected = {"m.xdmf", "m.h5"} if suffix == ".xdmf" else {"m.vtu"}
    assert {p.name for p in tmp_path.iterdir()} == expected  # no temporary left behind
