"""Darcy generator: second-order convergence on a manufactured solution, the Poisson series
solution, the data's own discretisation error, and the random coefficient."""

import numpy as np
import pytest
import sympy as sp

from solvers.elliptic import (
    DarcyParams,
    darcy_coefficient,
    darcy_matrix,
    darcy_sample,
    gaussian_random_field,
    solve_darcy,
)


def _manufactured():
    x, y = sp.symbols("x y")
    a = 1 + 0.5 * sp.sin(2 * sp.pi * x) * sp.cos(sp.pi * y) + x * y
    u = sp.sin(sp.pi * x) * sp.sin(2 * sp.pi * y) * sp.exp(x)
    f = -(sp.diff(a * sp.diff(u, x), x) + sp.diff(a * sp.diff(u, y), y))
    return (sp.lambdify((x, y), e, "numpy") for e in (a, u, f))


def test_manufactured_solution_converges_at_second_order():
    a_fn, u_fn, f_fn = _manufactured()
    hs, errs = [], []
    for n in (17, 33, 65, 129):
        g = np.linspace(0, 1, n)
        X, Y = np.meshgrid(g, g, indexing="ij")
        u = solve_darcy(a_fn(X, Y), f_fn(X, Y))
        hs.append(1 / (n - 1))
        errs.append(np.abs(u - u_fn(X, Y)).max())
    order = np.polyfit(np.log(hs), np.log(errs), 1)[0]
    assert abs(order - 2.0) < 0.2, (order, errs)
    assert errs[-1] < 1e-3


def test_poisson_centre_value_matches_the_series_solution():
    # −Δu = 1 on the unit square, u = 0 on the boundary: u(½, ½) from the double sine series
    k = np.arange(1, 400, 2)
    series = (16 / np.pi ** 4) * sum(
        (np.sin(m * np.pi / 2) * np.sin(k * np.pi / 2) / (m * k * (m ** 2 + k ** 2))).sum()
        for m in k)
    assert series == pytest.approx(0.0736713533, rel=1e-7)  # truncated after k = 399
    u = solve_darcy(np.ones((129, 129)))
    assert u[64, 64] == pytest.approx(series, rel=1e-4)


def test_matrix_is_symmetric_positive_definite():
    a = darcy_coefficient(12, np.random.default_rng(1))
    A = darcy_matrix(a).toarray()
    np.testing.assert_allclose(A, A.T, rtol=0, atol=1e-9 * np.abs(A).max())
    assert np.linalg.eigvalsh(A).min() > 0


def test_data_discretisation_error_is_small():
    # a drawn on 253² nodes; the 64² data solved on 127² (as generated) against a 253² solve
    a = darcy_coefficient(253, np.random.default_rng(3))
    fine = solve_darcy(a)[::4, ::4]
    coarse = solve_darcy(a[::2, ::2])[::2, ::2]
    rel = np.linalg.norm(coarse - fine) / np.linalg.norm(fine)
    assert rel < 1e-2, rel


def test_samples_depend_only_on_seed_and_index():
    a1, u1 = darcy_sample(5, 7, resolution=16)
    a2, u2 = darcy_sample(5, 7, resolution=16)
    np.testing.assert_array_equal(u1, u2)
    assert a1.shape == (16, 16) and set(np.unique(a1)) <= {3.0, 12.0}
    assert not np.array_equal(darcy_sample(5, 8, resolution=16)[0], a1)
    assert (u1[0] == 0).all() and (u1[:, -1] == 0).all() and u1.max() > 0


def test_random_field_spectrum():
    # Mode variances n² τ^{2(α−1)} (π²|k|² + τ²)^(−α) (orthonormal DCT), averaged over draws.
    rng = np.random.default_rng(0)
    import scipy.fft

    n, alpha, tau = 32, 2.0, 3.0
    draws = np.stack([scipy.fft.dctn(gaussian_random_field(n, rng, alpha=alpha, tau=tau),
                                     type=2, norm="ortho") for _ in range(400)])
    var = draws.var(axis=0)
    for k1, k2 in ((0, 1), (1, 1), (2, 3)):
        expect = n ** 2 * tau ** (2 * alpha - 2) * (np.pi ** 2 * (k1 ** 2 + k2 ** 2)
                                                    + tau ** 2) ** (-alpha)
        assert var[k1, k2] == pytest.approx(expect, rel=0.2)
    assert var[0, 0] < 1e-20


@pytest.mark.parametrize(("kw", "match"), [({"alpha": 0.1}, "alpha=0.1"),
                                           ({"a_low": -1.0}, "a_low=-1.0"),
                                           ({"f": float("nan")}, "f=nan")])
def test_bad_parameters(kw, match):
    with pytest.raises(ValueError, match=match):
        DarcyParams(**kw)
    with pytest.raises(ValueError, match="> 0 everywhere"):
        solve_darcy(-np.ones((5, 5)))
    with pytest.raises(ValueError, match="resolution=2"):
        darcy_sample(0, 0, resolution=2)
