"""Physics-informed neural networks on DeepXDE (PyTorch backend)."""

from ._backend import configure as configure
from ._backend import deepxde as deepxde
from ._flame import FlamePINNConfig as FlamePINNConfig
from ._flame import FlamePINNResult as FlamePINNResult
from ._flame import train_flame_pinn as train_flame_pinn
from ._training import Schedule as Schedule
from ._training import train as train
from ._variables import PositiveVariable as PositiveVariable
