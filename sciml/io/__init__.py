"""The only part of the project that touches files."""

from ._atomic import atomic_dir as atomic_dir
from ._atomic import atomic_path as atomic_path
from ._atomic import remove_temporaries as remove_temporaries
from ._files import load_checkpoint as load_checkpoint
from ._files import log_file as log_file
from ._files import read_dataset as read_dataset
from ._files import read_json as read_json
from ._files import read_mesh as read_mesh
from ._files import read_mesh_series as read_mesh_series
from ._files import save_animation as save_animation
from ._files import save_checkpoint as save_checkpoint
from ._files import save_figure as save_figure
from ._files import write_dataset as write_dataset
from ._files import write_json as write_json
from ._files import write_mesh as write_mesh
from ._files import write_mesh_series as write_mesh_series
from ._files import write_text as write_text
