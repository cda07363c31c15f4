"""Kogut–Susskind lattice QED in 2+1D with staggered fermions, in a Gauss-law basis.

    H = (g²/2) Σ_l E_l² − 1/(2g²) Σ_P (U_P + U_P†)
        − t Σ_{r,μ} η_{r,μ} (ψ†_r U_{r,μ} ψ_{r+μ} + h.c.) + m Σ_r (−1)^{r_x+r_y} ψ†_r ψ_r,

η_x = 1, η_y = (−1)^{r_x}, on an Lx × Ly lattice, open or periodic. A state is a set of fermion
occupations n_r (site index r = x + Lx·y, which is also the Jordan–Wigner order) and integer
electric fields E_l on the links (x-links, then y-links). Gauss's law at every site,

    Σ_μ (E_{r,μ} − E_{r−μ̂,μ}) = q_r = n_r − [1 − (−1)^{r_x+r_y}]/2,

sums to zero over the lattice, so only the half-filled sector exists. Every term of H maps a
Gauss-law state to Gauss-law states: U_{r,μ} raises E on its link, ψ†_r U_{r,μ} ψ_{r+μ} moves a
fermion from r + μ̂ to r, with the Jordan–Wigner sign (−1)^(occupied sites strictly between),
and U_P raises the first two links of its plaquette and lowers the last two.

The free variables of a state: its occupations and the fields on the links outside a spanning
tree of the lattice (one per plaquette, and on a torus two windings); the tree links follow
from Gauss's law. The truncation |E_l| ≤ Λ keeps states whose every link satisfies it.

`GaugeFermionLattice.connections` is the one implementation of H's action, used both to
assemble the sparse matrix for exact diagonalisation and for the local energies of variational
Monte Carlo (`sciml.flows`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._checks import check_finite, check_integer, check_positive
from ._ed import GroundState, lowest_eigenpair


@dataclass(frozen=True)
class Connections:
    """The off-diagonal action of H on a batch of states: neighbour `states` (K, D), the
    `source` row each came from (K,), and the matrix element `value` ⟨neighbour|H|source⟩."""

    states: np.ndarray
    source: np.ndarray
    value: np.ndarray


class GaugeFermionLattice:
    """Lattice QED with staggered fermions on an Lx × Ly lattice (`periodic` or open),
    coupling g², hopping t, mass m, truncation |E_l| ≤ Λ.

    A state is a row of D = sites + links integers: the occupations n_r ∈ {0, 1}, then the
    fields E_l. `links` holds (from-site, to-site, direction, η) per link, `plaquettes` the
    four links of each plaquette with their orientation (+1, +1, −1, −1)."""

    def __init__(self, Lx: int, Ly: int, *, periodic: bool = False, g2: float = 1.0,
                 hopping: float = 1.0, mass: float = 0.0, truncation: int = 2):
        check_integer("Lx", Lx, 1)
        check_integer("Ly", Ly, 1)
        if Lx * Ly < 2 or (Lx * Ly) % 2:
            raise ValueError(f"Lx·Ly={Lx * Ly} must be even and >= 2 (staggered fermions at "
                             "half filling)")
        if periodic and (Lx % 2 or Ly % 2 or min(Lx, Ly) < 2):
            raise ValueError(f"periodic={periodic!r} needs Lx and Ly even and >= 2 (staggered "
                             f"phases); the lattice is {Lx}×{Ly}")
        check_positive("g2", g2)
        check_integer("truncation", truncation, 1)
        check_finite("hopping", hopping)
        check_finite("mass", mass)
        self.Lx, self.Ly, self.periodic = Lx, Ly, periodic
        self.g2, self.hopping, self.mass, self.truncation = g2, hopping, mass, truncation
        N = self.sites = Lx * Ly
        site = lambda x, y: (x % Lx) + Lx * (y % Ly)  # noqa: E731
        links, index = [], {}
        for mu, (dx, dy, L) in enumerate(((1, 0, Lx), (0, 1, Ly))):
            for y, x in itertools.product(range(Ly), range(Lx)):
                if (x + dx if mu == 0 else y + dy) < L or (periodic and L > 1):
                    index[(x, y, mu)] = len(links)
                    links.append((site(x, y), site(x + dx, y + dy), mu,
                                  1 if mu == 0 else (-1) ** x))
        self.links = np.array(links, dtype=np.int64).reshape(-1, 4)
        plaquettes = []
        for y, x in itertools.product(range(Ly), range(Lx)):
            ring = [(x, y, 0), ((x + 1) % Lx, y, 1), (x, (y + 1) % Ly, 0), (x, y, 1)]
            if periodic or (x < Lx - 1 and y < Ly - 1):
                if all(k in index for k in ring):
                    plaquettes.append([index[k] for k in ring])
        self.plaquettes = np.array(plaquettes, dtype=np.int64).reshape(-1, 4)
        self.orientation = np.array([1, 1, -1, -1])
        self.staggering = np.array([(-1) ** (x + y) for y in range(Ly) for x in range(Lx)])
        self.background = (1 - self.staggering) // 2  # q_r = n_r − background_r
        # div E = D E with D (sites × links): +1 where the link leaves, −1 where it arrives
        D = np.zeros((N, len(links)), dtype=np.int64)
        np.add.at(D, (self.links[:, 0], np.arange(len(links))), 1)
        np.add.at(D, (self.links[:, 1], np.arange(len(links))), -1)
        self.divergence = D
        self.tree, self.free = self._spanning_tree()
        # tree fields from Gauss's law: E_T = Tinv (q − D_F E_F) on every site but the root
        Dt = D[1:][:, self.tree].astype(float)
        self._tree_inverse = np.rint(np.linalg.inv(Dt)).astype(np.int64) if len(
            self.tree) else np.zeros((0, 0), dtype=np.int64)

    # -- geometry ----------------------------------------------------------------------------
    def _spanning_tree(self) -> tuple[np.ndarray, np.ndarray]:
        """Links of a breadth-first spanning tree from site 0, and the others (the free ones)."""
        seen, tree, frontier = {0}, [], [0]
        while frontier:
            nxt = []
            for s in frontier:
                for l, (a, b, _, _) in enumerate(self.links):
                    if s in (a, b):
                        o = b if s == a else a
                        if o not in seen:
                            seen.add(o)
                            tree.append(l)
                            nxt.append(o)
            frontier = nxt
        if len(seen) != self.sites:
            raise ValueError(f"the {self.Lx}×{self.Ly} lattice is not connected")
        tree = np.array(sorted(tree), dtype=np.int64)
        free = np.setdiff1d(np.arange(len(self.links)), tree)
        return tree, free

    @property
    def dim(self) -> int:
        """Integers per state: occupations then link fields."""
        return self.sites + len(self.links)

    def complete(self, occupations: np.ndarray, free_fields: np.ndarray) -> np.ndarray:
        """Whole states (B, D) from occupations (B, sites) and the fields on the free links
        (B, len(free)), the tree links solved from Gauss's law."""
        n = np.asarray(occupations, dtype=np.int64)
        f = np.asarray(free_fields, dtype=np.int64)
        q = n - self.background
        E = np.zeros((n.shape[0], len(self.links)), dtype=np.int64)
        E[:, self.free] = f
        rhs = q[:, 1:] - f @ self.divergence[1:][:, self.free].T
        E[:, self.tree] = rhs @ self._tree_inverse.T
        return np.concatenate([n, E], axis=1)

    def gauss_violation(self, states: np.ndarray) -> np.ndarray:
        """max_r |div E − q| per state (zero for every physical state)."""
        n, E = states[:, :self.sites], states[:, self.sites:]
        return np.abs(E @ self.divergence.T - (n - self.background)).max(1)

    def in_truncation(self, states: np.ndarray) -> np.ndarray:
        return np.abs(states[:, self.sites:]).max(1, initial=0) <= self.truncation

    # -- the Hamiltonian ---------------------------------------------------------------------
    def diagonal(self, states: np.ndarray) -> np.ndarray:
        """(g²/2) Σ E² + m Σ (−1)^r n_r per state."""
        n, E = states[:, :self.sites], states[:, self.sites:]
        return 0.5 * self.g2 * (E ** 2).sum(1) + self.mass * (n @ self.staggering)

    def connections(self, states: np.ndarray, terms: tuple[str, ...] = ("plaquette",
                                                                      "hopping")
                    ) -> Connections:
        """Every state that H's `terms` (plaquette, hopping) reach from `states` (B, D) within
        the truncation, with its matrix element."""
        states = np.asarray(states, dtype=np.int64)
        S, B = self.sites, states.shape[0]
        out, src, val = [np.zeros((0, self.dim), np.int64)], [np.zeros(0, np.int64)], [
            np.zeros(0)]
        rows = np.arange(B)
        for ring in self.plaquettes if "plaquette" in terms else ():  # U_P and U_P†
            for s in (1, -1):
                new = states.copy()
                new[:, S + ring] += s * self.orientation
                out.append(new)
                src.append(rows)
                val.append(np.full(B, -0.5 / self.g2))
        occ = states[:, :S]
        before = np.cumsum(occ, axis=1) - occ  # occupied sites strictly before each site
        for l, (a, b, _, eta) in enumerate(self.links if "hopping" in terms else ()):
            lo, hi = min(a, b), max(a, b)
            sign = (-1.0) ** (before[:, hi] - before[:, lo] - occ[:, lo])
            for dst, org, dE in ((a, b, 1), (b, a, -1)):  # ψ†_a U ψ_b, then its conjugate
                ok = (occ[:, org] == 1) & (occ[:, dst] == 0)
                new = states[ok].copy()
                new[:, org] = 0
                new[:, dst] = 1
                new[:, S + l] += dE
                out.append(new)
                src.append(rows[ok])
                val.append(-self.hopping * eta * sign[ok])
        new, src, val = np.concatenate(out), np.concatenate(src), np.concatenate(val)
        keep = self.in_truncation(new) & (val != 0)
        return Connections(new[keep], src[keep], val[keep])

    # -- exact diagonalisation ---------------------------------------------------------------
    def basis(self) -> np.ndarray:
        """Every half-filled Gauss-law state within the truncation (rows sorted by `key`)."""
        S, lam = self.sites, self.truncation
        occupied = itertools.combinations(range(S), S // 2)
        fills = np.zeros((math.comb(S, S // 2), S), dtype=np.int64)
        for i, c in enumerate(occupied):
            fills[i, list(c)] = 1
        values = list(itertools.product(range(-lam, lam + 1), repeat=len(self.free)))
        grid = np.array(values, dtype=np.int64).reshape(len(values), len(self.free))
        if len(fills) * len(grid) > 5_000_000:
            raise ValueError(f"the {self.Lx}×{self.Ly} lattice at truncation {lam} has "
                             f"{len(fills) * len(grid)} candidate states: beyond exact "
                             "diagonalisation here (<= 5e6)")
        states = self.complete(np.repeat(fills, len(grid), 0), np.tile(grid, (len(fills), 1)))
        states = states[self.in_truncation(states)]
        return states[np.argsort(self.key(states))]

    def key(self, states: np.ndarray) -> np.ndarray:
        """An integer per state, unique within the truncation (mixed radix)."""
        S, base = self.sites, 2 * self.truncation + 1
        digits = np.concatenate([states[:, :S], states[:, S:] + self.truncation], axis=1)
        radix = np.array([2] * S + [base] * len(self.links), dtype=np.int64)
        if float(np.prod(radix.astype(float))) >= 2.0 ** 62:
            raise ValueError("lattice too large for the state key")
        return digits @ np.cumprod(np.concatenate([[1], radix[:-1]]))

    def hamiltonian(self, basis: np.ndarray | None = None,
                    terms: tuple[str, ...] = ("diagonal", "plaquette", "hopping")
                    ) -> sp.csr_matrix:
        """H (or the sum of its `terms`) as a sparse matrix over `basis` (default `basis()`)."""
        basis = self.basis() if basis is None else basis
        keys = self.key(basis)
        c = self.connections(basis, tuple(t for t in terms if t != "diagonal"))
        col = np.searchsorted(keys, self.key(c.states))
        if not np.array_equal(keys[np.minimum(col, len(keys) - 1)], self.key(c.states)):
            raise RuntimeError("H left the Gauss-law basis")  # would be a bug in `connections`
        # rows: the neighbour, columns: the source state, so H[i, j] = ⟨i|H|j⟩
        H = sp.csr_matrix((c.value, (col, c.source)), shape=(len(basis), len(basis)))
        if "diagonal" in terms:
            H = H + sp.diags(self.diagonal(basis))
        return H.tocsr()

    def ground_state(self) -> GroundState:
        """ED ground state with its energy terms, ⟨cos P⟩ per plaquette and the occupations."""
        basis = self.basis()
        e, psi = lowest_eigenpair(self.hamiltonian(basis))
        p = psi ** 2
        n, E = basis[:, :self.sites], basis[:, self.sites:]
        electric = float(p @ (0.5 * self.g2 * (E ** 2).sum(1)))
        mass = float(p @ (self.mass * (n @ self.staggering)))
        magnetic = float(psi @ (self.hamiltonian(basis, ("plaquette",)) @ psi))
        obs = {"electric_energy": electric, "mass_energy": mass, "magnetic_energy": magnetic,
               "hopping_energy": e - electric - mass - magnetic,
               "plaquette_mean": (-magnetic * self.g2 / len(self.plaquettes)
                                  if len(self.plaquettes) else float("nan")),
               "occupation": p @ n, "basis_states": len(basis)}
        return GroundState(e, psi, basis, obs)
