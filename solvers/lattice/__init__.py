"""Lattice U(1) gauge theory: exact diagonalisation of the Hamiltonian theory (single plaquette,
pure gauge on a torus, Schwinger model)."""

from ._ed import GroundState as GroundState
from ._ed import PureGaugeTorus as PureGaugeTorus
from ._ed import lowest_eigenpair as lowest_eigenpair
from ._ed import plaquette_exact_energy as plaquette_exact_energy
from ._ed import plaquette_ground_state as plaquette_ground_state
from ._ed import schwinger_ground_state as schwinger_ground_state
from ._ed import schwinger_hamiltonian as schwinger_hamiltonian
