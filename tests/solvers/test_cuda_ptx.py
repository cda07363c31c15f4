"""Every numba.cuda kernel of the solvers compiles for a real GPU (PTX for sm_90, the H200's
architecture) on this machine, which has none: numba's CUDA simulator runs kernels as Python
and so cannot tell whether the GPU compiler accepts them. NVIDIA's compiler (NVVM, from the
``numba-cuda[cu12]`` wheels) needs no device; numba asks the driver only for the compute
capability of device functions, which the script below supplies.

Each host wrapper runs as usual with its kernel launches captured: the arguments it would pass
give the kernel's types, and the kernel is compiled for them (its results are not computed:
the simulator tests in tests/solvers/*/ check those)."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("numba_cuda", reason="needs numba-cuda[cu12] (the test extra)")

CAPTURE = r"""
import types
import numpy as np
import numba
from numba import cuda
import numba.cuda.dispatcher as dispatcher

dispatcher.get_current_device = lambda: types.SimpleNamespace(compute_capability=(9, 0))


class HostArray(np.ndarray):
    def copy_to_host(self):
        return np.asarray(self)


cuda.to_device = lambda a: np.ascontiguousarray(a).view(HostArray)
cuda.device_array = lambda shape, dtype=np.float64: np.zeros(shape, dtype).view(HostArray)
compiled = {}


class Launch:
    def __init__(self, name, kernel):
        self.name, self.kernel = name, kernel

    def __getitem__(self, config):
        def launch(*args):
            sig = tuple(numba.typeof(np.asarray(a) if isinstance(a, HostArray) else a)
                        for a in args)
            ptx, _ = cuda.compile_ptx(self.kernel.py_func, sig, cc=(9, 0))
            assert ".target sm_90" in ptx and ".entry" in ptx
            compiled[self.name] = len(ptx)
        return launch


import solvers._gpu
from solvers.fem import _cuda as fem_cuda
from solvers.flame import _cuda as flame_cuda
from solvers.battery import _cuda as battery_cuda
solvers._gpu.available = lambda: True
for module, names in ((fem_cuda, ("_p1_kernel", "_q1_kernel", "_leapfrog_kernel")),
                      (flame_cuda, ("_nodes", "_midpoints", "_interior"))):
    module.require = lambda: None
    for name in names:
        setattr(module, name, Launch(name, getattr(module, name)))
battery_cuda.require = lambda: None
kernels = battery_cuda.p2d_cuda_kernels
battery_cuda.p2d_cuda_kernels = lambda fns: tuple(
    Launch(f"p2d_{k.py_func.__name__}_{fns[0].__name__}", k) for k in kernels(fns))

from solvers.fem import assemble, rectangle_mesh
for element in ("p1", "q1"):
    mesh = rectangle_mesh(4, 3, element=element)
    assemble(mesh, np.ones(mesh.n_cells), backend="cuda")
n = 5
fem_cuda.leapfrog_step_cuda(np.arange(n + 1, dtype=np.int32), np.arange(n, dtype=np.int32),
                            np.ones(n), *(np.ones(n) for _ in range(5)), 0.1, np.ones(n))

from solvers.flame import GasProperties, ch4_one_step_solution
from solvers.flame._premixed import Transport1D
gas = GasProperties.from_cantera(ch4_one_step_solution())
x = np.linspace(0.0, 0.02, 8)
Y = np.full((5, x.size), 0.2)
Transport1D(gas, x, 101325.0, backend="cuda").terms(np.full(x.size, 1000.0), Y,
                                                    np.full(x.size, 0.4), viscosity=True)

from solvers.battery import P2D, Mesh, chen2020
from solvers.battery._model import _probe_states
model = P2D(chen2020(), Mesh(3, 3, 3, 3, 3))  # the one parameter set with P2D data
y, yp = _probe_states(model, np.random.default_rng(0))
model.residuals(0.0, y, yp, np.array([0.0, 1.0, 0.0, 0.0, 1.0]), backend="cuda")
print("COMPILED", sorted(compiled))
"""


def test_every_cuda_kernel_compiles_to_ptx_for_sm90():
    env = {**os.environ}
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    r = subprocess.run([sys.executable, "-c", CAPTURE], capture_output=True, text=True,
                       env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-4000:]
    names = r.stdout.split("COMPILED")[1]
    for kernel in ("_p1_kernel", "_q1_kernel", "_leapfrog_kernel", "_nodes", "_midpoints",
                   "_interior", "p2d_electrodes", "p2d_transport"):
        assert kernel in names, r.stdout
