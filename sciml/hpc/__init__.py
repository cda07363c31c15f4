"""Beyond one machine: parameter sweeps and ensembles on Dask, training under torchrun.

- `sweep` runs a function or a case script (`CaseTask`) over a parameter grid as Dask tasks
  (a LocalCluster, a scheduler address or a SLURM cluster), one folder per point, with retries,
  resume and one merged xarray data set (``python -m sciml sweep`` from the shell).
- `ensemble` maps a function over items (data-set samples) on Dask workers, in order.
- `init_distributed` / `fit` train a model with DistributedDataParallel when launched by
  ``torchrun`` (gloo on CPU, nccl on GPU) and in one process otherwise, with rank-0 logging,
  checkpoints and resume.
"""

from ._cluster import dask_client as dask_client
from ._distributed import Distributed as Distributed
from ._distributed import FitResult as FitResult
from ._distributed import fit as fit
from ._distributed import init_distributed as init_distributed
from ._distributed import launched_by_torchrun as launched_by_torchrun
from ._distributed import shutdown_distributed as shutdown_distributed
from ._ensemble import ensemble as ensemble
from ._grid import Param as Param
from ._grid import parse_param as parse_param
from ._grid import point_key as point_key
from ._sweep import CaseTask as CaseTask
from ._sweep import PointFailed as PointFailed
from ._sweep import merge as merge
from ._sweep import sweep as sweep
from ._templates import slurm_template as slurm_template
