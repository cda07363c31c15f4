"""Neural wavefunctions for lattice gauge theory: variational Monte Carlo of pure U(1) in the
continuous, gauge-invariant angle basis."""

from ._gauge_vmc import GaugeAnsatz as GaugeAnsatz
from ._gauge_vmc import GaugeSystem as GaugeSystem
from ._gauge_vmc import VMCResult as VMCResult
from ._gauge_vmc import local_energy as local_energy
from ._gauge_vmc import metropolis as metropolis
from ._gauge_vmc import vmc_ground_state as vmc_ground_state
