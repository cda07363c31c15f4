"""Physics-informed neural networks on DeepXDE (PyTorch backend): the shared layer (float64 set-up,
hard constraints in the output transform, trainable physical variables, the Adam → L-BFGS
schedule with checkpoints and a loss history), the Burgers benchmark, multi-domain PINNs with
switchable interface conditions and METALIC's bandit over them, and the flame PINNs."""

from ._backend import configure as configure
from ._backend import deepxde as deepxde
from ._burgers import BurgersPINNConfig as BurgersPINNConfig
from ._burgers import BurgersPINNResult as BurgersPINNResult
from ._burgers import burgers_error as burgers_error
from ._burgers import burgers_model as burgers_model
from ._burgers import burgers_residual as burgers_residual
from ._burgers import train_burgers_pinn as train_burgers_pinn
from ._checkpoint import Checkpoint as Checkpoint
from ._constraints import OutputTransform as OutputTransform
from ._constraints import bounded as bounded
from ._constraints import dirichlet as dirichlet
from ._constraints import initial_boundary as initial_boundary
from ._constraints import interval_distance as interval_distance
from ._constraints import positive as positive
from ._flame import FlamePINNConfig as FlamePINNConfig
from ._flame import FlamePINNResult as FlamePINNResult
from ._flame import train_flame_pinn as train_flame_pinn
from ._flame_inverse import FlameInverseResult as FlameInverseResult
from ._flame_inverse import FlameObservations as FlameObservations
from ._flame_inverse import flame_posterior as flame_posterior
from ._flame_inverse import infer_simple_flame as infer_simple_flame
from ._lbfgs import batched_lbfgs as batched_lbfgs
from ._metalic import Metalic as Metalic
from ._metalic import MetalicConfig as MetalicConfig
from ._metalic import RewardModel as RewardModel
from ._metalic import reward_of as reward_of
from ._metalic import run_metalic as run_metalic
from ._multidomain import DEFAULT_ARM as DEFAULT_ARM
from ._multidomain import FAMILIES as PDE_FAMILIES
from ._multidomain import INTERFACE_TERMS as INTERFACE_TERMS
from ._multidomain import N_ARMS as N_ARMS
from ._multidomain import MultiDomainConfig as MultiDomainConfig
from ._multidomain import MultiDomainPINN as MultiDomainPINN
from ._multidomain import MultiDomainResult as MultiDomainResult
from ._multidomain import PdeFamily as PdeFamily
from ._multidomain import arm_bits as arm_bits
from ._multidomain import arm_of as arm_of
from ._multidomain import conditions_of as conditions_of
from ._multidomain import relative_errors as relative_errors
from ._multidomain import train_multidomain as train_multidomain
from ._premixed import COUNTERFLOW_CONFIG as COUNTERFLOW_CONFIG
from ._premixed import PremixedPINNConfig as PremixedPINNConfig
from ._premixed import PremixedPINNResult as PremixedPINNResult
from ._premixed import train_ch4_flame_pinn as train_ch4_flame_pinn
from ._premixed import train_counterflow_pinn as train_counterflow_pinn
from ._training import Schedule as Schedule
from ._training import train as train
from ._variables import BoundedVariable as BoundedVariable
from ._variables import PositiveVariable as PositiveVariable
from ._variables import RealVariable as RealVariable
