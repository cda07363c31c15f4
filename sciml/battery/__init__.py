"""Learning and inference on the Li-ion models of `solvers.battery`: forward models for
calibration (the classical solver in the loop) and their surrogates."""

from ._forward import SCALES as SCALES
from ._forward import SolverForward as SolverForward
from ._multifidelity import P2DSurrogate as P2DSurrogate
from ._multifidelity import P2DSurrogateConfig as P2DSurrogateConfig
from ._multifidelity import load_surrogate as load_surrogate
from ._multifidelity import train_p2d_surrogate as train_p2d_surrogate
from ._spm_pinn import SPMSurrogate as SPMSurrogate
from ._spm_pinn import SPMSurrogateConfig as SPMSurrogateConfig
from ._spm_pinn import train_spm_surrogate as train_spm_surrogate
