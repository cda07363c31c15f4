"""Finite elements for the 2D scalar wave equation u_tt = ∇·(c² ∇u) + f: P1 triangle and Q1
quadrilateral meshes (structured or read by meshio), numba assembly of mass, lumped mass and
stiffness, Dirichlet / Neumann / first-order absorbing boundaries, Ricker point sources, and
leapfrog (lumped mass) or Newmark (average acceleration) time stepping."""

from ._assembly import assemble as assemble
from ._assembly import boundary_mass as boundary_mass
from ._assembly import element_values as element_values
from ._assembly import grid_interpolator as grid_interpolator
from ._assembly import interpolation_matrix as interpolation_matrix
from ._assembly import mass_matrix as mass_matrix
from ._assembly import power_iteration as power_iteration
from ._assembly import stable_dt as stable_dt
from ._assembly import stiffness_matrix as stiffness_matrix
from ._ensemble import WaveEnsembleParams as WaveEnsembleParams
from ._ensemble import velocity_model as velocity_model
from ._ensemble import wave_sample as wave_sample
from ._mesh import Mesh as Mesh
from ._mesh import check_quality as check_quality
from ._mesh import mesh_from_meshio as mesh_from_meshio
from ._mesh import rectangle_mesh as rectangle_mesh
from ._mesh import unit_square_mesh as unit_square_mesh
from ._wave import Absorbing as Absorbing
from ._wave import Dirichlet as Dirichlet
from ._wave import Neumann as Neumann
from ._wave import Ricker as Ricker
from ._wave import WaveOperator as WaveOperator
from ._wave import WaveProblem as WaveProblem
from ._wave import WaveSolution as WaveSolution
from ._wave import ricker_green as ricker_green
from ._wave import solve_wave as solve_wave
from ._wave import standing_mode as standing_mode
