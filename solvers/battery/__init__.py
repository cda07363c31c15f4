"""Li-ion battery models: single-particle (SPM) and pseudo-two-dimensional (P2D / DFN).

Finite volumes in x and r, integrated as an index-1 DAE with SUNDIALS IDA (scikit-sundae), the
residuals as numba kernels with NumPy twins, a coloured finite-difference sparse Jacobian.
"""

from ._model import KINETICS as KINETICS
from ._model import P2D as P2D
from ._model import SPM as SPM
from ._model import Mesh as Mesh
from ._model import spm_voltage_from_surface as spm_voltage_from_surface
from ._params import PARAMETER_SETS as PARAMETER_SETS
from ._params import CellParameters as CellParameters
from ._params import chen2020 as chen2020
from ._params import parameter_set as parameter_set
from ._simulate import CC as CC
from ._simulate import CV as CV
from ._simulate import BatteryRun as BatteryRun
from ._simulate import BatterySolverError as BatterySolverError
from ._simulate import Profile as Profile
from ._simulate import Rest as Rest
from ._simulate import Sensitivities as Sensitivities
from ._simulate import check_reachable as check_reachable
from ._simulate import discharge as discharge
from ._simulate import open_circuit_window as open_circuit_window
from ._simulate import sensitivities as sensitivities
from ._simulate import simulate as simulate
from ._simulate import simulate_batch as simulate_batch
