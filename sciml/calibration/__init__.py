"""Bayesian calibration of model parameters against observations."""

from ._laplace import LaplacePosterior as LaplacePosterior
from ._laplace import laplace_posterior as laplace_posterior
from ._mcmc import Posterior as Posterior
from ._mcmc import UniformPrior as UniformPrior
from ._mcmc import calibrate as calibrate
from ._mcmc import error_covariance as error_covariance
