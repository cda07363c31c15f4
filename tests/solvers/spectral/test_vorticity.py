"""2D Navier–Stokes vorticity solver: the exact decaying Taylor–Green solution, second order in
time, and the initial-condition measure."""

import math

import numpy as np
import pytest
import torch

from solvers.spectral import solve_vorticity, vorticity_block, vorticity_initial

N = 32
X = np.arange(N) / N


def _taylor_green():
    return np.cos(2 * math.pi * X)[:, None] * np.cos(2 * math.pi * X)[None, :]


def test_taylor_green_decays_exactly_and_converges_at_second_order():
    # ω ∝ ψ, so u·∇ω = 0 and ω(t) = ω₀ exp(−8π²νt): only Crank–Nicolson's error remains
    w0, nu, t = _taylor_green(), 0.05, 0.5
    exact = w0 * math.exp(-8 * math.pi ** 2 * nu * t)
    dts = np.array([0.02, 0.01, 0.005])
    errs = [np.abs(solve_vorticity(w0, nu=nu, t_end=t, dt=dt, forcing=None)[-1, 0].numpy()
                   - exact).max() for dt in dts]
    order = np.polyfit(np.log(dts), np.log(errs), 1)[0]
    assert abs(order - 2.0) < 0.2, (order, errs)


def test_forced_turbulence_converges_at_second_order_in_time():
    w0 = vorticity_initial(N, np.random.default_rng(0))
    ref = solve_vorticity(w0, nu=1e-3, t_end=1.0, dt=0.00125)[-1]
    dts = np.array([0.02, 0.01, 0.005])
    errs = [float((solve_vorticity(w0, nu=1e-3, t_end=1.0, dt=dt)[-1] - ref).abs().max())
            for dt in dts]
    order = np.polyfit(np.log(dts), np.log(errs), 1)[0]
    assert abs(order - 2.0) < 0.2, (order, errs)
    assert abs(float(ref.mean())) < 1e-12  # the forcing and the flow keep the mean zero


def test_initial_field_and_samples():
    rng = np.random.default_rng(1)
    draws = np.stack([np.fft.fft2(vorticity_initial(16, rng)) / 16 ** 2 for _ in range(2000)])
    var = (np.abs(draws) ** 2).mean(0)
    for k1, k2 in ((0, 1), (1, 1), (2, 1)):
        sd2 = 7.0 ** 1.5 * (4 * math.pi ** 2 * (k1 ** 2 + k2 ** 2) + 49.0) ** -2.5
        assert var[k1, k2] == pytest.approx(sd2, rel=0.1)
    pairs = vorticity_block(range(2, 4), seed=0, resolution=16, t_end=0.1, dt=0.01)
    again = vorticity_block([3], seed=0, resolution=16, t_end=0.1, dt=0.01)
    np.testing.assert_allclose(pairs[1][1], again[0][1], rtol=0, atol=1e-14)  # batched FFTs
    with pytest.raises(ValueError, match="nu=0"):
        solve_vorticity(torch.zeros(8, 8), nu=0)
    with pytest.raises(ValueError, match="shape"):
        solve_vorticity(np.zeros((8, 6)))
