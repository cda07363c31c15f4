"""Closure learners for the active-fluid moment model (`solvers.spectral`)."""

from ._aposteriori import estimate_parameter as estimate_parameter
from ._aposteriori import rollout as rollout
from ._aposteriori import train_a_posteriori as train_a_posteriori
from ._apriori import ClosureSamples as ClosureSamples
from ._apriori import fit_closure as fit_closure
from ._apriori import relative_error as relative_error
from ._apriori import split_cases as split_cases
from ._models import BinghamResidualClosure as BinghamResidualClosure
from ._models import InvariantClosure as InvariantClosure
