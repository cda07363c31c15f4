"""Plotting helpers shared by the case scripts (figures are saved through `sciml.io`)."""

from ._profiles import profile_figure as profile_figure
