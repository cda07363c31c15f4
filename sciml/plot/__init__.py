"""Plotting helpers shared by the case scripts (figures are saved through `sciml.io`)."""

from ._history import history_figure as history_figure
from ._profiles import profile_figure as profile_figure
