"""The numba.cuda P2D residual (`solvers.battery._cuda`) in numba's CUDA simulator against the
CPU kernel and the NumPy twin; the batched `P2D.residuals` and its input checks."""

import os

import numpy as np
import pytest

from solvers.battery import P2D, Mesh, chen2020
from solvers.battery import _residuals as twins
from solvers.battery._model import _probe_states

DRIVES = np.array([[0.0, 2.0, 0.01, 5.0, 1.0],   # current ramp in C-rates
                   [1.0, 3.9, 0.0, 0.0, 0.0],    # voltage hold
                   [0.0, -1.0, 0.0, 0.0, 1.0]])  # charge


def rows(model, n=3, seed=3):
    rng = np.random.default_rng(seed)
    states = [_probe_states(model, rng) for _ in range(n)]
    return np.array([s[0] for s in states]), np.array([s[1] for s in states])


def test_batched_residuals_match_the_twin_row_by_row():
    model = P2D(chen2020(), Mesh(4, 3, 5, 6, 7))
    Y, YP = rows(model)
    res = model.residuals(12.0, Y, YP, DRIVES)
    for r in range(len(Y)):
        twin = twins.p2d_residual(12.0, Y[r], YP[r], *model.args(DRIVES[r]), model.fns)
        np.testing.assert_allclose(res[r], twin, rtol=0, atol=1e-11 * np.abs(twin).max())
    one = model.residuals(12.0, Y, YP, DRIVES[1])  # one drive for every row
    assert np.array_equal(one[1], res[1]) and not np.array_equal(one[0], res[0])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"backend": "opencl"}, "backend='opencl'; choose from numba, cuda"),
    ({"drive": np.zeros(4)}, "drive must be 5 numbers or (3, 5)"),
    ({"Y": np.zeros((3, 7))}, "Y and YP must both be (rows, "),
])
def test_bad_input_is_refused(kwargs, message):
    model = P2D(chen2020(), Mesh(4, 3, 5, 6, 7))
    Y, YP = rows(model)
    args = {"Y": Y, "YP": YP, "drive": DRIVES, **kwargs}
    backend = args.pop("backend", "numba")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        model.residuals(0.0, args["Y"], args["YP"], args["drive"], backend=backend)


SIMULATED = """
import numpy as np
from numba import cuda
assert cuda.is_available()
from solvers.battery import P2D, Mesh, chen2020
from solvers.battery import _residuals as twins
from solvers.battery._cuda import p2d_residuals_cuda
from test_battery_cuda import DRIVES, rows
worst = 0.0
for kinetics in ("butler-volmer", "linear"):
    model = P2D(chen2020(), Mesh(4, 3, 5, 6, 7), kinetics=kinetics)
    Y, YP = rows(model)
    gpu = model.residuals(12.0, Y, YP, DRIVES, backend="cuda")
    cpu = model.residuals(12.0, Y, YP, DRIVES)
    for r in range(len(Y)):
        twin = twins.p2d_residual(12.0, Y[r], YP[r], *model.args(DRIVES[r]), model.fns)
        scale = np.abs(twin).max()
        worst = max(worst, np.abs(gpu[r] - cpu[r]).max() / scale,
                    np.abs(gpu[r] - twin).max() / scale)
    # rows with their own parameter sets: the second has a 10 % thicker negative electrode
    from solvers.battery._kernels import L_N
    P = np.array([model.p, model.p])
    P[1, L_N] *= 1.1
    member = np.array([0, 1, 1])
    gpu = p2d_residuals_cuda(12.0, Y, YP, P, DRIVES, member, model.dims, model.linear,
                             model.fns)
    for r in range(len(Y)):
        ref = np.empty(model.size)
        model.residual(12.0, Y[r], YP[r], ref, P[member[r]], DRIVES[r], *model.dims,
                       model.linear)
        worst = max(worst, np.abs(gpu[r] - ref).max() / np.abs(ref).max())
    assert np.abs(gpu[1] - cpu[1]).max() > 1e-6 * np.abs(cpu[1]).max()  # L_N matters
print("WORST", worst)
"""


def test_cuda_residual_matches_cpu_kernel_and_twin_in_the_simulator(simulated_worst):
    assert simulated_worst(SIMULATED, os.path.dirname(os.path.abspath(__file__))) < 1e-12
