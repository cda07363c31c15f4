"""Parameter sweeps as Dask tasks: one folder per point, retries, resume, one merged data set."""

from __future__ import annotations

import logging
import math
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from .. import __version__
from ..io import atomic_dir, read_json, remove_temporaries, write_dataset, write_json, write_text
from ._grid import Param, Value, as_params, format_value, point_key, points

log = logging.getLogger("sciml.hpc")

SUMMARY = "summary.json"


class PointFailed(RuntimeError):
    """A point of a sweep failed (a case script exited non-zero); the message says why."""


@dataclass(frozen=True)
class CaseTask:
    """Run a case script for one point: ``python SCRIPT ARGS --name value ... --out FOLDER``.

    Picklable, so it travels to any Dask worker (the script and the output folder must be on a
    file system the workers share). A non-zero exit raises `PointFailed` with the script's last
    line on stderr; its whole output is kept in ``case.log`` in the point's folder on success.
    """

    script: str
    args: tuple[str, ...] = ()
    python: str = sys.executable
    timeout: float | None = None
    writes_outputs: bool = field(default=True, init=False)

    def command(self, point: Mapping[str, Value], out: os.PathLike | str) -> list[str]:
        flags = [s for k, v in point.items() for s in (f"--{k}", format_value(v))]
        return [self.python, self.script, *self.args, *flags, "--out", str(out)]

    def __call__(self, *, out: Path, **point: Value) -> dict:
        cmd = self.command(point, out)
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout,
                               check=False)
        except subprocess.TimeoutExpired:
            raise PointFailed(f"timed out after {self.timeout:g} s") from None
        if r.returncode != 0:
            lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
            why = lines[-1] if lines else "no message on stderr"
            raise PointFailed(f"exit status {r.returncode}: {why}")
        write_text(f"$ {' '.join(cmd)}\n--- stdout\n{r.stdout}--- stderr\n{r.stderr}",
                   Path(out) / "case.log")
        summary = Path(out) / SUMMARY
        if not summary.exists():
            raise PointFailed(f"{self.script} exited 0 without writing {SUMMARY}")
        return read_json(summary)


def _run_point(fn: Callable, point: dict, folder: str | None) -> dict:
    """Worker side: run one point, inside a temporary folder that becomes `folder` only when
    the point succeeded (so an existing folder always means "finished")."""
    if folder is None:
        return _check_result(fn(**point))
    with atomic_dir(folder) as tmp:
        if getattr(fn, "writes_outputs", False):
            result = _check_result(fn(out=tmp, **point))
        else:
            result = _check_result(fn(**point))
        if not (tmp / SUMMARY).exists():
            write_json(result, tmp / SUMMARY)
    return result


def _check_result(result) -> dict:
    if not isinstance(result, Mapping):
        raise TypeError(f"a sweep function must return a dict of scalars, got "
                        f"{type(result).__name__}")
    return dict(result)


@dataclass
class _Outcome:
    status: str  # "ok", "failed" or "skipped" (finished in an earlier run)
    error: str = ""
    summary: dict = field(default_factory=dict)


def _is_number(v) -> bool:
    return isinstance(v, (bool, int, float, np.number))


def merge(params: Sequence[Param], outcomes: Sequence[_Outcome], attrs: dict | None = None
          ) -> xr.Dataset:
    """One data set over the swept parameters (dims) from the points' summaries, in grid order.

    Numbers become float64 variables (NaN where a point failed); strings that differ between
    points become string variables and those that agree become attributes. ``status`` ("ok",
    "failed") and ``error`` (the reason, "" if none) say what happened at each point.
    """
    shape = tuple(len(p.values) for p in params)
    dims = tuple(p.dim for p in params)
    keys: dict[str, None] = {}
    for o in outcomes:
        for k in o.summary:
            keys.setdefault(k, None)
    data = {}
    constant = {}
    for k in keys:
        if k in dims:
            continue  # the coordinate already says it
        vals = [o.summary.get(k) for o in outcomes]
        present = [v for v in vals if v is not None]
        if present and all(_is_number(v) for v in present):
            arr = np.array([math.nan if v is None else float(v) for v in vals])
            data[k] = (dims, arr.reshape(shape))
        elif present and all(isinstance(v, str) for v in present):
            if len(set(present)) == 1:
                constant[k] = present[0]
            else:
                arr = np.array(["" if v is None else v for v in vals], dtype=object)
                data[k] = (dims, arr.reshape(shape))
        # lists and nested objects are left in the points' summary.json files
    status = ["failed" if o.status == "failed" else "ok" for o in outcomes]
    data["status"] = (dims, np.array(status, dtype=object).reshape(shape))
    data["error"] = (dims, np.array([o.error for o in outcomes], dtype=object).reshape(shape))
    coords = {}
    for p in params:
        numeric = all(_is_number(v) for v in p.values)
        coords[p.dim] = (p.dim, np.array(p.values, dtype=None if numeric else object),
                         {"flag": p.flag})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({f"summary_{k}": v for k, v in constant.items()})
    ds.attrs.update(n_points=len(outcomes), n_failed=status.count("failed"),
                    created_by=f"sciml {__version__} sweep")
    ds.attrs.update(attrs or {})
    return ds


def sweep(fn: Callable[..., Mapping], grid, client=None, *, out: str | os.PathLike | None = None,
          retries: int = 1, progress: bool = True, attrs: dict | None = None) -> xr.Dataset:
    """Run ``fn(**point)`` at every point of `grid` as Dask tasks and merge the results.

    `grid` is ``{name: values}`` (or `Param` objects; ``parse_param("phi=0.4:0.5:11")``), the
    points are its product. `fn` returns a dict of scalars (a `CaseTask` runs a case script).
    `client` is any ``dask.distributed.Client``; without one, a `LocalCluster` with one
    single-threaded worker process per core is started for this call.

    A failing point is retried `retries` times, then recorded (``status``/``error`` in the
    result) without stopping the others. With `out`, each point gets a folder
    ``out/<name>=<value>_...`` holding its ``summary.json`` (and a case's own outputs); points
    whose folder exists are not run again, so re-running after a crash finishes only what is
    missing, and the merged data set is written to ``out/sweep.nc``. One sweep at a time
    may write into a folder.
    """
    from dask.distributed import as_completed

    from ._cluster import dask_client

    if not isinstance(retries, int) or retries < 0:
        raise ValueError(f"retries={retries!r} must be an integer >= 0")
    params = as_params(grid)
    pts = list(points(params))
    root = Path(out) if out is not None else None
    outcomes: list[_Outcome | None] = [None] * len(pts)
    todo = []
    if root is not None:
        stale = remove_temporaries(root)  # points a killed run left half-done
        if stale:
            log.info("removed %d unfinished point folder(s) of an interrupted run", stale)
    for i, pt in enumerate(pts):
        if root is not None and (root / point_key(pt) / SUMMARY).exists():
            outcomes[i] = _Outcome("skipped", summary=read_json(root / point_key(pt) / SUMMARY))
        else:
            todo.append(i)
    log.info("sweep of %d points: %d finished earlier, %d to run", len(pts),
             len(pts) - len(todo), len(todo))
    start = time.perf_counter()
    if todo:
        with dask_client(client) as c:
            tag = uuid.uuid4().hex[:8]
            futures, index = [], {}
            for i in todo:
                folder = None if root is None else str(root / point_key(pts[i]))
                fut = c.submit(_run_point, fn, pts[i], folder, retries=retries, pure=False,
                               key=f"sweep-{tag}-{point_key(pts[i])}")
                futures.append(fut)
                index[fut.key] = i
            bar = _bar(len(todo), progress)
            for fut in as_completed(futures):
                i = index[fut.key]
                key = point_key(pts[i])
                if fut.status == "finished":
                    outcomes[i] = _Outcome("ok", summary=fut.result())
                    log.info("point %s: ok", key)
                else:
                    exc = fut.exception()
                    why = str(exc) if isinstance(exc, PointFailed) else \
                        f"{type(exc).__name__}: {exc}"
                    outcomes[i] = _Outcome("failed", error=why)
                    log.error("point %s: failed after %d attempt(s): %s", key, retries + 1,
                              why)
                bar.update()
            bar.close()
    n_failed = sum(o.status == "failed" for o in outcomes)
    log.info("sweep done in %.1f s: %d ok, %d failed", time.perf_counter() - start,
             len(pts) - n_failed, n_failed)
    ds = merge(params, outcomes, attrs)
    if root is not None:
        write_dataset(ds, root / "sweep.nc")
    return ds


def _bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="sweep", unit="point", file=sys.stderr, disable=not enabled,
                mininterval=0.5)
