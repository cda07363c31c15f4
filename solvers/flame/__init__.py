"""1D premixed flames: freely propagating (simplified and CH4/air) and counterflow."""

from ._mechanisms import CH4_SPECIES as CH4_SPECIES
from ._mechanisms import case1_solution as case1_solution
from ._mechanisms import ch4_one_step_solution as ch4_one_step_solution
from ._params import CounterflowParams as CounterflowParams
from ._params import PremixedFlameParams as PremixedFlameParams
from ._params import SimpleFlameParams as SimpleFlameParams
