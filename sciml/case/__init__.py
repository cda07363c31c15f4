"""Shared machinery of the case scripts in ``cases/`` (flags, exits, outputs, progress)."""

from ._cli import CaseFailure as CaseFailure
from ._cli import CaseInterrupted as CaseInterrupted
from ._cli import CaseRun as CaseRun
from ._cli import UserInputError as UserInputError
from ._cli import case_parser as case_parser
from ._cli import number as number
from ._cli import run_case as run_case
