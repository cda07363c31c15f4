"""Command line of the package: ``python -m sciml sweep ...`` and ``python -m sciml template
sweep|train`` (prints a SLURM batch script).

    python -m sciml sweep cases/flame_1d.py --param phi=0.40:0.50:11 --param T-in=298,400 \\
        [--scheduler local|slurm|ADDRESS|FILE] [--workers N] [--out DIR] [--retries N] \\
        [--timeout S] [-- CASE FLAGS]

runs the case at every point of the grid as Dask tasks, each in its own folder under DIR, and
merges the points' ``summary.json`` into ``DIR/sweep.nc`` (dims = the swept parameters).
Flags the sweep does not know (``--quick``, ``--case ch4``) are passed to every run. Running
the same command again skips the finished points. Exit status: 0 all points ok, 1 some failed
(listed in the data set and in ``DIR/sweep.log``), 2 bad input.
"""

from __future__ import annotations

import logging
import math
import sys
from pathlib import Path

from .case._cli import UserInputError, _Parser, number
from .io import log_file, read_json, write_json


def _sweep_parser():
    p = _Parser(prog="python -m sciml sweep",
                description="Run a case script over a parameter grid as Dask tasks.")
    p.add_argument("script", type=Path, help="the case script, e.g. cases/flame_1d.py")
    p.add_argument("--param", action="append", required=True, metavar="NAME=SPEC",
                   help="a swept flag: name=start:stop:num or name=a,b,c (repeat for a grid)")
    p.add_argument("--scheduler", default="local",
                   help="'local' (default: a LocalCluster), 'slurm' (dask-jobqueue), a "
                        "scheduler file or an address tcp://host:port")
    p.add_argument("--workers", type=number(1, math.inf, lo_open=False, integer=True),
                   default=None, help="workers of a local or SLURM cluster (default: cores)")
    p.add_argument("--out", type=Path, default=None,
                   help="sweep folder (default results/sweeps/<script name>)")
    p.add_argument("--retries", type=number(0, 10, lo_open=False, integer=True), default=1,
                   help="times a failed point is retried (default 1)")
    p.add_argument("--timeout", type=number(0.0), default=None,
                   help="seconds after which one run of the case is killed (default none)")
    return p


def sweep_main(argv: list[str]) -> int:
    from tqdm.contrib.logging import logging_redirect_tqdm

    from .hpc import CaseTask, dask_client, parse_param, sweep

    parser = _sweep_parser()
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1:]
    else:
        passthrough = []
    try:
        args, unknown = parser.parse_known_args(argv)
        case_args = [*unknown, *passthrough]
        if not args.script.is_file():
            raise UserInputError(f"argument script: {args.script} is not a file")
        try:
            params = [parse_param(s) for s in args.param]
        except ValueError as exc:
            raise UserInputError(f"argument --param: {exc}") from None
        for flag in ("--out", "--param"):
            if flag in case_args:
                raise UserInputError(f"argument {flag}: given twice (sweep flags go before --)")
        out = (args.out or Path("results") / "sweeps" / args.script.stem).resolve()
        manifest = {"script": args.script.name, "args": case_args}
        if (out / "sweep.json").exists():
            old = read_json(out / "sweep.json")
            if (old.get("script"), old.get("args")) != (manifest["script"], manifest["args"]):
                raise UserInputError(
                    f"argument --out: {out} holds a sweep of {old.get('script')} "
                    f"{' '.join(old.get('args', []))}; use another --out for a different "
                    f"command")
    except UserInputError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2

    write_json({**manifest, "params": {p.name: list(p.values) for p in params}},
               out / "sweep.json")
    log = logging.getLogger("sciml.hpc")
    log.setLevel(logging.INFO)
    handlers = [log_file(out / "sweep.log"), logging.StreamHandler(sys.stderr)]
    for h in handlers:
        log.addHandler(h)
    logging.getLogger("distributed").setLevel(logging.ERROR)
    logging.getLogger("distributed.worker").setLevel(logging.CRITICAL)
    task = CaseTask(str(args.script.resolve()), tuple(case_args), timeout=args.timeout)
    try:
        try:
            with logging_redirect_tqdm(loggers=[log]), \
                    dask_client(args.scheduler, args.workers) as client:
                ds = sweep(task, params, client, out=out, retries=args.retries,
                           attrs={"script": args.script.name, "case_args": " ".join(case_args)})
        except ValueError as exc:
            print(f"{parser.prog}: error: {exc}", file=sys.stderr)
            return 2
    finally:
        for h in handlers:
            log.removeHandler(h)
            h.close()
    n_failed = int(ds.attrs["n_failed"])
    print(f"sweep: {ds.attrs['n_points'] - n_failed} of {ds.attrs['n_points']} points ok; "
          f"merged data set {out / 'sweep.nc'}")
    if n_failed:
        print(f"{parser.prog}: {n_failed} point(s) failed; see {out / 'sweep.log'}",
              file=sys.stderr)
        return 1
    return 0


def template_main(argv: list[str]) -> int:
    from .hpc import slurm_template
    from .hpc._templates import TEMPLATES

    if len(argv) != 1 or argv[0] not in TEMPLATES:
        print(f"python -m sciml template: error: give one of {', '.join(TEMPLATES)}",
              file=sys.stderr)
        return 2
    print(slurm_template(argv[0]), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    commands = {"sweep": sweep_main, "template": template_main}
    if not argv or argv[0] not in commands:
        print(f"usage: python -m sciml {{{','.join(commands)}}} ...\n\n{__doc__}",
              file=sys.stderr)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
