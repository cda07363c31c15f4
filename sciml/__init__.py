"""sciml: physics-informed machine learning on top of the classical solvers in `solvers`."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sciml")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
