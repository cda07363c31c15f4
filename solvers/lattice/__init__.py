"""Lattice U(1) gauge theory: exact diagonalisation of the Hamiltonian theory (single plaquette,
pure gauge on a torus, Schwinger model); the Euclidean 2D theory's exact results and HMC."""

from ._ed import GroundState as GroundState
from ._ed import PureGaugeTorus as PureGaugeTorus
from ._ed import lowest_eigenpair as lowest_eigenpair
from ._ed import plaquette_exact_energy as plaquette_exact_energy
from ._ed import plaquette_ground_state as plaquette_ground_state
from ._ed import schwinger_ground_state as schwinger_ground_state
from ._ed import schwinger_hamiltonian as schwinger_hamiltonian
from ._ed import torus_incidence as torus_incidence
from ._euclidean import HMCRun as HMCRun
from ._euclidean import action as action
from ._euclidean import hmc as hmc
from ._euclidean import leapfrog as leapfrog
from ._euclidean import log_partition_exact as log_partition_exact
from ._euclidean import plaquette_exact as plaquette_exact
from ._euclidean import plaquettes as plaquettes
from ._euclidean import topological_charge as topological_charge
from ._euclidean import topological_susceptibility_exact as topological_susceptibility_exact
from ._gauge_fermion import Connections as Connections
from ._gauge_fermion import GaugeFermionLattice as GaugeFermionLattice
