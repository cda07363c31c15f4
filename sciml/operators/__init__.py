"""Neural operators: MgNO (multigrid-parameterised layers) with FNO (neuraloperator) and U-Net
baselines, the generated data sets they learn from, and their training on `sciml.hpc.fit`."""

from ._baselines import UNet as UNet
from ._baselines import fno as fno
from ._data import burgers_dataset as burgers_dataset
from ._data import cache_dir as cache_dir
from ._data import cached_dataset as cached_dataset
from ._data import darcy_dataset as darcy_dataset
from ._data import navier_stokes_dataset as navier_stokes_dataset
from ._losses import relative_h1 as relative_h1
from ._losses import relative_l2 as relative_l2
from ._mgno import MgConv as MgConv
from ._mgno import MgNO as MgNO
from ._train import FieldOperator as FieldOperator
from ._train import evaluate as evaluate
from ._train import parameter_count as parameter_count
from ._train import resample_nodes as resample_nodes
from ._train import train_operator as train_operator
from ._zoo import MATCHED as MATCHED
from ._zoo import build_operator as build_operator
