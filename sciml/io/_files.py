"""Writers and readers for the project's files: JSON, netCDF (HDF5), figures, meshes."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from ._atomic import atomic_path


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN/inf
    return value


def write_json(data: dict, path: str | os.PathLike) -> Path:
    """Write ``data`` as indented JSON (NumPy scalars converted, NaN/inf as null), atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(_jsonable(data), indent=2, sort_keys=True) + "\n")
    return Path(path)


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` (a log, a script) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def log_file(path: str | os.PathLike):
    """A ``logging`` handler appending time-stamped records to ``path`` (folder created)."""
    import logging

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    return handler


def read_json(path: str | os.PathLike) -> dict:
    return json.loads(Path(path).read_text())


def write_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write an xarray data set as netCDF-4 through the HDF5 engine (``h5netcdf``), atomically."""
    attrs = {k: (str(v) if isinstance(v, (bool, np.bool_)) else v) for k, v in ds.attrs.items()}
    ds = ds.copy()
    ds.attrs = {k: v for k, v in attrs.items() if v is not None}
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf", invalid_netcdf=False)
    return Path(path)


def read_dataset(path: str | os.PathLike) -> xr.Dataset:
    """Read a data set written by `write_dataset` fully into memory (the file is closed)."""
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def save_figure(fig, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Save a matplotlib figure (format from the suffix) atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=path.suffix.lstrip(".") or "png")
    return path


def write_mesh(path: str | os.PathLike, points, cells, *, point_data=None, cell_data=None) -> Path:
    """Write a mesh with meshio (format from the suffix: ``.vtu``, ``.xdmf``, ``.msh``, ...).

    `cells` is a list of ``(cell_type, connectivity)`` pairs, as meshio takes them. XDMF comes
    with a companion ``.h5`` file: both are written in a temporary folder beside `path` and
    moved into place, the ``.h5`` first, so a reader never sees an ``.xdmf`` without its data.
    """
    import meshio

    path = Path(path)
    mesh = meshio.Mesh(np.asarray(points), cells, point_data=point_data or {},
                       cell_data=cell_data or {})
    if path.suffix != ".xdmf":
        with atomic_path(path) as tmp:
            meshio.write(tmp, mesh, file_format=meshio.extension_to_filetypes[path.suffix][0])
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmpdir:
        staged = Path(tmpdir) / path.name
        meshio.write(staged, mesh)
        for f in sorted(Path(tmpdir).iterdir(), key=lambda f: f.suffix == ".xdmf"):
            os.replace(f, path.parent / f.name)
    return path


def write_mesh_series(path: str | os.PathLike, points, cells, times, point_data: dict, *,
                      cell_data: dict | None = None) -> Path:
    """Write a time series of fields on one mesh as XDMF + HDF5 (meshio's
    ``TimeSeriesWriter``; ParaView opens the ``.xdmf``).

    `cells` as in `write_mesh`; `point_data` maps a name to an (n_times, n_points) array;
    `cell_data` (constant in time, e.g. the wave speed) maps a name to an (n_cells,) array
    per cell block. Staged in a temporary folder and moved into place, the ``.h5`` first.
    """
    from meshio.xdmf import TimeSeriesWriter

    path = Path(path)
    if path.suffix != ".xdmf":
        raise ValueError(f"path={str(path)!r} must end in .xdmf")
    times = np.asarray(times, dtype=np.float64)
    for name, v in point_data.items():
        if np.shape(v)[0] != len(times):
            raise ValueError(f"point_data[{name!r}] has {np.shape(v)[0]} frames for "
                             f"{len(times)} times")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmpdir:
        staged = Path(tmpdir) / path.name
        cwd = os.getcwd()
        os.chdir(tmpdir)  # meshio writes the .h5 into the working directory
        try:
            with TimeSeriesWriter(staged.name) as w:
                w.write_points_cells(np.asarray(points), cells)
                for k, t in enumerate(times):
                    frame = {name: np.asarray(v[k]) for name, v in point_data.items()}
                    w.write_data(float(t), point_data=frame,
                                 cell_data=cell_data if k == 0 else None)
        finally:
            os.chdir(cwd)
        for f in sorted(Path(tmpdir).iterdir(), key=lambda f: f.suffix == ".xdmf"):
            os.replace(f, path.parent / f.name)
    return path


def read_mesh_series(path: str | os.PathLike):
    """Read an XDMF time series: (points, cells, times, {name: (n_times, n_points) array})."""
    from meshio.xdmf import TimeSeriesReader

    with TimeSeriesReader(path) as r:
        points, cells = r.read_points_cells()
        times, data = [], {}
        for k in range(r.num_steps):
            t, pd, _ = r.read_data(k)
            times.append(t)
            for name, v in pd.items():
                data.setdefault(name, []).append(v)
    return points, cells, np.array(times), {k: np.array(v) for k, v in data.items()}


def read_mesh(path: str | os.PathLike):
    """Read any mesh format meshio knows (Gmsh ``.msh``, XDMF, VTU, ...)."""
    import meshio

    return meshio.read(path)


def save_checkpoint(state: dict, path: str | os.PathLike) -> Path:
    """Write a training or run state (tensors, numbers, lists) with ``torch.save``, atomically:
    a kill during the write leaves the previous checkpoint intact."""
    import torch

    with atomic_path(path) as tmp:
        torch.save(state, tmp)
    return Path(path)


def load_checkpoint(path: str | os.PathLike, *, device="cpu") -> dict:
    """Read a state written by `save_checkpoint`, tensors moved to `device`."""
    import torch

    return torch.load(path, map_location=device, weights_only=False)


def save_animation(frames, path: str | os.PathLike, *, seconds_per_frame: float = 0.1) -> Path:
    """Write matplotlib figures (an iterable of ``Figure``) as an animated GIF, atomically."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    images = []
    for fig in frames:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        images.append(Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]))
    if not images:
        raise ValueError("save_animation needs at least one frame")
    with atomic_path(path) as tmp:
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:],
                       duration=round(1000 * seconds_per_frame), loop=0)
    return Path(path)
