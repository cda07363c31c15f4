"""Burgers solver: ETDRK4's fourth order in time and agreement with the exact Cole–Hopf
solution; the initial-condition measure's spectrum."""

import numpy as np
import pytest

from solvers.spectral import burgers_exact, burgers_initial, burgers_sample, solve_burgers

X = np.arange(256) / 256
U0 = np.sin(2 * np.pi * X) + 0.5 * np.cos(4 * np.pi * X + 0.3)


def test_fourth_order_in_time_against_cole_hopf():
    exact = burgers_exact(U0, nu=0.05, t=0.5)
    dts = np.array([0.02, 0.01, 0.005, 0.0025])
    errs = [np.abs(solve_burgers(U0, nu=0.05, t_end=0.5, dt=dt)[-1] - exact).max()
            for dt in dts]
    order = np.polyfit(np.log(dts), np.log(errs), 1)[0]
    assert abs(order - 4.0) < 0.2, (order, errs)
    assert errs[-1] < 1e-9


def test_saved_states_follow_the_exact_solution():
    states = solve_burgers(U0, nu=0.1, t_end=1.0, dt=1e-3, saves=4)
    for i, t in enumerate((0.25, 0.5, 0.75, 1.0)):
        np.testing.assert_allclose(states[i], burgers_exact(U0, nu=0.1, t=t), atol=1e-10)
    with pytest.raises(ValueError, match="zero mean"):
        burgers_exact(U0 + 0.1, nu=0.1, t=1.0)


def test_initial_condition_spectrum():
    rng = np.random.default_rng(0)
    n = 64
    draws = np.stack([np.fft.rfft(burgers_initial(n, rng)) / n for _ in range(4000)])
    var = (np.abs(draws) ** 2).mean(0)  # E|c_k|² = sd_k² for k ≥ 1 (two real halves)
    for k in (1, 2, 5):
        sd = 25.0 / (4 * np.pi ** 2 * k ** 2 + 25.0)
        assert var[k] == pytest.approx(sd ** 2, rel=0.1)


def test_samples_and_bad_input():
    a, b = burgers_sample(0, 3, resolution=64, refine=2)
    a2, b2 = burgers_sample(0, 3, resolution=64, refine=2)
    np.testing.assert_array_equal(b, b2)
    assert a.shape == b.shape == (64,) and np.abs(b).max() < np.abs(a).max()
    with pytest.raises(ValueError, match="nu=-1"):
        solve_burgers(U0, nu=-1)
    with pytest.raises(ValueError, match="n even >= 4"):
        solve_burgers(U0[:-1])


def test_a_batch_is_solved_as_its_members():
    batch = np.stack([U0, 0.5 * U0[::-1]])
    both = solve_burgers(batch, nu=0.1, t_end=0.2, dt=1e-3)[-1]
    for i in range(2):
        np.testing.assert_allclose(both[i], solve_burgers(batch[i], nu=0.1, t_end=0.2,
                                                          dt=1e-3)[-1], rtol=0, atol=1e-13)


def test_sine_benchmark_exact_against_the_spectral_solver():
    """The PINN benchmark (ν = 0.01/π, u0 = −sin πx on [−1, 1]): the Gauss–Hermite Cole–Hopf
    solution and the ETDRK4 solver agree to 1e-9 through the shock's formation, the quadrature
    is converged, and the initial and boundary values hold."""
    from solvers.spectral import burgers_sine_exact, burgers_sine_spectral

    times = np.array([0.25, 0.5, 1.0])
    x, u = burgers_sine_spectral(2048, times)
    exact = burgers_sine_exact(x[None, :], times[:, None])
    assert np.abs(u - exact).max() < 1e-9
    grid = np.linspace(-1, 1, 257)
    assert np.abs(burgers_sine_exact(grid, 1.0, nodes=100)
                  - burgers_sine_exact(grid, 1.0, nodes=200)).max() < 1e-12
    np.testing.assert_allclose(burgers_sine_exact(grid, 0.0), -np.sin(np.pi * grid), atol=1e-15)
    assert np.abs(burgers_sine_exact(np.array([-1.0, 1.0]), 0.7)).max() < 1e-12
    # the steepest slope: |u_x| = 152.00516 at x = 0, t = 1.6037/π (Basdevant et al. 1986)
    h, t = 1e-7, 1.6037 / np.pi
    slope = (burgers_sine_exact(h, t) - burgers_sine_exact(-h, t)) / (2 * h)
    assert abs(slope) == pytest.approx(152.00516, rel=1e-5)
    with pytest.raises(ValueError, match="nodes=400 is outside the valid range"):
        burgers_sine_exact(grid, 1.0, nodes=400)
