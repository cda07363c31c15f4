"""Exact diagonalisation of Hamiltonian lattice U(1) gauge theory (Kogut–Susskind).

Pure gauge on an Lx × Ly lattice with E_l ∈ ℤ on the links,

    H = (g²/2) Σ_l E_l² − 1/(2g²) Σ_P (U_P + U_P†),

U_P = U_{r,x} U_{r+x̂,y} U†_{r+ŷ,x} U†_{r,y} raising the electric field on the first two links of
the plaquette and lowering it on the last two. Gauss's law (div E = 0 at every site) is built
into the basis: a gauge-invariant state of the zero-winding sector is a set of plaquette
integers n_P, E_{r,x} = n_{P(r)} − n_{P(r−ŷ)} and E_{r,y} = n_{P(r−x̂)} − n_{P(r)} (on a
torus the n_P are defined up to one common shift, fixed by n_{P₀} = 0); U_P shifts n_P by one.
The electric-field truncation |E_l| ≤ Λ keeps the states whose links all satisfy it.

- Single open plaquette: the four links carry one E = n, H = 2g² n² − (1/g²) cos φ, whose
  untruncated ground energy is (g²/2) a₀(1/g⁴) with a₀ the Mathieu characteristic value.
- The 1+1D Schwinger model with the gauge field eliminated (staggered fermions, open chain,
  zero total charge) as a spin chain.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .._checks import check_finite, check_integer, check_positive


@dataclass
class GroundState:
    """Lowest eigenpair of a Hamiltonian: `energy`, normalised `state` over `basis` (one row per
    basis state), and the expectation values in `observables`."""

    energy: float
    state: np.ndarray
    basis: np.ndarray
    observables: dict


def lowest_eigenpair(H: sp.spmatrix) -> tuple[float, np.ndarray]:
    """The lowest eigenvalue and its eigenvector of the symmetric sparse `H` (dense below 400
    states, Lanczos above)."""
    if H.shape[0] < 400:
        w, v = np.linalg.eigh(H.toarray())
        return float(w[0]), v[:, 0]
    w, v = spla.eigsh(H.tocsc(), k=1, which="SA", tol=1e-12)
    return float(w[0]), v[:, 0]


# -- single plaquette ------------------------------------------------------------------------
def plaquette_exact_energy(g2: float) -> float:
    """Untruncated ground energy of the single open plaquette, (g²/2) a₀(q = 1/g⁴)."""
    from scipy.special import mathieu_a

    check_positive("g2", g2)
    return 0.5 * g2 * float(mathieu_a(0, 1.0 / g2 ** 2))


def plaquette_ground_state(g2: float, truncation: int) -> GroundState:
    """ED of the single open plaquette with |E| = |n| ≤ `truncation`: H = 2g² n² on the
    diagonal, −1/(2g²) between n and n ± 1."""
    check_positive("g2", g2)
    check_integer("truncation", truncation, 1)
    n = np.arange(-truncation, truncation + 1)
    off = np.full(n.size - 1, -0.5 / g2)
    H = sp.diags([2 * g2 * n ** 2.0, off, off], [0, -1, 1], format="csr")
    e, psi = lowest_eigenpair(H)
    p = psi ** 2
    obs = {"electric_energy": float(p @ (2 * g2 * n ** 2.0)),
           "plaquette_mean": float(psi[:-1] @ psi[1:])}  # <cos φ> = <(U + U†)/2>
    return GroundState(e, psi, n[:, None], obs)


# -- pure gauge on a torus -------------------------------------------------------------------
def torus_incidence(Lx: int, Ly: int) -> np.ndarray:
    """Link-plaquette incidence B (2·Lx·Ly links × Lx·Ly plaquettes) of the periodic lattice:
    E = B n for plaquette integers n, φ = Bᵀθ for link angles θ (x-links then y-links, site and
    plaquette index r = x + Lx·y)."""
    check_integer("Lx", Lx, 2)
    check_integer("Ly", Ly, 2)
    P = Lx * Ly
    B = np.zeros((2 * P, P), dtype=np.int64)
    for y, x in itertools.product(range(Ly), range(Lx)):
        r = x + Lx * y
        B[r, r] += 1
        B[r, x + Lx * ((y - 1) % Ly)] -= 1
        B[P + r, (x - 1) % Lx + Lx * y] += 1
        B[P + r, r] -= 1
    return B


class PureGaugeTorus:
    """Pure U(1) gauge theory on an Lx × Ly periodic lattice, zero-winding sector, |E_l| ≤ Λ.

    `basis` holds the plaquette integers n_P (n_{P₀} = 0) of every state, `links` their
    electric fields (x-links then y-links, site index r = x + Lx·y)."""

    def __init__(self, Lx: int, Ly: int, g2: float, truncation: int):
        B = torus_incidence(Lx, Ly)  # checks Lx, Ly
        check_positive("g2", g2)
        check_integer("truncation", truncation, 1)
        if Lx * Ly > 6:
            raise ValueError(f"Lx·Ly={Lx * Ly} is beyond exact diagonalisation here (<= 6)")
        self.Lx, self.Ly, self.g2, self.truncation = Lx, Ly, g2, truncation
        P = Lx * Ly
        self.incidence = B
        # every n with n_0 = 0 and |E| ≤ Λ: |n_P| ≤ (graph distance to P₀)·Λ ≤ P·Λ
        span = np.arange(-P * truncation, P * truncation + 1)
        states = []
        for rest in itertools.product(span, repeat=P - 1):
            n = np.array((0, *rest))
            if np.abs(B @ n).max() <= truncation:
                states.append(n)
        self.basis = np.array(states)
        self.links = self.basis @ B.T

    def hamiltonian(self) -> sp.csr_matrix:
        g2, basis = self.g2, self.basis
        index = {tuple(n): i for i, n in enumerate(basis)}
        diag = 0.5 * g2 * (self.links ** 2).sum(1)
        rows, cols = [], []
        P = basis.shape[1]
        for i, n in enumerate(basis):
            for p in range(P):
                m = n.copy()
                m[p] += 1
                if p == 0:
                    m = m - 1  # the common shift: back to n_0 = 0
                j = index.get(tuple(m))
                if j is not None:
                    rows += [i, j]
                    cols += [j, i]
        off = sp.csr_matrix((np.full(len(rows), -0.5 / g2), (rows, cols)),
                            shape=(len(basis), len(basis)))
        return sp.diags(diag, format="csr") + off

    def ground_state(self) -> GroundState:
        H = self.hamiltonian()
        e, psi = lowest_eigenpair(H)
        P = self.basis.shape[1]
        electric = float((psi ** 2) @ (0.5 * self.g2 * (self.links ** 2).sum(1)))
        magnetic = e - electric  # = −(1/g²) Σ_P <cos P>
        return GroundState(e, psi, self.basis,
                           {"electric_energy": electric,
                            "plaquette_mean": float(-magnetic * self.g2 / P)})


# -- Schwinger model -------------------------------------------------------------------------
def schwinger_hamiltonian(N: int, x: float = 1.0, mu: float = 0.0) -> tuple[sp.csr_matrix,
                                                                           np.ndarray]:
    """The 1+1D Schwinger model on N staggered sites (open chain, gauge field eliminated) in
    the zero-charge sector (Σσᶻ = 0):

        W = x Σ (σ⁺ₙσ⁻ₙ₊₁ + h.c.) + (μ/2) Σ [1 + (−1)ⁿ σᶻₙ] + Σ_{n<N−1} [½ Σ_{k≤n} ((−1)ᵏ + σᶻₖ)]²,

    x = 1/(ag)², μ = 2m/(ag²). Returns (W, basis) with basis rows the σᶻ = ±1 configurations."""
    if not isinstance(N, (int, np.integer)) or N < 2 or N % 2:
        raise ValueError(f"N={N!r} must be an even integer >= 2 (staggered fermions)")
    check_positive("x", x)
    check_finite("mu", mu)
    basis = np.array([s for s in itertools.product((1, -1), repeat=N) if sum(s) == 0])
    index = {tuple(s): i for i, s in enumerate(basis)}
    sign = (-1.0) ** np.arange(N)
    charge = np.cumsum(sign + basis, axis=1)[:, :-1] / 2  # L_n, n < N − 1
    diag = 0.5 * mu * (1 + sign * basis).sum(1) + (charge ** 2).sum(1)
    rows, cols = [], []
    for i, s in enumerate(basis):
        for n in range(N - 1):
            if s[n] != s[n + 1]:  # σ⁺σ⁻ + h.c. swaps an up-down pair
                t = list(s)
                t[n], t[n + 1] = t[n + 1], t[n]
                rows.append(i)
                cols.append(index[tuple(t)])
    hop = sp.csr_matrix((np.full(len(rows), float(x)), (rows, cols)),
                        shape=(len(basis), len(basis)))
    return sp.diags(diag, format="csr") + hop, basis


def schwinger_ground_state(N: int, x: float = 1.0, mu: float = 0.0) -> GroundState:
    """Ground state of `schwinger_hamiltonian`, with the fermion occupations ⟨ψ†ₙψₙ⟩ =
    ⟨(1 + σᶻₙ)/2⟩ and the staggered chiral condensate (1/N) Σ (−1)ⁿ ⟨ψ†ₙψₙ⟩."""
    W, basis = schwinger_hamiltonian(N, x, mu)
    e, psi = lowest_eigenpair(W)
    occupation = (psi ** 2) @ ((1 + basis) / 2)
    condensate = float(((-1.0) ** np.arange(N) * occupation).mean())
    return GroundState(e, psi, basis, {"occupation": occupation,
                                       "chiral_condensate": condensate})
