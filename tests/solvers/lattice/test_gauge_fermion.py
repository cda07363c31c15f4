"""Lattice QED with staggered fermions: the Gauss-law ED against the Schwinger model (an
independent code path with the spec's published values), against pure gauge at zero hopping, and
its sparse matrix against H assembled independently in the full tensor-product space with
explicit Jordan–Wigner strings."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from solvers.lattice import GaugeFermionLattice, PureGaugeTorus, schwinger_ground_state


@pytest.mark.parametrize("mu", [0.0, 0.5])
def test_open_chain_is_the_schwinger_model(mu):
    # 1D open chain, gauge field kept: with g² = 2 and t = x = 1, H = W − μN/2 (the spin
    # chain's mass term (μ/2)Σ[1 + (−1)ⁿσᶻ] is μΣ(−1)ⁿnₙ + μN/2)
    gs = GaugeFermionLattice(8, 1, g2=2.0, hopping=1.0, mass=mu, truncation=4).ground_state()
    ref = schwinger_ground_state(8, x=1.0, mu=mu).energy
    assert gs.energy + mu * 8 / 2 == pytest.approx(ref, abs=1e-10)
    if mu == 0.0:
        assert gs.energy == pytest.approx(-3.25846325, abs=1e-7)  # the spec's value
    occ = gs.observables["occupation"]
    assert occ.sum() == pytest.approx(4, abs=1e-12)


def test_zero_hopping_is_pure_gauge_plus_the_bare_vacuum():
    # t = 0, m > 0: fermions frozen in the bare vacuum (odd sites filled), zero charge, so the
    # gauge field is the pure-gauge torus (zero winding is the lowest sector)
    L = GaugeFermionLattice(2, 2, periodic=True, g2=1.0, hopping=0.0, mass=1.0, truncation=2)
    pure = PureGaugeTorus(2, 2, 1.0, 2).ground_state().energy
    assert L.ground_state().energy == pytest.approx(pure - 1.0 * 2, abs=1e-10)


def _tensor_product_hamiltonian(L):
    """H in (fermion Fock space) ⊗ (link spaces |E| ≤ Λ) from explicit operators:
    c_i = Z ⊗ … ⊗ Z ⊗ a ⊗ 1 …, U raising E. Written without `connections`."""
    S, nl, lam = L.sites, len(L.links), L.truncation
    d = 2 * lam + 1
    eye2, Z = sp.identity(2), sp.diags([1.0, -1.0])
    a = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))  # |1⟩ → |0⟩
    U = sp.csr_matrix(np.eye(d, k=-1))  # |E⟩ → |E + 1⟩
    E = sp.diags(np.arange(-lam, lam + 1.0))

    def op(factors):
        out = sp.identity(1, format="csr")
        for f in factors:
            out = sp.kron(out, f, format="csr")
        return out

    def c(i):
        return op([Z] * i + [a] + [eye2] * (S - i - 1) + [sp.identity(d)] * nl)

    def link(l, m):
        return op([eye2] * S + [sp.identity(d)] * l + [m] + [sp.identity(d)] * (nl - l - 1))

    H = sum(0.5 * L.g2 * link(l, E @ E) for l in range(nl))
    for r in range(S):
        H = H + L.mass * L.staggering[r] * (c(r).T @ c(r))
    for l, (s0, s1, _, eta) in enumerate(L.links):
        hop = c(s0).T @ link(l, U) @ c(s1)
        H = H - L.hopping * eta * (hop + hop.T)
    for ring in L.plaquettes:
        up = link(ring[0], U) @ link(ring[1], U) @ link(ring[2], U.T) @ link(ring[3], U.T)
        H = H - 0.5 / L.g2 * (up + up.T)
    return H.tocsr()


@pytest.mark.parametrize(("Lx", "Ly", "periodic"), [(2, 2, False), (2, 2, True)])
def test_sparse_matrix_matches_the_tensor_product_construction(Lx, Ly, periodic):
    L = GaugeFermionLattice(Lx, Ly, periodic=periodic, g2=0.8, hopping=0.7, mass=0.3,
                            truncation=1)
    basis = L.basis()
    assert not L.gauss_violation(basis).any()
    full = _tensor_product_hamiltonian(L)
    d = 2 * L.truncation + 1
    radix = [2] * L.sites + [d] * len(L.links)
    place = np.cumprod([1] + radix[::-1][:-1])[::-1]  # first factor most significant
    digits = np.concatenate([basis[:, :L.sites], basis[:, L.sites:] + L.truncation], 1)
    idx = digits @ place
    ours = L.hamiltonian(basis).toarray()
    assert np.abs(full[idx][:, idx].toarray() - ours).max() < 1e-12
    # H never leaves the Gauss-law, half-filled subspace
    rest = np.setdiff1d(np.arange(full.shape[0]), idx)
    assert abs(full[rest][:, idx]).max() == 0
    assert len(basis) == (13 if not periodic else 547)


def test_truncation_is_variational_and_converges():
    energies = [GaugeFermionLattice(3, 2, g2=1.0, hopping=1.0, mass=0.5, truncation=lam)
                .ground_state().energy for lam in (1, 2, 3, 4)]
    # seen: −4.5249, −4.6683, −4.6701, −4.67011 (decreasing, differences shrinking fast)
    diffs = -np.diff(energies)
    assert (diffs > 0).all()
    assert diffs[2] < 0.05 * diffs[1] < 0.05 * diffs[0]


def test_observables_add_up():
    gs = GaugeFermionLattice(3, 2, g2=1.0, hopping=1.0, mass=0.5, truncation=2).ground_state()
    o = gs.observables
    assert o["occupation"].sum() == pytest.approx(3, abs=1e-12)
    assert o["electric_energy"] > 0 and o["hopping_energy"] < 0
    assert -1 < o["plaquette_mean"] < 1
    # staggered mass m > 0 prefers the odd sites: occupation above ½ there
    odd = np.array([(x + y) % 2 for y in range(2) for x in range(3)]) == 1
    assert o["occupation"][odd].mean() > 0.5 > o["occupation"][~odd].mean()


@pytest.mark.parametrize(("kw", "name"), [
    ({"Lx": 3, "Ly": 1}, "Lx·Ly"), ({"Lx": 3, "Ly": 2, "periodic": True}, "periodic"),
    ({"g2": -1.0}, "g2"), ({"truncation": 0}, "truncation"), ({"mass": float("nan")}, "mass"),
])
def test_bad_input_names_the_parameter(kw, name):
    args = {"Lx": 2, "Ly": 2, **kw}
    with pytest.raises(ValueError, match=name):
        GaugeFermionLattice(args.pop("Lx"), args.pop("Ly"), **args)


def test_key_is_unique_on_the_basis():
    L = GaugeFermionLattice(2, 2, periodic=True, truncation=2)
    basis = L.basis()
    assert len(np.unique(L.key(basis))) == len(basis)
    assert len({tuple(s) for s in basis}) == len(basis)
    assert all(sum(s[:4]) == 2 for s in itertools.islice(basis, 100))
