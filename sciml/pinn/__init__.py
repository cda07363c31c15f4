"""Physics-informed neural networks on DeepXDE (PyTorch backend)."""

from ._backend import configure as configure
from ._backend import deepxde as deepxde
from ._checkpoint import Checkpoint as Checkpoint
from ._flame import FlamePINNConfig as FlamePINNConfig
from ._flame import FlamePINNResult as FlamePINNResult
from ._flame import train_flame_pinn as train_flame_pinn
from ._flame_inverse import FlameInverseResult as FlameInverseResult
from ._flame_inverse import FlameObservations as FlameObservations
from ._flame_inverse import flame_posterior as flame_posterior
from ._flame_inverse import infer_simple_flame as infer_simple_flame
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
