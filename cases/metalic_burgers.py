"""METALIC: interface conditions of multi-domain PINNs chosen by a contextual bandit.

Physics (`sciml.pinn.PDE_FAMILIES`, each with its exact solution): Burgers u_t + u u_x = ν u_xx,
ν ∈ [0.001, 0.05], on [−1, 1] × [0, 1] cut at x = ±0.1 (a subdomain around the shock),
reference Cole–Hopf; advection u_t + β u_x = 0, β ∈ [1, 30], periodic, cut at x = π; reaction
u_t = ρ u(1 − u), ρ ∈ [1, 15], periodic, cut at x = π; Poisson Δu + f = 0, u = sin(ωπx)
sin(πy), ω ∈ [1, 6], cut at x = 0.5. One tanh network per subdomain, initial and Dirichlet
conditions hard, Adam then L-BFGS.

The bandit (`sciml.pinn.Metalic`): context the PDE parameter, arm one of the 2⁹ = 512 on/off
patterns of the nine interface terms, reward −log10(relative L2 error); a scikit-learn GP reward
model, UCB (GP-BUCB within a round) or Thompson sampling, updated after every round of
`--batch` pulls at random parameters. The two-stage variant picks the Adam-phase and the
L-BFGS-phase arms separately; every round trains from other initial weights and points.
Then, on held-out parameters, the arm METALIC predicts best is compared with the fixed default
(solution + residual continuity), with random arms, and, on `--exhaustive` of them, with every
one of the 512 arms. Each held-out error is the mean over `--eval-seeds` trainings from
initial weights and points the bandit never saw: one training's error varies by up to 3x
with the seed, as much as good arms differ.

Run time (2 CPU cores): quick ~1 min; default ~25 min (Burgers, 3 evaluation seeds).
Command: python cases/metalic_burgers.py [--pde burgers|advection|reaction|poisson]
         [--budget N] [--iterations N] [--batch N] [--strategy ucb|thompson] [--no-two-stage]
         [--held-out N] [--exhaustive N] [--random N] [--eval-seeds N] [--resume] [--quick]
         [--out DIR]
         [--seed N] [--device cpu|cuda]
"""

from __future__ import annotations

import sys
from dataclasses import asdict

import numpy as np
import torch
import xarray as xr
from matplotlib.figure import Figure

from sciml.case import UserInputError, case_parser, number, run_case
from sciml.io import save_figure, write_dataset
from sciml.pinn import (
    DEFAULT_ARM,
    INTERFACE_TERMS,
    N_ARMS,
    PDE_FAMILIES,
    Metalic,
    MetalicConfig,
    MultiDomainConfig,
    arm_bits,
    conditions_of,
    evaluation_seeds,
    reward_of,
    run_metalic,
    train_multidomain,
)
from sciml.pinn._multidomain import ERROR_CAP, capped_errors, reference

SHORT = {"solution": "u", "average": "avg", "residual": "r", "residual_continuity": "[r]",
         "flux": "[F]", "d2u_dy2": "[u_yy]", "residual_gradient": "r_x", "du_dx": "[u_x]",
         "d2u_dx2": "[u_xx]"}


def build_parser():
    p = case_parser("metalic_burgers", __doc__)
    p.add_argument("--pde", choices=tuple(PDE_FAMILIES), default="burgers",
                   help="PDE family (default burgers)")
    p.add_argument("--budget", type=number(1, 10**6, lo_open=False, integer=True), default=None,
                   help="Adam iterations of each training; L-BFGS gets a third as many "
                        "(default 600, quick 150)")
    p.add_argument("--iterations", type=number(1, 10**4, lo_open=False, integer=True),
                   default=None, help="bandit rounds (default 10, quick 3)")
    p.add_argument("--batch", type=number(1, 4096, lo_open=False, integer=True), default=None,
                   help="pulls per round, each at its own random parameter (default 12, "
                        "quick 8)")
    p.add_argument("--strategy", choices=("ucb", "thompson"), default="ucb",
                   help="acquisition (default ucb)")
    p.add_argument("--no-two-stage", action="store_true",
                   help="skip the two-stage (Adam / L-BFGS) bandit")
    p.add_argument("--held-out", type=number(1, 1000, lo_open=False, integer=True),
                   default=None, help="held-out parameters (default 4, quick 2)")
    p.add_argument("--exhaustive", type=number(0, 1000, lo_open=False, integer=True),
                   default=1, help="held-out parameters on which all 512 arms are trained "
                                   "(default 1)")
    p.add_argument("--random", type=number(1, N_ARMS, lo_open=False, integer=True),
                   default=None, help="random arms per held-out parameter (default 24, quick 8)")
    p.add_argument("--eval-seeds", type=number(1, 100, lo_open=False, integer=True),
                   default=None, help="trainings (initial weights and points) averaged for each "
                                      "held-out error (default 3, quick 1)")
    p.add_argument("--resume", action="store_true",
                   help="continue the bandits from their checkpoints in OUT")
    return p


def _train_config(quick: bool, budget: int | None) -> MultiDomainConfig:
    adam = budget or (150 if quick else 600)
    if quick:
        return MultiDomainConfig(width=10, depth=2, points=40, interface_points=16, adam=adam,
                                 lbfgs=max(adam // 3, 1), grid=(101, 51), dtype="float32")
    return MultiDomainConfig(width=16, depth=2, points=100, interface_points=32, adam=adam,
                             lbfgs=max(adam // 3, 1), grid=(201, 101), dtype="float32")


def _names(arm: int) -> str:
    return "+".join(SHORT[n] for n in conditions_of(int(arm))) or "(none)"


def main(args, run):
    # Parameters
    quick = args.quick
    fam = PDE_FAMILIES[args.pde]
    train = _train_config(quick, args.budget)
    rounds = args.iterations or (3 if quick else 10)
    batch = args.batch or (8 if quick else 12)
    n_held = args.held_out or (2 if quick else 4)
    n_random = args.random or (8 if quick else 24)
    n_seeds = args.eval_seeds or (1 if quick else 3)
    if args.exhaustive > n_held:
        raise UserInputError(f"argument --exhaustive: {args.exhaustive} must be <= --held-out "
                             f"({n_held})")
    device = torch.device(args.device)
    variants = {"metalic": MetalicConfig(strategy=args.strategy, batch=batch)}
    if not args.no_two_stage:
        variants["two_stage"] = MetalicConfig(strategy=args.strategy, batch=batch,
                                              two_stage=True)
    meta = {"train": asdict(train), "rounds_seed": args.seed, "training_seeds": "per round"}

    # Problem
    held_out = fam.from_unit((np.arange(n_held) + 0.5) / n_held)
    exhaustive = sorted({int(j) for j in np.floor((np.arange(args.exhaustive) + 0.5)
                                                  * n_held / max(args.exhaustive, 1))})
    eval_seeds = evaluation_seeds(args.seed, n_seeds)  # weights and points the bandit never saw

    # Solve
    bandits = {}
    for name, cfg in variants.items():
        path = run.path(f"bandit_{name}.json")
        if args.resume and path.exists():
            try:
                bandit = Metalic.load(path, fam, cfg, seed=args.seed, meta=meta)
            except ValueError as exc:
                raise UserInputError(f"argument --resume: {exc}") from None
        else:
            bandit = Metalic(fam, cfg, seed=args.seed)
        with run.progress(total=rounds, initial=bandit.rounds, desc=f"{name} bandit",
                          unit="round") as bar:
            run_metalic(bandit, rounds, train, seed=args.seed, device=device,
                        after_round=lambda b, path=path: b.save(path, meta),
                        progress=bar.update)
        bandits[name] = bandit

    picks = {name: b.best(held_out) for name, b in bandits.items()}
    rng = np.random.default_rng([args.seed, 10**6])
    random_arms = rng.integers(0, N_ARMS, (n_held, n_random))
    jobs = set()
    for j in range(n_held):
        jobs.add((j, DEFAULT_ARM, DEFAULT_ARM))
        for a1, a2 in picks.values():
            jobs.add((j, int(a1[j]), int(a2[j])))
        arms = range(N_ARMS) if j in exhaustive else random_arms[j]
        jobs.update((j, int(a), int(a)) for a in arms)
    jobs = sorted(jobs)
    idx = np.array([j for j, _, _ in jobs])
    total = (train.adam + train.lbfgs) * -(-len(jobs) // train.max_batch) * n_seeds
    with run.progress(total=total, desc=f"held-out trainings ({len(jobs)} x {n_seeds} seeds)",
                      unit="it") as bar:
        res = [train_multidomain(fam, held_out[idx], [a for _, a, _ in jobs],
                                 arms_lbfgs=[b for _, _, b in jobs], config=train,
                                 seed=s, device=device, progress=bar.update)
               for s in eval_seeds]
    rel_l2 = np.array([r.rel_l2 for r in res])  # (seed, job)
    err = dict(zip(jobs, capped_errors(rel_l2.ravel()).reshape(rel_l2.shape).mean(0).tolist(),
                   strict=True))

    # Analysis
    def pick_error(name, j):
        a1, a2 = picks[name]
        return err[(j, int(a1[j]), int(a2[j]))]

    table = {"default": [err[(j, DEFAULT_ARM, DEFAULT_ARM)] for j in range(n_held)]}
    for name in bandits:
        table[name] = [pick_error(name, j) for j in range(n_held)]
    table["random_mean"] = [
        float(np.mean([err[(j, a, a)] for a in (range(N_ARMS) if j in exhaustive
                                                   else random_arms[j])]))
        for j in range(n_held)]
    summary = {"pde": fam.name, "parameter": fam.parameter, "strategy": args.strategy,
               "budget_adam": train.adam, "budget_lbfgs": train.lbfgs,
               "bandit_rounds": rounds, "pulls_per_round": batch,
               "bandit_pulls": sum(len(b.records) for b in bandits.values()),
               "held_out": ",".join(f"{p:.4g}" for p in held_out),
               "held_out_trainings": len(jobs) * n_seeds, "eval_seeds": n_seeds,
               "error_cap": ERROR_CAP,
               "rel_l2_metalic": float(np.mean(table["metalic"])),
               "rel_l2_default": float(np.mean(table["default"])),
               "rel_l2_random_mean": float(np.mean(table["random_mean"])),
               # the bandit's own objective: mean −log10(rel. L2) over the held-out set
               "reward_metalic": float(np.mean(reward_of(table["metalic"]))),
               "reward_default": float(np.mean(reward_of(table["default"]))),
               "metalic_beats_default": int(sum(m < d for m, d in zip(
                   table["metalic"], table["default"], strict=True))),
               "metalic_beats_random_mean": int(sum(m < r for m, r in zip(
                   table["metalic"], table["random_mean"], strict=True)))}
    if "two_stage" in bandits:
        summary["rel_l2_metalic_two_stage"] = float(np.mean(table["two_stage"]))
    for j, p in enumerate(held_out):
        for key in table:
            summary[f"rel_l2_{key}_{fam.parameter}_{p:.4g}"] = table[key][j]
        summary[f"arm_metalic_{fam.parameter}_{p:.4g}"] = _names(picks["metalic"][0][j])
    if exhaustive:
        every = np.array([[err[(j, a, a)] for a in range(N_ARMS)] for j in exhaustive])
        summary["exhaustive_parameters"] = ",".join(f"{held_out[j]:.4g}" for j in exhaustive)
        summary["rel_l2_best_exhaustive"] = float(every.min(1).mean())
        summary["rel_l2_metalic_on_exhaustive_set"] = float(np.mean(
            [table["metalic"][j] for j in exhaustive]))
        summary["rel_l2_default_on_exhaustive_set"] = float(np.mean(
            [table["default"][j] for j in exhaustive]))
        summary["rel_l2_random_mean_on_exhaustive_set"] = float(every.mean())
        ranks = [1 + int(np.sum(every[i] < table["metalic"][j])) for i, j in
                 enumerate(exhaustive)]
        summary["metalic_rank_exhaustive"] = float(np.mean(ranks))
        summary["default_rank_exhaustive"] = float(np.mean(
            [1 + int(np.sum(every[i] < table["default"][j])) for i, j in enumerate(exhaustive)]))
        summary["arm_best_exhaustive"] = ";".join(_names(int(np.argmin(e))) for e in every)

    # Output
    b = bandits["metalic"]
    rec = b.records
    bandit_ds = xr.Dataset(
        {"param": ("pull", [r["param"] for r in rec]), "arm": ("pull", [r["arm"] for r in rec]),
         "round": ("pull", [r["round"] for r in rec]),
         "rel_l2": ("pull", [np.nan if r["rel_l2"] is None else r["rel_l2"] for r in rec]),
         "reward": ("pull", reward_of([r["rel_l2"] for r in rec])),
         "bits": (("pull", "term"), arm_bits([r["arm"] for r in rec]))},
        coords={"term": list(INTERFACE_TERMS)},
        attrs={"pde": fam.name, "parameter": fam.parameter, "strategy": args.strategy})
    write_dataset(bandit_ds, run.path("bandit_pulls.nc"))
    write_dataset(xr.Dataset(
        {"held_out": ("job", held_out[idx]), "arm": ("job", [a for _, a, _ in jobs]),
         "arm_lbfgs": ("job", [a for _, _, a in jobs]), "rel_l2": (("seed", "job"), rel_l2),
         "rel_l2_adam": (("seed", "job"), np.array([r.rel_l2_adam for r in res]))},
        coords={"seed": eval_seeds},
        attrs={"pde": fam.name, "default_arm": DEFAULT_ARM}),
        run.path("held_out_trainings.nc"))
    show = exhaustive[0] if exhaustive else 0
    p_show = float(held_out[show])
    arm_show = int(picks["metalic"][0][show])
    fields = train_multidomain(fam, [p_show, p_show], [arm_show, DEFAULT_ARM],
                               config=train, seed=eval_seeds[0], device=device)
    save_figure(_solution_figure(fam, p_show, fields, train.grid, arm_show),
                run.path("metalic_solution.png"))
    save_figure(_reward_figure(b, held_out, exhaustive, err), run.path("metalic_reward.png"))
    run.write_summary(summary)
    line = (f"METALIC on {fam.name} ({rounds} rounds x {batch} pulls): held-out rel. L2 "
            f"{summary['rel_l2_metalic']:.3e} vs default {summary['rel_l2_default']:.3e}, "
            f"random {summary['rel_l2_random_mean']:.3e}")
    if exhaustive:
        line += (f", exhaustive best {summary['rel_l2_best_exhaustive']:.3e} (METALIC's pick "
                 f"ranks {summary['metalic_rank_exhaustive']:.0f} of 512)")
    print(line + f"; outputs in {run.out}")


def _solution_figure(fam, p, fields, grid, arm) -> Figure:
    pts, ref = reference(fam, p, grid)
    nx, ny = grid
    pred = fields.model.predict(pts)
    (x0, x1), (y0, y1) = fam.box
    fig = Figure(figsize=(14, 6.5), layout="constrained")
    axes = fig.subplots(2, 3)
    ext = (x0, x1, y0, y1)
    panels = [(ref, f"reference ({fam.parameter} = {p:.4g})"),
              (pred[0], f"METALIC's pick {_names(arm)}: rel. L2 {fields.rel_l2[0]:.2e}"),
              (pred[1], f"default u+[r]: rel. L2 {fields.rel_l2[1]:.2e}")]
    lim = np.abs(ref).max()
    for ax, (u, title) in zip(axes[0], panels, strict=True):
        im = ax.imshow(u.reshape(ny, nx), origin="lower", extent=ext, aspect="auto",
                       cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(title, fontsize=9)
        for c in fam.cuts:
            ax.axvline(c, color="k", lw=0.6, ls="--")
    fig.colorbar(im, ax=axes[0, 2])
    err_max = max(np.abs(pred[k] - ref).max() for k in range(2))
    for ax, k, title in ((axes[1, 1], 0, "|METALIC − reference|"),
                         (axes[1, 2], 1, "|default − reference|")):
        im = ax.imshow(np.abs(pred[k] - ref).reshape(ny, nx), origin="lower", extent=ext,
                       aspect="auto", cmap="magma", vmin=0, vmax=err_max)
        ax.set_title(title, fontsize=9)
        for c in fam.cuts:
            ax.axvline(c, color="w", lw=0.6, ls="--")
    fig.colorbar(im, ax=axes[1, 2])
    ax = axes[1, 0]
    y_name = "t" if fam.name != "poisson" else "y"
    j = ny - 1 if fam.name != "poisson" else ny // 2
    x = np.linspace(x0, x1, nx)
    ax.plot(x, ref.reshape(ny, nx)[j], "k", lw=2, label="reference")
    ax.plot(x, pred[0].reshape(ny, nx)[j], "C3--", label="METALIC")
    ax.plot(x, pred[1].reshape(ny, nx)[j], "C0:", label="default")
    ax.set_title(f"{y_name} = {np.linspace(y0, y1, ny)[j]:.2f}", fontsize=9)
    ax.legend(fontsize=8)
    for row in axes:
        for a in row:
            a.set_xlabel("x")
    fig.suptitle(f"{fam.name}: multi-domain PINN (subdomain cuts dashed)")
    return fig


def _reward_figure(bandit, held_out, exhaustive, err) -> Figure:
    fam = bandit.family
    grid = fam.from_unit(np.linspace(0.0, 1.0, 41))
    mean, std = bandit.predicted_reward(grid)
    order = np.argsort(-mean.mean(0))
    fig = Figure(figsize=(14, 4.8), layout="constrained")
    ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=[1.4, 1, 1])
    im = ax0.imshow(mean[:, order].T, aspect="auto", origin="lower", cmap="viridis",
                    extent=(0, 1, 0, N_ARMS))
    fig.colorbar(im, ax=ax0, label="predicted reward −log10(rel. L2)")
    ax0.set_xlabel(f"{fam.parameter} (unit scale{', log' if fam.log else ''})")
    ax0.set_ylabel("arm, by mean predicted reward")
    ax0.set_title("GP reward model (posterior mean)", fontsize=9)
    rec = bandit.records
    x = fam.unit([r["param"] for r in rec])
    rank = np.argsort(order)[[r["arm"] for r in rec]]
    ax0.scatter(x, rank + 0.5, s=6, c="w", edgecolors="k", linewidths=0.3, label="pulls")
    ax0.legend(fontsize=8, loc="upper right")
    rewards = reward_of([r["rel_l2"] for r in rec])
    rounds = np.array([r["round"] for r in rec])
    ax1.plot(rounds, rewards, ".", color="0.6", ms=4, label="pulls")
    means = [rewards[rounds == k].mean() for k in range(rounds.max() + 1)]
    ax1.plot(range(len(means)), means, "C3-o", ms=4, label="round mean")
    ax1.set_xlabel("round")
    ax1.set_ylabel("reward")
    ax1.set_title("online rewards (round 0: random arms)", fontsize=9)
    ax1.legend(fontsize=8)
    if exhaustive:
        j = exhaustive[0]
        p = held_out[j]
        pm, ps = bandit.predicted_reward([p])
        observed = reward_of([err[(j, a, a)] for a in range(N_ARMS)])
        ax2.errorbar(pm[0], observed, xerr=ps[0], fmt=".", ms=3, lw=0.3, alpha=0.6)
        lo, hi = min(pm.min(), observed.min()), max(pm.max(), observed.max())
        ax2.plot([lo, hi], [lo, hi], "k:", lw=0.8)
        best = int(np.argmax(pm[0]))
        ax2.plot(pm[0, best], observed[best], "C3*", ms=12, label="METALIC's pick")
        ax2.plot(pm[0, DEFAULT_ARM], observed[DEFAULT_ARM], "ks", ms=6, label="default")
        ax2.set_xlabel("predicted reward")
        ax2.set_ylabel("reward of the trained arm (mean error over evaluation seeds)")
        ax2.set_title(f"all 512 arms at held-out {fam.parameter} = {p:.4g}", fontsize=9)
        ax2.legend(fontsize=8)
    else:
        ax2.axis("off")
    fig.suptitle(f"METALIC on {fam.name}")
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
