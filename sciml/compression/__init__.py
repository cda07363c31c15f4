"""A-priori compressed convolutions (every kernel a rank-R CP sum of one-way filters, built
before training) and the frame-prediction CNNs trained on FE wave data."""

from ._cp import CPConv as CPConv
from ._cp import compress as compress
from ._data import FrameScaling as FrameScaling
from ._data import frame_windows as frame_windows
from ._data import wave_dataset as wave_dataset
from ._models import FrameCNN as FrameCNN
from ._train import evaluate as evaluate
from ._train import peak_training_memory as peak_training_memory
from ._train import rollout as rollout
from ._train import train_frame_model as train_frame_model
