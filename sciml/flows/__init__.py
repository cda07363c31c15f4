"""Neural wavefunctions and flow samplers for lattice gauge theory: variational Monte Carlo of
pure U(1) in the continuous, gauge-invariant angle basis (Metropolis or exact autoregressive
sampling) and of lattice QED with staggered fermions (autoregressive, backflow sign, Adam or
stochastic reconfiguration); a gauge-equivariant normalising flow for Euclidean 2D U(1) with
independence Metropolis."""

from ._gauge_fermion_vmc import FermionVMCResult as FermionVMCResult
from ._gauge_fermion_vmc import GaugeFermionAnsatz as GaugeFermionAnsatz
from ._gauge_fermion_vmc import sample_states as sample_states
from ._gauge_fermion_vmc import vmc_gauge_fermion as vmc_gauge_fermion
from ._gauge_vmc import AutoregressiveGaugeAnsatz as AutoregressiveGaugeAnsatz
from ._gauge_vmc import GaugeAnsatz as GaugeAnsatz
from ._gauge_vmc import GaugeSystem as GaugeSystem
from ._gauge_vmc import VMCResult as VMCResult
from ._gauge_vmc import local_energy as local_energy
from ._gauge_vmc import metropolis as metropolis
from ._gauge_vmc import vmc_ground_state as vmc_ground_state
from ._u1_flow import FlowChains as FlowChains
from ._u1_flow import FlowTraining as FlowTraining
from ._u1_flow import U1Flow as U1Flow
from ._u1_flow import ess_per_sample as ess_per_sample
from ._u1_flow import flow_metropolis as flow_metropolis
from ._u1_flow import train_flow as train_flow
