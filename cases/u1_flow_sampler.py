"""Euclidean 2D U(1) lattice gauge theory on an L × L torus: HMC and a gauge-equivariant flow
against the exact results.

Physics (see `solvers.lattice`): links e^{iθ}, action S = −β Σ_P cos P, topological charge
Q = Σ wrap(P)/2π. On a finite torus ⟨cos P⟩, ⟨Q²⟩ and log Z are known exactly (Bessel sums),
the references of `plaquette_exact`, `topological_susceptibility_exact`, `log_partition_exact`.

- ``--sampler hmc``: Hybrid Monte Carlo (leapfrog, Metropolis), 16 independent chains in a
  batch, 200 thermalisation trajectories.
- ``--sampler flow``: a gauge-equivariant normalising flow (`sciml.flows.U1Flow`: 16 coupling
  layers on plaquette stripes, circular CNNs, mixtures of non-compact projections) trained by
  the reverse Kullback–Leibler divergence, then 16 independence-Metropolis chains with proposals
  from the flow (exact whatever the training reached). Training is checkpointed
  (``checkpoint.pt`` every 200 steps, ``--resume`` continues); the trained flow is saved as
  ``flow.pt``. `kl_divergence` is E_q[log q + S] + log Z with the exact log Z.

Both: the plaquette's standard error from the spread of the 16 chain means; τ_int of Q per
chain (emcee's integrated autocorrelation time, averaged over the chains; NaN for a chain
whose Q never changes); `ess_per_sample` = (Σw)²/(NΣw²) of the flow's proposal weights
(null for HMC).

Run time (2 CPU cores): HMC ~5 s at the defaults (L = 8, 2000 trajectories per chain), quick
~2 s; flow ~5 min at the defaults (3000 training steps of 64 samples), quick ~40 s (300 steps).
Command: python cases/u1_flow_sampler.py [--L N] [--beta B] [--sampler hmc|flow]
         [--samples N] [--train-steps N] [--resume] [--quick] [--out DIR] [--seed N]
         [--device cpu|cuda]
"""

from __future__ import annotations

import logging
import sys
import time

import numpy as np
from matplotlib.figure import Figure

from sciml.case import UserInputError, case_parser, number, run_case
from sciml.flows import U1Flow, flow_metropolis, train_flow
from sciml.io import load_checkpoint, save_checkpoint, save_figure
from solvers.lattice import (
    hmc,
    log_partition_exact,
    plaquette_exact,
    topological_susceptibility_exact,
)

CHAINS = 16


def build_parser():
    p = case_parser("u1_flow_sampler", __doc__)
    p.add_argument("--L", type=number(2, 512, lo_open=False, integer=True), default=8,
                   help="lattice side, >= 2; a multiple of 4 for the flow (default 8)")
    p.add_argument("--beta", type=number(0.0, 100.0), default=2.0,
                   help="inverse coupling β, in (0, 100] (default 2)")
    p.add_argument("--sampler", choices=("hmc", "flow"), default="hmc",
                   help="sampler (default hmc)")
    p.add_argument("--samples", type=number(10, 10**7, lo_open=False, integer=True),
                   default=None, help="recorded samples per chain (default 2000, quick 400)")
    p.add_argument("--train-steps", type=number(2, 10**7, lo_open=False, integer=True),
                   default=None, help="flow: training steps of 64 samples (default 3000, "
                                      "quick 300)")
    p.add_argument("--resume", action="store_true",
                   help="flow: continue the training from OUT/checkpoint.pt")
    return p


def main(args, run):
    # Parameters
    samples = args.samples or (400 if args.quick else 2000)
    L, beta = args.L, args.beta
    if args.sampler == "flow" and L % 4:
        raise UserInputError(f"argument --L: {L} must be a multiple of 4 for the flow "
                             "(coupling stripes of period 4)")

    # Problem: the exact references
    exact_p = plaquette_exact(beta, L)
    exact_q2 = topological_susceptibility_exact(beta, L)
    summary = {"L": L, "beta": beta, "sampler": args.sampler, "chains": CHAINS,
               "samples_per_chain": samples}

    # Solve
    if args.sampler == "hmc":
        with run.progress(total=samples + 200, desc="HMC", unit="traj") as bar:
            res = hmc(beta, L, samples, chains=CHAINS, step_size=0.1, steps=10,
                      thermalize=200, seed=args.seed, device=args.device, progress=bar.update)
        plaq, charge, accepted, ess, training = res.plaquette, res.charge, res.accepted, None, None
    else:
        training = _train(args, run, L, beta)
        model = training.model.double()  # measure in float64: exact Metropolis weights
        with run.progress(total=samples, desc="flow Metropolis", unit="step") as bar:
            ch = flow_metropolis(model, beta, samples, chains=CHAINS, seed=args.seed + 1,
                                 progress=bar.update)
        plaq, charge, accepted, ess = ch.plaquette, ch.charge, ch.accepted, ch.ess
        tail = training.loss[-min(100, len(training.loss)):]
        summary.update(train_steps=training.steps, train_seconds=training.seconds,
                       kl_divergence=float(np.mean(tail)) + log_partition_exact(beta, L))

    # Analysis
    import emcee

    per_chain = plaq.mean(0)
    stderr = per_chain.std(ddof=1) / np.sqrt(CHAINS)
    q2 = float((charge ** 2).mean())
    logging.disable(logging.WARNING)  # emcee warns per chain when N < 50 τ; reported below
    try:
        taus = [float(emcee.autocorr.integrated_time(charge[:, c], quiet=True)[0])
                if charge[:, c].std() > 0 else float("nan") for c in range(CHAINS)]
    finally:
        logging.disable(logging.NOTSET)
    tau = float(np.nanmean(taus)) if np.isfinite(taus).any() else float("nan")
    summary.update(plaquette_mean=float(per_chain.mean()), plaquette_stderr=float(stderr),
                   plaquette_exact=exact_p,
                   plaquette_pull=float((per_chain.mean() - exact_p) / stderr),
                   topological_susceptibility=q2, topological_susceptibility_exact=exact_q2,
                   acceptance=float(accepted.mean()), ess_per_sample=ess, tau_int_Q=tau,
                   tau_int_Q_reliable=bool(samples > 50 * tau))
    print(f"{args.sampler}, β = {beta:g}, L = {L}: <cos P> = {per_chain.mean():.5f} ± "
          f"{stderr:.5f} (exact {exact_p:.6f}), <Q²> = {q2:.3f} (exact {exact_q2:.4f}), "
          f"acceptance {accepted.mean():.2f}, τ_int(Q) = {tau:.1f}"
          + (f", ESS/sample {ess:.3f}" if ess is not None else "") + f"; outputs in {run.out}")

    # Output
    save_figure(_figure(args.sampler, plaq, charge, training, exact_p, beta, L),
                run.path("samples.png"))
    run.write_summary(summary)


class _Training:
    def __init__(self, model, loss, steps, seconds):
        self.model, self.loss, self.steps, self.seconds = model, loss, steps, seconds


def _train(args, run, L, beta):
    steps = args.train_steps or (300 if args.quick else 3000)
    meta = {"L": L, "beta": beta, "steps": steps, "seed": args.seed}
    ckpt = run.path("checkpoint.pt")
    model = U1Flow(L).to(args.device)
    start, opt_state, loss = 0, None, []
    if args.resume and ckpt.exists():
        blob = load_checkpoint(ckpt, device=args.device)
        if blob["meta"] != meta:
            raise UserInputError(f"argument --resume: {ckpt} belongs to another run "
                                 f"({blob['meta']}); remove it or use another --out")
        model.load_state_dict(blob["model"])
        start, opt_state, loss = blob["step"], blob["optimizer"], blob["loss"]
    elif ckpt.exists():
        ckpt.unlink()  # a fresh run never mixes in an old one
    history = list(loss)

    def checkpoint(state):
        save_checkpoint({"meta": meta, **state, "loss": history + state["loss"]}, ckpt)

    t0 = time.perf_counter()
    with run.progress(total=steps, initial=start, desc="flow training", unit="step") as bar:
        tr = train_flow(beta, L, steps=steps, seed=args.seed, device=args.device, model=model,
                        start=start, optimizer_state=opt_state, progress=bar.update,
                        checkpoint=checkpoint)
    save_checkpoint({"meta": meta, "model": tr.model.state_dict()}, run.path("flow.pt"))
    return _Training(tr.model, history + tr.loss, steps, time.perf_counter() - t0)


def _figure(sampler, plaq, charge, training, exact_p, beta, L):
    fig = Figure(figsize=(16 if training else 11, 4))
    ax = fig.subplots(1, 3 if training else 2)
    ax[0].plot(charge[:, 0], lw=0.8)
    ax[0].set_xlabel("trajectory" if sampler == "hmc" else "Metropolis step")
    ax[0].set_ylabel("Q (chain 0)")
    ax[0].set_title(f"{sampler}: topological charge, β = {beta:g}, L = {L}")
    running = np.cumsum(plaq.mean(1)) / np.arange(1, plaq.shape[0] + 1)
    ax[1].plot(running, label=f"{sampler} running mean")
    ax[1].axhline(exact_p, color="k", ls="--", label="exact")
    ax[1].set_xlabel(ax[0].get_xlabel())
    ax[1].set_ylabel("<cos P>")
    ax[1].legend()
    if training:
        kl = np.array(training.loss) + log_partition_exact(beta, L)
        ax[2].semilogy(np.convolve(kl, np.ones(20) / 20, mode="valid"))
        ax[2].set_xlabel("training step")
        ax[2].set_ylabel("KL(q‖p) (20-step mean)")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
