"""The only part of the project that touches files."""

from ._atomic import atomic_path as atomic_path
from ._files import load_checkpoint as load_checkpoint
from ._files import read_dataset as read_dataset
from ._files import read_json as read_json
from ._files import read_mesh as read_mesh
from ._files import save_animation as save_animation
from ._files import save_checkpoint as save_checkpoint
from ._files import save_figure as save_figure
from ._files import write_dataset as write_dataset
from ._files import write_json as write_json
from ._files import write_mesh as write_mesh
