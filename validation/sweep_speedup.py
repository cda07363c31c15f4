"""Speed-up of a case sweep on 2 Dask workers against 1, measured side by side.

Runs ``python -m sciml sweep cases/flame_1d.py --param phi=0.40:0.50:11`` with ``--workers 1``
and with ``--workers 2`` (a LocalCluster each, fresh output folders), for each ``--case``,
checks that both merged data sets hold the same flame speeds, and prints the wall times (the
whole command, cluster start-up included) and their ratio. The two runs alternate ``--repeat``
times and the median is reported (these 2-core machines are noisy).

Run time on 2 cores: ~2 min (simple ~30 s + ch4 ~60 s per repeat pair).
Command: python validation/sweep_speedup.py [--cases simple,ch4] [--repeat 1] [--out FILE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sciml.io import read_dataset, write_json

ROOT = Path(__file__).resolve().parents[1]


def _sweep(case: str, workers: int, out: Path) -> float:
    cmd = [sys.executable, "-m", "sciml", "sweep", str(ROOT / "cases" / "flame_1d.py"),
           "--param", "phi=0.40:0.50:11", "--workers", str(workers), "--out", str(out),
           "--case", case]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"sweep failed ({' '.join(cmd)}):\n{r.stderr[-2000:]}")
    return seconds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="simple,ch4")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", default="results/validation/sweep_speedup.json")
    a = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in a.cases.split(","):
            times = {1: [], 2: []}
            speeds = {}
            for rep in range(a.repeat):
                for w in (1, 2):
                    out = Path(tmp) / f"{case}_{w}_{rep}"
                    times[w].append(_sweep(case, w, out))
                    speeds[w] = read_dataset(out / "sweep.nc")["flame_speed_m_s"].values
            same = bool(np.array_equal(speeds[1], speeds[2]))
            t1, t2 = statistics.median(times[1]), statistics.median(times[2])
            rows.append({"case": case, "points": 11, "seconds_1_worker": t1,
                         "seconds_2_workers": t2, "speedup": t1 / t2,
                         "identical_results": same,
                         "flame_speed_m_s": speeds[2].tolist()})
    print(f"{'case':8s} {'points':>6s} {'1 worker [s]':>13s} {'2 workers [s]':>14s} "
          f"{'speed-up':>9s}  identical")
    for r in rows:
        print(f"{r['case']:8s} {r['points']:6d} {r['seconds_1_worker']:13.1f} "
              f"{r['seconds_2_workers']:14.1f} {r['speedup']:9.2f}  {r['identical_results']}")
    write_json({"rows": rows, "repeat": a.repeat}, a.out)
    print(f"written {a.out}")
    return 0 if all(r["identical_results"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
