"""Learning and inference on the Li-ion models of `solvers.battery`: forward models for
calibration (the classical solver in the loop) and their surrogates."""

from ._forward import SCALES as SCALES
from ._forward import SolverForward as SolverForward
from ._spm_pinn import SPMSurrogate as SPMSurrogate
from ._spm_pinn import SPMSurrogateConfig as SPMSurrogateConfig
from ._spm_pinn import train_spm_surrogate as train_spm_surrogate
