"""Elliptic data generators for operator learning: 2D Darcy flow with a thresholded Gaussian
random coefficient (finite differences, sparse LU)."""

from ._darcy import DarcyParams as DarcyParams
from ._darcy import darcy_coefficient as darcy_coefficient
from ._darcy import darcy_matrix as darcy_matrix
from ._darcy import darcy_sample as darcy_sample
from ._darcy import gaussian_random_field as gaussian_random_field
from ._darcy import solve_darcy as solve_darcy
