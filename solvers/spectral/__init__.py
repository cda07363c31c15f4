"""Periodic pseudo-spectral solvers: active fluids (torch, any device, differentiable: the
1D(x)+θ and 2D kinetic references and the 2D moment model with its closures) and 1D viscous
Burgers (NumPy, ETDRK4, with the exact Cole-Hopf solution) and 2D Navier-Stokes in vorticity
form (torch, Crank-Nicolson/Heun)."""

from ._burgers import burgers_block as burgers_block
from ._burgers import burgers_exact as burgers_exact
from ._burgers import burgers_initial as burgers_initial
from ._burgers import burgers_sample as burgers_sample
from ._burgers import burgers_sine_exact as burgers_sine_exact
from ._burgers import burgers_sine_spectral as burgers_sine_spectral
from ._burgers import solve_burgers as solve_burgers
from ._closures import CLOSURES as CLOSURES
from ._closures import bingham as bingham
from ._closures import bingham_h as bingham_h
from ._closures import bingham_h_exact as bingham_h_exact
from ._closures import closure as closure
from ._closures import m4_quadrature as m4_quadrature
from ._closures import quadratic as quadratic
from ._data import closure_data_params as closure_data_params
from ._data import kinetic_closure_data as kinetic_closure_data
from ._diagnostics import energy_spectrum as energy_spectrum
from ._diagnostics import order_parameter as order_parameter
from ._diagnostics import u_rms as u_rms
from ._kinetic import Kinetic1D as Kinetic1D
from ._kinetic import KineticRun as KineticRun
from ._kinetic2d import Kinetic2D as Kinetic2D
from ._moment import MomentFields as MomentFields
from ._moment import MomentRun as MomentRun
from ._moment import MomentSolver2D as MomentSolver2D
from ._moment import MomentState as MomentState
from ._params import ActiveFluidParams as ActiveFluidParams
from ._vorticity import default_forcing as default_forcing
from ._vorticity import solve_vorticity as solve_vorticity
from ._vorticity import vorticity_block as vorticity_block
from ._vorticity import vorticity_initial as vorticity_initial
