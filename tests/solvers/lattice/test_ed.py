"""Exact diagonalisation against the closed forms and the published values of the spec: the
single plaquette (Mathieu), the 2×2 torus at several truncations, the Schwinger model."""

import numpy as np
import pytest

from solvers.lattice import (
    PureGaugeTorus,
    plaquette_exact_energy,
    plaquette_ground_state,
    schwinger_ground_state,
)


@pytest.mark.parametrize(("g2", "exact"), [(0.5, -1.07012970), (1.0, -0.22756930),
                                           (2.0, -0.03103940)])
def test_single_plaquette_converges_to_the_mathieu_value(g2, exact):
    assert plaquette_exact_energy(g2) == pytest.approx(exact, abs=1e-8)
    assert plaquette_ground_state(g2, 12).energy == pytest.approx(exact, abs=1e-8)


def test_truncation_matters_at_small_coupling():
    assert plaquette_ground_state(0.5, 2).energy == pytest.approx(-1.06870782, abs=1e-8)
    # variational from above, and faster than geometric: each ratio smaller than the last
    # (seen: 7.0e-2, 1.4e-3, 8.5e-6, 1.9e-8, 2.0e-11 for Λ = 1 … 5)
    errors = [plaquette_ground_state(0.5, L).energy - plaquette_exact_energy(0.5)
              for L in (1, 2, 3, 4, 5)]
    assert all(e > 0 for e in errors)
    ratios = [b / a for a, b in zip(errors, errors[1:], strict=False)]
    assert all(r2 < r1 for r1, r2 in zip(ratios, ratios[1:], strict=False))
    assert errors[4] < 1e-10


@pytest.mark.parametrize(("truncation", "energy", "tol"),
                         [(1, -0.98991, 1e-5), (2, -1.07603, 1e-5), (3, -1.07699864, 1e-8),
                          (5, -1.07700130, 1e-8)])
def test_torus_2x2_matches_the_spec(truncation, energy, tol):
    torus = PureGaugeTorus(2, 2, 1.0, truncation)
    gs = torus.ground_state()
    assert gs.energy == pytest.approx(energy, abs=tol)
    # Gauss's law on every basis state: div E = 0 at every site
    E = torus.links
    P = 4
    for y in range(2):
        for x in range(2):
            r = x + 2 * y
            div = (E[:, r] - E[:, (x - 1) % 2 + 2 * y]
                   + E[:, P + r] - E[:, P + x + 2 * ((y - 1) % 2)])
            assert not div.any()
    assert np.abs(E).max() == truncation
    assert gs.observables["electric_energy"] > 0
    assert 0 < gs.observables["plaquette_mean"] < 1


@pytest.mark.parametrize(("N", "energy"), [(8, -3.25846325), (12, -5.04784654)])
def test_schwinger_model_matches_the_spec(N, energy):
    gs = schwinger_ground_state(N, x=1.0, mu=0.0)
    assert gs.energy == pytest.approx(energy, abs=1e-7)
    assert gs.observables["occupation"].sum() == pytest.approx(N / 2, abs=1e-12)  # neutral


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="g2="):
        plaquette_ground_state(0.0, 2)
    with pytest.raises(ValueError, match="truncation="):
        PureGaugeTorus(2, 2, 1.0, 0)
    with pytest.raises(ValueError, match="N="):
        schwinger_ground_state(7)
    with pytest.raises(ValueError, match="x="):
        schwinger_ground_state(8, x=-1.0)
    with pytest.raises(ValueError, match="Lx="):
        PureGaugeTorus(1, 2, 1.0, 1)
