"""Closure learners for the active-fluid moment model (`solvers.spectral`)."""

from ._active import ActiveLearningResult as ActiveLearningResult
from ._active import active_closure_learning as active_closure_learning
from ._active import committee_spread as committee_spread
from ._aposteriori import estimate_parameter as estimate_parameter
from ._aposteriori import rollout as rollout
from ._aposteriori import train_a_posteriori as train_a_posteriori
from ._apriori import ClosureSamples as ClosureSamples
from ._apriori import fit_closure as fit_closure
from ._apriori import relative_error as relative_error
from ._apriori import split_cases as split_cases
from ._models import BinghamResidualClosure as BinghamResidualClosure
from ._models import InvariantClosure as InvariantClosure
from ._models import load_closure as load_closure
from ._models import save_closure as save_closure
