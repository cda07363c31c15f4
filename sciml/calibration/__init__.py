"""Bayesian calibration of model parameters against observations."""

from ._laplace import LaplacePosterior as LaplacePosterior
from ._laplace import laplace_posterior as laplace_posterior
