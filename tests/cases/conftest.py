"""Bad-input checks run a case's entry point in the test process (`run_case(main, parser,
argv)`, exactly what ``python cases/<name>.py`` runs), which saves a fresh interpreter and its
imports for each; the real runs of the case scripts use subprocesses."""

import importlib.util
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[2] / "cases"
_modules = {}


def _case(name):
    if name not in _modules:
        spec = importlib.util.spec_from_file_location(f"_case_{name}", CASES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[name] = module
    return _modules[name]


@pytest.fixture
def run_in_process(capsys):
    """``run_in_process(name, *argv) -> (exit status, stderr)``."""
    def run(name, *argv):
        case = _case(name)
        capsys.readouterr()
        status = case.run_case(case.main, case.build_parser(), [str(a) for a in argv])
        return status, capsys.readouterr().err

    return run
