"""The numba flame kernel against its NumPy twin (`Transport1D.terms_numpy`)."""

import numpy as np
import pytest

from solvers.flame import GasProperties, ch4_one_step_solution
from solvers.flame._premixed import Transport1D


@pytest.fixture(scope="module")
def gas():
    return GasProperties.from_cantera(ch4_one_step_solution())


def _state(seed, n=60):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 0.02, n))
    T = rng.uniform(300.0, 2400.0, n)
    Y = rng.uniform(0.0, 1.0, (5, n))
    Y[:, ::7] = 0.0  # absent species: transport floors, pure-species limits
    Y[4, ::7] = 1.0
    Y[1, 3::5] = -1e-9  # slightly negative O2: the fractional order's concentration floor
    Y /= Y.sum(axis=0)
    return x, T, Y, rng


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("velocity", [False, True])
def test_kernel_matches_numpy_twin(gas, seed, velocity):
    x, T, Y, rng = _state(seed)
    flow = rng.normal(size=x.size) if velocity else np.full(x.size, 0.4)
    tr = Transport1D(gas, x, 1.3e5)
    fast = tr.terms(T, Y, flow, velocity=velocity, viscosity=True)
    twin = tr.terms_numpy(T, Y, flow, velocity=velocity, viscosity=True)
    for name in fast._fields:
        a, b = getattr(fast, name), getattr(twin, name)
        scale = np.max(np.abs(b))
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12 * scale, err_msg=name)


def test_numpy_backend_is_selectable_and_validated(gas):
    x, T, Y, _ = _state(3)
    tr = Transport1D(gas, x, 101325.0, backend="numpy")
    assert tr.terms(T, Y, np.full(x.size, 0.3)).mu is None
    with pytest.raises(ValueError, match="backend='opencl'"):
        Transport1D(gas, x, 101325.0, backend="opencl")


SIMULATED = """
import numpy as np
from numba import cuda
assert cuda.is_available()
from solvers.flame import GasProperties, ch4_one_step_solution
from solvers.flame._premixed import Transport1D
from test_kernels import _state
gas = GasProperties.from_cantera(ch4_one_step_solution())
worst = 0.0
for seed, velocity in ((0, False), (1, True)):
    x, T, Y, rng = _state(seed, n=24)
    flow = rng.normal(size=x.size) if velocity else np.full(x.size, 0.4)
    gpu = Transport1D(gas, x, 1.3e5, backend="cuda").terms(T, Y, flow, velocity=velocity,
                                                           viscosity=True)
    cpu = Transport1D(gas, x, 1.3e5).terms(T, Y, flow, velocity=velocity, viscosity=True)
    twin = Transport1D(gas, x, 1.3e5).terms_numpy(T, Y, flow, velocity=velocity,
                                                  viscosity=True)
    for name in cpu._fields:
        a, b, c = getattr(gpu, name), getattr(cpu, name), getattr(twin, name)
        scale = np.max(np.abs(c))
        worst = max(worst, np.max(np.abs(a - b)) / scale, np.max(np.abs(a - c)) / scale)
print("WORST", worst)
"""


def test_cuda_kernel_matches_cpu_kernel_and_twin_in_the_simulator(simulated_worst):
    """The numba.cuda kernel in numba's CUDA simulator (a fresh interpreter) against the CPU
    kernel and the NumPy twin."""
    from pathlib import Path

    assert simulated_worst(SIMULATED, str(Path(__file__).resolve().parent)) < 1e-12
