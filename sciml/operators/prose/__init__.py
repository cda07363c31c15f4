"""PROSE (Liu, Zhang, Schaeffer): one transformer that reads a noisy trajectory of a parametric
ODE and a possibly wrong guess of its equation, and predicts the trajectory at any query time
and the corrected equation, numbers included. Data come from `solvers.odes`."""

from ._data import ProseData as ProseData
from ._data import cached_ode_dataset as cached_ode_dataset
from ._data import prose_data as prose_data
from ._model import INPUTS as INPUTS
from ._model import Prose as Prose
from ._model import ProseConfig as ProseConfig
from ._train import ERROR_CAP as ERROR_CAP
from ._train import evaluate_prose as evaluate_prose
from ._train import predict as predict
from ._train import prose_loss as prose_loss
from ._train import relative_l2 as relative_l2
from ._train import summarise as summarise
from ._train import train_prose as train_prose
