"""Gauge-fermion VMC: exact autoregressive samples satisfy Gauss's law, p is normalised, the local
energy reproduces ⟨ψ|H|ψ⟩ of the ED matrix, the SR step equals the parameter-space natural
gradient, and a seeded run lands within 1 % of ED at the same truncation."""

import itertools
import math

import numpy as np
import pytest
import torch

from sciml.flows import GaugeFermionAnsatz, sample_states, vmc_gauge_fermion
from sciml.flows._gauge_fermion_vmc import _sr_direction, local_energy
from solvers.lattice import GaugeFermionLattice


def _all_states(L):
    """Every half-filled configuration of the free variables, completed (truncation ignored)."""
    fills = [n for n in itertools.product((0, 1), repeat=L.sites) if sum(n) == L.sites // 2]
    lam = L.truncation
    free = list(itertools.product(range(-lam, lam + 1), repeat=len(L.free)))
    n = np.repeat(np.array(fills), len(free), 0)
    f = np.tile(np.array(free).reshape(len(free), len(L.free)), (len(fills), 1))
    return L.complete(n, f)


@pytest.fixture(scope="module")
def lattice():
    return GaugeFermionLattice(3, 2, g2=1.0, hopping=1.0, mass=0.5, truncation=1)


def test_autoregressive_p_is_normalised_and_samples_obey_gauss(lattice):
    model = GaugeFermionAnsatz(lattice, seed=3)
    states = _all_states(lattice)
    with torch.no_grad():
        p = model.log_prob(torch.as_tensor(states)).exp()
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-12)
    samples, rejected = sample_states(model, 4000, torch.Generator().manual_seed(0))
    assert not lattice.gauss_violation(samples).any()
    assert (samples[:, :lattice.sites].sum(1) == lattice.sites // 2).all()
    assert lattice.in_truncation(samples).all()
    # the rejected fraction is p's weight outside the truncation
    outside = float(p[torch.as_tensor(~lattice.in_truncation(states))].sum())
    assert rejected == pytest.approx(outside, abs=0.03)
    # sample frequencies follow p restricted to the truncation
    keys = lattice.key(samples)
    inside = lattice.in_truncation(states)
    ref = {k: float(q) for k, q in zip(lattice.key(states[inside]), p[torch.as_tensor(inside)],
                                       strict=True)}
    z = sum(ref.values())
    top = sorted(ref, key=ref.get)[-5:]
    for k in top:
        freq = float((keys == k).mean())
        assert freq == pytest.approx(ref[k] / z, abs=4 * math.sqrt(ref[k] / z / 4000) + 1e-3)


def test_local_energy_averages_to_the_ed_expectation(lattice):
    model = GaugeFermionAnsatz(lattice, seed=1)
    basis = lattice.basis()
    with torch.no_grad():
        log_psi = model(torch.as_tensor(basis))
    psi = torch.exp(log_psi).numpy()
    H = lattice.hamiltonian(basis)
    exact = float(np.real(np.conj(psi) @ (H @ psi)) / np.sum(np.abs(psi) ** 2))
    e_loc = local_energy(model, basis).numpy()
    w = np.abs(psi) ** 2
    assert float((w * e_loc.real).sum() / w.sum()) == pytest.approx(exact, abs=1e-12)
    assert abs((w * e_loc.imag).sum()) < 1e-12  # H is Hermitian


def test_sr_direction_is_the_parameter_space_natural_gradient():
    L = GaugeFermionLattice(2, 2, g2=1.0, hopping=1.0, mass=0.5, truncation=1)
    model = GaugeFermionAnsatz(L, hidden=8, seed=0)
    model.backflow = torch.nn.Sequential(torch.nn.Linear(L.dim, 2, dtype=torch.float64),
                                         torch.nn.Tanh(),
                                         torch.nn.Linear(2, 16, dtype=torch.float64))
    states, _ = sample_states(model, 300, torch.Generator().manual_seed(0))
    x = torch.as_tensor(states)
    e = local_energy(model, states)
    shift = 1e-2
    delta = torch.cat([d.flatten() for d in _sr_direction(model, x, e, shift)])
    # O_k per sample by plain autograd, S and F in parameter space
    rows = []
    for s in x:
        out = model(s[None])[0]
        gr = torch.autograd.grad(out.real, list(model.parameters()), allow_unused=True,
                                 retain_graph=True)
        gi = torch.autograd.grad(out.imag, list(model.parameters()), allow_unused=True)
        flat = lambda g: torch.cat([(t if t is not None else torch.zeros_like(p)).flatten()  # noqa: E731
                                    for t, p in zip(g, model.parameters(), strict=True)])
        rows.append(torch.complex(flat(gr), flat(gi)))
    O = torch.stack(rows)
    Oc = O - O.mean(0)
    S = (Oc.conj().T @ Oc).real / len(x)
    F = (Oc.conj().T @ (e - e.mean())).real / len(x)
    ref = torch.linalg.solve(S + shift * torch.eye(len(S), dtype=S.dtype), F)
    assert torch.allclose(delta, ref, rtol=1e-7, atol=1e-9)


def test_vmc_matches_ed_within_one_percent():
    L = GaugeFermionLattice(2, 2, g2=1.0, hopping=1.0, mass=0.5, truncation=2)
    ed = L.ground_state().energy  # −2.8934407532
    r = vmc_gauge_fermion(L, iterations=300, optimizer="adam", measure_samples=8000, seed=2)
    # seen: −2.89361 ± 0.00023 (relative error 6e-5)
    assert abs(r.energy / ed - 1) < 1e-2
    assert abs(r.energy - ed) < 5 * r.energy_stderr + 2e-3
    assert r.observables["occupation"].sum() == pytest.approx(2, abs=1e-12)


def test_bad_optimiser_is_named():
    L = GaugeFermionLattice(2, 2, truncation=1)
    with pytest.raises(ValueError, match="optimizer"):
        vmc_gauge_fermion(L, optimizer="lbfgs")
