"""Hamiltonian lattice U(1) gauge theory: exact diagonalisation and variational Monte Carlo.

Physics (see `solvers.lattice`): the Kogut–Susskind Hamiltonian with integer electric fields on
the links, H = (g²/2) Σ E² − 1/(2g²) Σ_P (U_P + U_P†), in a basis that satisfies Gauss's law
exactly, truncated at |E| ≤ Λ.

- ``plaquette``: one open plaquette (all four links carry the same E); the untruncated ground
  energy is the Mathieu value (g²/2) a₀(1/g⁴), the reference for `energy_exact`.
- ``torus``: pure gauge on an Lx × Ly periodic lattice (zero-winding sector); `energy_exact` is
  the Λ → ∞ limit, taken as the ED energy at Λ + 4 (converged far below the quoted digits).
- ``schwinger``: the 1+1D Schwinger model on N = Lx staggered sites, gauge field eliminated
  (x = 1/g², μ = 2 mass/g² with a = 1).
- ``gauge-fermion``: lattice QED with staggered fermions on an Lx × Ly lattice (default 2 × 2,
  open; ``--periodic`` for a torus), hopping t, staggered mass m, half filling (zero total
  charge), H = (g²/2)ΣE² − 1/(2g²)Σ(U_P + h.c.) − tΣ η (ψ†Uψ + h.c.) + mΣ(−1)^r ψ†ψ.
  `energy_exact` is ED at the same truncation Λ.

``--method ed`` (default): the plot shows how the ground energy converges with Λ.
``--method vmc`` (plaquette, torus): a neural wavefunction of the plaquette angles
(`sciml.flows`: continuous U(1), no truncation, Gauss's law by construction) trained by
variational Monte Carlo; `energy` ± `energy_stderr` against the untruncated `energy_exact`, and
the energy history as the plot. ``--sampler exact``: an autoregressive wavefunction (von Mises
mixtures) with exact, independent samples instead of Metropolis chains.
``--method vmc`` (gauge-fermion): an autoregressive wavefunction over the Gauss-law states with
a backflow-determinant sign (`sciml.flows.GaugeFermionAnsatz`: exact samples, Gauss's law by
construction), ``--samples`` per iteration, Adam or stochastic reconfiguration
(``--optimizer sr``), against ED at the same truncation.

Run time: ED under 10 s; VMC ~20 s (plaquette) to ~40 s (2×2 torus) at 2000 iterations
(``--quick``: 600 iterations); gauge-fermion VMC ~30 s (2×2) to a few minutes (4×2) at 1500
iterations (``--quick``: 300).
Command: python cases/lattice_qed.py [--system plaquette|torus|schwinger|gauge-fermion]
         [--Lx N] [--Ly N] [--periodic] [--g2 G] [--mass M] [--hopping T] [--method ed|vmc]
         [--truncation L] [--samples N] [--iterations N] [--sampler metropolis|exact]
         [--optimizer adam|sr] [--quick] [--out DIR] [--seed N] [--device cpu|cuda]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from matplotlib.figure import Figure

from sciml.case import UserInputError, case_parser, number, run_case
from sciml.flows import GaugeSystem, vmc_gauge_fermion, vmc_ground_state
from sciml.io import save_figure
from solvers.lattice import (
    GaugeFermionLattice,
    PureGaugeTorus,
    plaquette_exact_energy,
    plaquette_ground_state,
    schwinger_ground_state,
)


def build_parser():
    p = case_parser("lattice_qed", __doc__)
    p.add_argument("--system", choices=("plaquette", "torus", "schwinger", "gauge-fermion"),
                   default="plaquette", help="which system (default plaquette)")
    p.add_argument("--Lx", type=number(2, 64, lo_open=False, integer=True), default=None,
                   help="torus: sites in x (default 2); schwinger: N sites, even (default 8)")
    p.add_argument("--Ly", type=number(1, 64, lo_open=False, integer=True), default=2,
                   help="torus, gauge-fermion: sites in y (default 2; torus >= 2)")
    p.add_argument("--periodic", action="store_true",
                   help="gauge-fermion: periodic lattice (default open)")
    p.add_argument("--hopping", type=number(), default=1.0,
                   help="gauge-fermion: hopping t (default 1)")
    p.add_argument("--g2", type=number(0.0), default=1.0, help="coupling g², > 0 (default 1)")
    p.add_argument("--mass", type=number(), default=None,
                   help="schwinger, gauge-fermion: fermion mass (default 0; gauge-fermion 0.5)")
    p.add_argument("--truncation", type=number(1, 50, lo_open=False, integer=True),
                   default=2, help="electric-field truncation Λ >= 1 (default 2)")
    p.add_argument("--method", choices=("ed", "vmc"), default="ed",
                   help="exact diagonalisation or variational Monte Carlo (default ed)")
    p.add_argument("--iterations", type=number(2, 10**6, lo_open=False, integer=True),
                   default=None, help="VMC iterations (default 2000, quick 600; "
                                      "gauge-fermion 1500, quick 300)")
    p.add_argument("--samples", type=number(2, 10**6, lo_open=False, integer=True),
                   default=512, help="gauge-fermion VMC: samples per iteration (default 512)")
    p.add_argument("--sampler", choices=("metropolis", "exact"), default="metropolis",
                   help="plaquette/torus VMC: an MLP wavefunction with Metropolis chains, or an "
                        "autoregressive one with exact samples (default metropolis)")
    p.add_argument("--optimizer", choices=("adam", "sr"), default="adam",
                   help="gauge-fermion VMC: Adam or stochastic reconfiguration (default adam)")
    return p


def main(args, run):
    # Parameters
    g2, lam = args.g2, args.truncation
    t0 = time.perf_counter()
    summary = {"system": args.system, "g2": g2, "method": args.method}
    if args.system == "gauge-fermion":
        return _gauge_fermion(args, run, summary)
    if args.Ly < 2:
        raise UserInputError(f"argument --Ly: {args.Ly} must be >= 2 for {args.system}")
    if args.method == "vmc":
        return _vmc(args, run, summary)

    # Problem and Solve
    with run.user_input({"N": "--Lx", "Lx": "--Lx", "Ly": "--Ly", "truncation": "--truncation",
                         "g2": "--g2"}):
        if args.system == "schwinger":
            N = args.Lx or 8
            mass = args.mass or 0.0
            gs = schwinger_ground_state(N, x=1.0 / g2, mu=2.0 * mass / g2)
            summary.update(sites=N, mass=mass, energy=gs.energy,
                           chiral_condensate=gs.observables["chiral_condensate"])
            levels, energies = [], []
        elif args.system == "plaquette":
            gs = plaquette_ground_state(g2, lam)
            levels = list(range(1, max(lam, 6) + 1))
            energies = [plaquette_ground_state(g2, L).energy for L in levels]
            summary.update(truncation=lam, energy=gs.energy,
                           energy_exact=plaquette_exact_energy(g2),
                           plaquette_mean=gs.observables["plaquette_mean"],
                           electric_energy=gs.observables["electric_energy"])
        else:
            Lx = args.Lx or 2
            if Lx * args.Ly > 6:
                raise UserInputError(f"argument --Lx/--Ly: {Lx}×{args.Ly} is beyond exact "
                                     "diagonalisation here (Lx·Ly <= 6)")
            levels = list(range(1, lam + 5))
            energies = [PureGaugeTorus(Lx, args.Ly, g2, L).ground_state().energy
                        for L in levels]
            gs = PureGaugeTorus(Lx, args.Ly, g2, lam).ground_state()
            summary.update(Lx=Lx, Ly=args.Ly, truncation=lam, energy=gs.energy,
                           energy_exact=energies[-1], basis_states=len(gs.basis),
                           plaquette_mean=gs.observables["plaquette_mean"],
                           electric_energy=gs.observables["electric_energy"])

    # Analysis
    summary["seconds_solve"] = time.perf_counter() - t0
    if "energy_exact" in summary:
        summary["energy_truncation_error"] = summary["energy"] - summary["energy_exact"]
    print(f"{args.system}: ground energy {gs.energy:.10f}"
          + (f" (Λ → ∞: {summary['energy_exact']:.10f})" if "energy_exact" in summary else "")
          + f"; outputs in {run.out}")

    # Output
    save_figure(_figure(args.system, levels, energies, summary, gs), run.path("energy.png"))
    run.write_summary(summary)


def _vmc(args, run, summary):
    if args.system == "schwinger":
        raise UserInputError("argument --method: vmc is for the pure-gauge systems "
                             "(plaquette, torus)")
    iterations = args.iterations or (600 if args.quick else 2000)
    g2 = args.g2
    with run.user_input({"g2": "--g2", "Lx": "--Lx", "Ly": "--Ly"}):
        if args.system == "plaquette":
            system, exact = GaugeSystem.plaquette(g2), plaquette_exact_energy(g2)
        else:
            Lx = args.Lx or 2
            if Lx * args.Ly > 6:
                raise UserInputError(f"argument --Lx/--Ly: {Lx}×{args.Ly}: the exact reference "
                                     "needs Lx·Ly <= 6")
            system = GaugeSystem.torus(Lx, args.Ly, g2)
            exact = PureGaugeTorus(Lx, args.Ly, g2, 6).ground_state().energy
            summary.update(Lx=Lx, Ly=args.Ly)
    with run.progress(total=iterations, desc="VMC", unit="it") as bar:
        r = vmc_ground_state(system, iterations=iterations, seed=args.seed,
                             sampler=args.sampler, device=args.device, progress=bar.update)
    summary.update(iterations=iterations, sampler=args.sampler, energy=r.energy,
                   energy_stderr=r.energy_stderr,
                   energy_exact=exact, energy_rel_error=r.energy / exact - 1,
                   acceptance=r.acceptance)
    print(f"{args.system}, g² = {g2:g}: VMC energy {r.energy:.6f} ± {r.energy_stderr:.6f} "
          f"(exact {exact:.6f}, relative error {r.energy / exact - 1:+.2e}); "
          f"outputs in {run.out}")
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ax.plot(r.history, lw=0.8, label="VMC ⟨E_loc⟩")
    ax.axhline(exact, color="k", ls="--", label="exact (Λ → ∞)")
    ax.set_xlabel("iteration")
    ax.set_ylabel("energy")
    lo = min(exact, min(r.history[len(r.history) // 10:]))
    ax.set_ylim(lo - 0.05 * abs(lo), max(r.history[len(r.history) // 10:]) + 0.05 * abs(lo))
    ax.legend()
    save_figure(fig, run.path("energy.png"))
    run.write_summary(summary)


def _gauge_fermion(args, run, summary):
    Lx, mass = args.Lx or 2, 0.5 if args.mass is None else args.mass
    with run.user_input({"Lx": "--Lx", "Ly": "--Ly", "periodic": "--periodic", "g2": "--g2",
                         "truncation": "--truncation", "mass": "--mass",
                         "hopping": "--hopping", "Lx·Ly": "--Lx/--Ly"}):
        lattice = GaugeFermionLattice(Lx, args.Ly, periodic=args.periodic, g2=args.g2,
                                      hopping=args.hopping, mass=mass,
                                      truncation=args.truncation)
        t0 = time.perf_counter()
        gs = lattice.ground_state()
    summary.update(Lx=Lx, Ly=args.Ly, periodic=args.periodic, hopping=args.hopping, mass=mass,
                   truncation=args.truncation, basis_states=int(gs.observables["basis_states"]),
                   energy_exact=gs.energy, seconds_ed=time.perf_counter() - t0)
    o = gs.observables
    if args.method == "ed":
        summary.update(energy=gs.energy, plaquette_mean=o["plaquette_mean"],
                       electric_energy=o["electric_energy"],
                       staggered_occupation=_staggered(lattice, o["occupation"]))
        print(f"gauge-fermion {Lx}×{args.Ly}: ED ground energy {gs.energy:.10f} "
              f"({len(gs.basis)} Gauss-law states); outputs in {run.out}")
        history = None
    else:
        iterations = args.iterations or (300 if args.quick else 1500)
        with run.progress(total=iterations, desc="VMC", unit="it") as bar:
            r = vmc_gauge_fermion(lattice, iterations=iterations, samples=args.samples,
                                  optimizer=args.optimizer, seed=args.seed,
                                  measure_samples=8000 if args.quick else 20000,
                                  device=args.device, progress=bar.update)
        summary.update(iterations=iterations, optimizer=args.optimizer, energy=r.energy,
                       energy_stderr=r.energy_stderr, energy_rel_error=r.energy / gs.energy - 1,
                       plaquette_mean=r.observables["plaquette_mean"],
                       plaquette_mean_exact=o["plaquette_mean"],
                       electric_energy=r.observables["electric_energy"],
                       electric_energy_exact=o["electric_energy"],
                       staggered_occupation=_staggered(lattice, r.observables["occupation"]),
                       staggered_occupation_exact=_staggered(lattice, o["occupation"]),
                       rejected_fraction=r.rejected)
        print(f"gauge-fermion {Lx}×{args.Ly}: VMC energy {r.energy:.6f} ± {r.energy_stderr:.6f}"
              f" (ED {gs.energy:.6f}, relative error {r.energy / gs.energy - 1:+.2e}); "
              f"outputs in {run.out}")
        history = r.history
    fig = Figure(figsize=(11, 4))
    ax = fig.subplots(1, 2)
    if history is not None:
        ax[0].plot(history, lw=0.8, label="VMC ⟨E_loc⟩")
        ax[0].axhline(gs.energy, color="k", ls="--", label=f"ED (Λ = {args.truncation})")
        ax[0].set_ylim(gs.energy - 0.1 * abs(gs.energy), gs.energy + 0.5 * abs(gs.energy))
        ax[0].set_xlabel("iteration")
        ax[0].set_ylabel("energy")
        ax[0].legend()
    else:
        ax[0].bar(range(lattice.sites), o["occupation"])
        ax[0].set_xlabel("site r = x + Lx·y")
        ax[0].set_ylabel("⟨ψ†ψ⟩ (ED)")
    ax[1].bar(range(lattice.sites), o["occupation"] - lattice.background, alpha=0.6,
              label="ED")
    if history is not None:
        ax[1].plot(range(lattice.sites), r.observables["occupation"] - lattice.background,
                   "o", label="VMC")
    ax[1].set_xlabel("site r = x + Lx·y")
    ax[1].set_ylabel("charge ⟨q_r⟩")
    ax[1].legend()
    save_figure(fig, run.path("energy.png"))
    run.write_summary(summary)


def _staggered(lattice, occupation) -> float:
    """(1/N) Σ (−1)^r ⟨n_r⟩, the staggered occupation (chiral condensate)."""
    return float((lattice.staggering * occupation).mean())


def _figure(system, levels, energies, summary, gs):
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    if levels:
        err = np.abs(np.array(energies) - summary["energy_exact"])
        ax.semilogy(levels, np.where(err > 0, err, np.nan), "o-")
        ax.set_xlabel("truncation Λ")
        ax.set_ylabel("|E₀(Λ) − E₀(∞)|")
        ax.set_title(f"{system}, g² = {summary['g2']:g}: truncation error")
    else:
        occ = gs.observables["occupation"]
        ax.bar(np.arange(occ.size), occ)
        ax.set_xlabel("site n")
        ax.set_ylabel("⟨ψ†ψ⟩")
        ax.set_title(f"Schwinger model, N = {occ.size}: E₀ = {summary['energy']:.6f}")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
