"""The case-script contract: standard flags, clean exits, outputs and summary.

Every script in ``cases/`` builds its parser with `case_parser`, does its work in a function
``main(args, run)`` and hands both to `run_case`::

    python cases/<name>.py [--quick] [--out DIR] [--seed N] [--device cpu|cuda] [case flags]

User errors (a bad flag value, parameters out of range) end with exit status 2 and one line on
stderr naming the flag, the value and the valid range; a numerical failure ends with status 1
and one line saying what failed; neither prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tqdm import tqdm

from .. import __version__
from ..io import write_json


class UserInputError(Exception):
    """Bad input from the user: the script exits with status 2 and this one-line message."""


class CaseFailure(Exception):
    """The computation failed (e.g. Newton did not converge): exit status 1, one line."""


class CaseInterrupted(Exception):
    """The run stopped early with its state checkpointed (a wall-time limit): exit status 3 and
    one line saying how to continue."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage block
        raise UserInputError(message)


def number(lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = True,
           hi_open: bool = False, integer: bool = False) -> Callable[[str], float]:
    """An argparse ``type`` accepting numbers in a range; argparse prefixes the flag name."""
    lb = "(" if lo_open else "["
    rb = ")" if hi_open else "]"
    span = f"{lb}{lo:g}, {hi:g}{rb}"
    kind = "an integer" if integer else "a number"
    bounded = math.isfinite(lo) or math.isfinite(hi)
    hint = f"; valid range {span}" if bounded else ""

    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}{hint}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if not ((value > lo if lo_open else value >= lo) and (
                value < hi if hi_open else value <= hi)):
            raise argparse.ArgumentTypeError(f"{text} is outside the valid range {span}")
        return value

    return parse


def case_parser(name: str, doc: str | None) -> argparse.ArgumentParser:
    """A parser with the standard flags; add the case's own flags to it."""
    first = (doc or "").strip().splitlines()
    p = _Parser(prog=f"{name}.py", description=first[0] if first else None)
    p.add_argument("--quick", action="store_true",
                   help="reduced but real run, under a minute on 2 CPU cores")
    p.add_argument("--out", type=Path, default=Path("results") / name,
                   help="output folder (default results/%(prog)s without .py)")
    p.add_argument("--seed", type=number(0, 2**32 - 1, lo_open=False, integer=True),
                   default=0, help="random seed (default 0)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="torch device for learners (default cpu)")
    p.set_defaults(_case_name=name)
    return p


class CaseRun:
    """What a running case needs: its arguments, output paths, progress bars and the summary."""

    def __init__(self, name: str, args: argparse.Namespace):
        self.name = name
        self.args = args
        self.out = Path(args.out)
        self.start = time.perf_counter()

    def path(self, filename: str) -> Path:
        """Where to write ``filename`` (the `sciml.io` writers create the folder)."""
        return self.out / filename

    @contextlib.contextmanager
    def user_input(self, flag_of: dict[str, str] | None = None):
        """Turn a ``ValueError`` from parameter validation into a user error (exit status 2).

        `flag_of` maps parameter field names to the flags that set them, so the message names
        the flag the user typed.
        """
        try:
            yield
        except ValueError as exc:
            msg = str(exc)
            for field, flag in (flag_of or {}).items():
                if msg.startswith(f"{field}="):
                    msg = f"argument {flag}: " + msg[len(field) + 1:]
                    break
            raise UserInputError(msg) from None

    def progress(self, iterable: Iterable | None = None, **kwargs):
        """A tqdm progress bar on stderr (silent in ``--quick`` runs)."""
        kwargs.setdefault("file", sys.stderr)
        kwargs.setdefault("disable", self.args.quick)
        kwargs.setdefault("mininterval", 0.5)
        return tqdm(iterable, **kwargs)

    @contextlib.contextmanager
    def epoch_progress(self, epochs: int, desc: str, *, metric: str = "loss",
                       fmt: str = ".4f", **kwargs):
        """A progress bar over training epochs; yields ``report(epoch, value)``, the
        ``progress`` callback of `sciml.hpc.fit`, which moves the bar and shows `metric`."""
        with self.progress(total=epochs, desc=desc, unit="epoch", **kwargs) as bar:
            def report(epoch: int, value: float) -> None:
                bar.n = epoch
                bar.set_postfix({metric: format(value, fmt)})
                bar.refresh()

            yield report

    def write_summary(self, scalars: dict) -> Path:
        """Write ``summary.json``: the headline scalars plus case, quick, seconds, version."""
        summary = dict(scalars)
        summary.update(
            case=self.name,
            quick=bool(self.args.quick),
            seed=self.args.seed,
            device=self.args.device,
            seconds=time.perf_counter() - self.start,
            version=__version__,
        )
        return write_json(summary, self.path("summary.json"))


def run_case(main: Callable[[argparse.Namespace, CaseRun], None],
             parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse `argv`, run ``main(args, run)`` and return the exit status (0; 1 failed; 2 bad
    input; 3 stopped early, resumable)."""
    prog = parser.prog
    try:
        args = parser.parse_args(argv)
        if args.device == "cuda":
            import torch

            if not torch.cuda.is_available():
                raise UserInputError("--device=cuda but no CUDA device is available; use cpu")
        main(args, CaseRun(args._case_name, args))
    except UserInputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except CaseFailure as exc:
        print(f"{prog}: failed: {exc}", file=sys.stderr)
        return 1
    except CaseInterrupted as exc:
        print(f"{prog}: stopped: {exc}", file=sys.stderr)
        return 3
    return 0
