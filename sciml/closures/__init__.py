"""Closure learners for the active-fluid moment model (`solvers.spectral`)."""

from ._apriori import ClosureSamples as ClosureSamples
from ._apriori import fit_closure as fit_closure
from ._apriori import relative_error as relative_error
from ._apriori import split_cases as split_cases
from ._models import BinghamResidualClosure as BinghamResidualClosure
from ._models import InvariantClosure as InvariantClosure
