"""VMC throughput against NetKet on the same problem: the single open plaquette of pure U(1) gauge
theory at g² = 1, side by side in one process.

- NetKet (the peer library for neural quantum states; JAX): the electric basis n ∈ [−Λ, Λ]
  with Λ = 6 (truncation error ~1e-10 here), H = 2g²n² − (1/2g²)(|n+1⟩⟨n| + h.c.) as a
  LocalOperator, an MLP wavefunction, MetropolisLocal chains, Adam.
- sciml.flows: the continuous angle basis (no truncation), `GaugeAnsatz` with Metropolis
  chains, and `AutoregressiveGaugeAnsatz` with exact samples, Adam.

Same number of samples per iteration (256) and iterations (600), float64 for both. Reported:
samples per second over the training loop (all of it: sampling, local energies, gradients,
update), and the final energy against the Mathieu value. NetKet is an optional dependency
(the `validate` extra); without it the script reports our throughput alone and says so.
Writes results/validation/vmc_vs_netket.json.

Run time: ~1 min on 2 CPU cores.
Command: python validation/vmc_vs_netket.py [--iterations N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from sciml.flows import GaugeSystem, vmc_ground_state
from sciml.io import write_json
from solvers.lattice import plaquette_exact_energy

G2, LAMBDA, SAMPLES = 1.0, 6, 256


def netket_plaquette(iterations: int, seed: int = 0) -> dict:
    import jax

    jax.config.update("jax_enable_x64", True)
    import netket as nk

    n = np.arange(-LAMBDA, LAMBDA + 1)
    H = np.diag(2 * G2 * n ** 2.0) - 0.5 / G2 * (np.eye(n.size, k=1) + np.eye(n.size, k=-1))
    hi = nk.hilbert.Fock(n_max=2 * LAMBDA, N=1)  # occupation k ↔ n = k − Λ
    ham = nk.operator.LocalOperator(hi, [H], [[0]])
    model = nk.models.MLP(hidden_dims=(32, 32), param_dtype=np.float64)
    sampler = nk.sampler.MetropolisLocal(hi, n_chains=SAMPLES)
    vs = nk.vqs.MCState(sampler, model, n_samples=SAMPLES, seed=seed, sampler_seed=seed)
    driver = nk.driver.VMC(ham, nk.optimizer.Adam(learning_rate=1e-2), variational_state=vs)
    driver.run(n_iter=5, show_progress=False)  # compile outside the timing
    t0 = time.perf_counter()
    driver.run(n_iter=iterations, show_progress=False)
    seconds = time.perf_counter() - t0
    vs.n_samples = 51200
    e = vs.expect(ham)
    return {"code": f"NetKet {nk.__version__} (JAX {jax.__version__})", "basis": f"|n| ≤ {LAMBDA}",
            "energy": float(e.mean.real), "energy_stderr": float(e.error_of_mean),
            "seconds": seconds, "samples_per_second": iterations * SAMPLES / seconds}


def ours(iterations: int, sampler: str, seed: int = 0) -> dict:
    marks = []  # the time after each training iteration; measurement comes after

    t0 = time.perf_counter()
    r = vmc_ground_state(GaugeSystem.plaquette(G2), iterations=iterations, chains=SAMPLES,
                         measure_sweeps=200, sampler=sampler, seed=seed,
                         progress=lambda k: marks.append(time.perf_counter()))
    seconds = marks[-1] - t0
    return {"code": f"sciml.flows ({sampler})", "basis": "continuous angle",
            "energy": r.energy, "energy_stderr": r.energy_stderr, "seconds": seconds,
            "samples_per_second": iterations * SAMPLES / seconds}


def main(iterations: int = 600) -> dict:
    exact = plaquette_exact_energy(G2)
    rows = [ours(iterations, "metropolis"), ours(iterations, "exact")]
    note = None
    try:
        rows.append(netket_plaquette(iterations))
    except ImportError as exc:
        note = f"NetKet not installed ({exc}); install the 'validate' extra for the comparison"
    print(f"single plaquette, g² = {G2:g}: exact E₀ = {exact:.8f}; {SAMPLES} samples per "
          f"iteration, {iterations} iterations")
    print(f"{'code':38}{'basis':18}{'energy':>22}{'rel err':>10}{'samples/s':>12}")
    for r in rows:
        r["rel_error"] = r["energy"] / exact - 1
        print(f"{r['code']:38}{r['basis']:18}{r['energy']:12.6f} ± {r['energy_stderr']:.6f}"
              f"{r['rel_error']:10.1e}{r['samples_per_second']:12.0f}")
    if len(rows) == 3:
        for r in rows[:2]:
            ratio = r["samples_per_second"] / rows[2]["samples_per_second"]
            r["throughput_ratio_vs_netket"] = ratio
            print(f"{r['code']}: {r['throughput_ratio_vs_netket']:.2f}× NetKet's samples/s")
    if note:
        print(note)
    out = {"exact": exact, "iterations": iterations, "samples_per_iteration": SAMPLES,
           "rows": rows, "note": note}
    path = Path("results") / "validation" / "vmc_vs_netket.json"
    write_json(out, path)
    print(f"written {path}")
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iterations", type=int, default=600)
    main(p.parse_args().iterations)
