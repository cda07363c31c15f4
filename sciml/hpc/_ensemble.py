"""Embarrassingly parallel ensembles (data-set generation) as Dask tasks, in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ._cluster import dask_client


def ensemble(fn: Callable, items: Sequence, *, client=None, workers: int | None = None,
             chunk: int | None = 1, progress: Callable[[int], None] | None = None) -> list:
    """``[fn(item) for item in items]``, spread over Dask workers in tasks of `chunk` items
    (``None``: about eight tasks per worker, for many short items).

    `client`: any Dask client; else, with `workers` > 1, a LocalCluster of that many processes
    for this call; with neither (or ``workers=1``) the items run here, one after the other.
    Results come back in the order of `items`, so a generator whose samples depend only on
    their index gives the same data however it is spread. `progress(k)` is called as k items
    finish.
    """
    items = list(items)
    if chunk is None:
        chunk = max(1, len(items) // (8 * (workers or 1)))
    if not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"chunk={chunk!r} must be an integer >= 1 or None")
    if client is None and (workers is None or workers == 1):
        out = []
        for item in items:
            out.append(fn(item))
            if progress is not None:
                progress(1)
        return out
    from dask.distributed import as_completed

    blocks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    results: list = [None] * len(blocks)
    with dask_client(client or "local", workers) as c:
        futures = c.map(_run_block, [fn] * len(blocks), blocks, pure=False)
        where = {f.key: i for i, f in enumerate(futures)}
        for fut in as_completed(futures):
            results[where[fut.key]] = fut.result()
            if progress is not None:
                progress(len(blocks[where[fut.key]]))
    return [r for block in results for r in block]


def _run_block(fn, block):
    return [fn(item) for item in block]
