"""Dask clients: a LocalCluster by default, a running scheduler, or a SLURM cluster."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def dask_client(scheduler=None, workers: int | None = None) -> Iterator:
    """A ``dask.distributed.Client`` for the duration of the block.

    `scheduler` is an existing ``Client`` (used as is, not closed), ``None`` or ``"local"`` (a
    `LocalCluster` of `workers` single-threaded worker processes, default one per core),
    ``"slurm"`` (a dask-jobqueue `SLURMCluster` of `workers` jobs, configured by the
    ``jobqueue.slurm`` section of the Dask configuration), the path of a scheduler file (as
    ``dask scheduler --scheduler-file`` writes it), or a scheduler address
    (``tcp://host:8786``).
    """
    from dask.distributed import Client, LocalCluster

    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers={workers!r} must be an integer >= 1")
    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler  # a Client the caller owns
        return
    if scheduler in (None, "local"):
        n = workers or _cores()
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    if scheduler == "slurm":
        try:
            from dask_jobqueue import SLURMCluster
        except ImportError:
            raise ValueError("scheduler='slurm' needs dask-jobqueue: pip install dask-jobqueue"
                             ) from None
        with SLURMCluster() as cluster:
            cluster.scale(jobs=workers or 1)
            with Client(cluster) as client:
                yield client
        return
    if Path(scheduler).is_file():
        with Client(scheduler_file=scheduler) as client:
            yield client
        return
    if "://" not in scheduler and ":" not in scheduler:
        raise ValueError(f"scheduler={scheduler!r} must be 'local', 'slurm', a scheduler file "
                         f"or an address such as tcp://host:8786")
    with Client(scheduler) as client:
        yield client
