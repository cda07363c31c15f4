"""1D premixed flames: freely propagating (simplified and CH4/air) and counterflow."""

from ._counterflow import solve_counterflow_flame as solve_counterflow_flame
from ._errors import FlameConvergenceError as FlameConvergenceError
from ._errors import FlameError as FlameError
from ._errors import GridRefinementError as GridRefinementError
from ._grid import RefineCriteria as RefineCriteria
from ._grid import bisect as bisect
from ._mechanisms import CH4_SPECIES as CH4_SPECIES
from ._mechanisms import case1_solution as case1_solution
from ._mechanisms import ch4_one_step_solution as ch4_one_step_solution
from ._mechanisms import unburnt_ch4_gas as unburnt_ch4_gas
from ._newton import NewtonOptions as NewtonOptions
from ._params import ONE_ATM as ONE_ATM
from ._params import CounterflowParams as CounterflowParams
from ._params import PremixedFlameParams as PremixedFlameParams
from ._params import SimpleFlameParams as SimpleFlameParams
from ._premixed import solve_premixed_flame as solve_premixed_flame
from ._properties import GasProperties as GasProperties
from ._reference import ReferenceFlame as ReferenceFlame
from ._reference import aligned_temperature_difference as aligned_temperature_difference
from ._reference import cantera_counterflow as cantera_counterflow
from ._reference import cantera_free_flame as cantera_free_flame
from ._reference import cantera_free_flame_at as cantera_free_flame_at
from ._simple import energy_residual as energy_residual
from ._simple import reaction_rate as reaction_rate
from ._simple import solve_simple_flame as solve_simple_flame
from ._solution import FlameSolution as FlameSolution
