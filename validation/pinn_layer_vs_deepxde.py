"""The shared PINN layer (`sciml.pinn`) against plain DeepXDE on the Burgers benchmark
u_t + u u_x = ν u_xx, ν = 0.01/π, u(x, 0) = −sin(πx), u(±1, t) = 0 on [−1, 1] × [0, 1].

Accuracy: `sciml.pinn.train_burgers_pinn` (hard initial and boundary conditions, float64,
Adam then L-BFGS run through its whole budget, points added where the residual is largest
before L-BFGS) against the exact Cole–Hopf solution (`solvers.spectral.burgers_sine_exact`,
Gauss–Hermite quadrature, checked against the ETDRK4 solver in the tests) on a 256 × 101 grid.
Target: relative L2 ≤ 5e-3 (DeepXDE's stock example reaches 4.8e-3).

Speed: milliseconds per iteration, Adam and L-BFGS, float64, in alternating runs, of a plain
DeepXDE model (DeepXDE's stock set-up at the same size: same network, same residual points,
soft conditions on 80 boundary + 160 initial points, ``model.compile`` / ``model.train``); of
the layer's `sciml.pinn.train` (history recorder, non-finite guard in L-BFGS's line search) on
that same model, which isolates the layer's own overhead; and of the layer's hard-constraint
model. The figures are median ratios to plain DeepXDE.

Run time: ~15 min on 2 cores (quick: ~1 min, accuracy run shortened and not at target).
Command: python validation/pinn_layer_vs_deepxde.py [--quick] [--speed-only] [--repeat 3]
         [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from sciml.io import write_json
from sciml.pinn import (
    BurgersPINNConfig,
    Schedule,
    burgers_model,
    burgers_residual,
    configure,
    deepxde,
    train,
    train_burgers_pinn,
)


def _plain_model(config: BurgersPINNConfig):
    """DeepXDE's stock Burgers set-up, at the layer model's size."""
    dde = deepxde()
    geom = dde.geometry.GeometryXTime(dde.geometry.Interval(-1.0, 1.0),
                                      dde.geometry.TimeDomain(0.0, 1.0))
    bc = dde.icbc.DirichletBC(geom, lambda x: 0.0, lambda _, on: on)
    ic = dde.icbc.IC(geom, lambda x: -np.sin(np.pi * x[:, :1]), lambda _, on: on)
    data = dde.data.TimePDE(geom, burgers_residual(config.nu), [bc, ic],
                            num_domain=config.collocation, num_boundary=80, num_initial=160)
    net = dde.nn.FNN([2, *config.layers, 1], "tanh", "Glorot normal")
    return dde.Model(data, net)


def _plain_phases(model, adam: int, lbfgs: int) -> tuple[float, float]:
    """DeepXDE's own loop: compile / train, Adam then L-BFGS; seconds per iteration."""
    dde = deepxde()
    model.compile("adam", lr=1e-3)
    t0 = time.perf_counter()
    model.train(iterations=adam, verbose=0, display_every=adam)
    t_adam = (time.perf_counter() - t0) / adam
    dde.optimizers.config.set_LBFGS_options(maxiter=lbfgs, gtol=0.0, ftol=0.0)
    model.compile("L-BFGS")
    start = model.train_state.iteration
    t0 = time.perf_counter()
    model.train(verbose=0, display_every=lbfgs)
    return t_adam, (time.perf_counter() - t0) / max(model.train_state.iteration - start, 1)


def _layer_phases(model, adam: int, lbfgs: int) -> tuple[float, float]:
    """`sciml.pinn.train`, Adam then L-BFGS (timed as two calls); seconds per iteration."""
    t0 = time.perf_counter()
    train(model, [], Schedule(adam=adam, lr=1e-3, lbfgs=0, record_every=100))
    t_adam = (time.perf_counter() - t0) / adam
    t0 = time.perf_counter()
    train(model, [], Schedule(adam=0, lbfgs=lbfgs, record_every=100))
    return t_adam, (time.perf_counter() - t0) / max(model.train_state.iteration, 1)


def speed(config: BurgersPINNConfig, *, adam: int, lbfgs: int, repeat: int) -> dict:
    """ms per iteration of: plain DeepXDE (soft conditions); the layer's `train` on that same
    model (the layer's own overhead); the layer's hard-constraint model (what the benchmark
    trains). Runs alternate, in reversed order every other repeat; medians of the per-repeat
    ratios."""
    dde = deepxde()
    runs = {"plain": [], "layer_same_model": [], "layer_hard": []}
    for r in range(repeat):
        order = list(runs) if r % 2 == 0 else list(runs)[::-1]  # no variant always first
        for name in order:
            dde.config.set_random_seed(r)
            model = burgers_model(config)[0] if name == "layer_hard" else _plain_model(config)
            phases = _plain_phases if name == "plain" else _layer_phases
            runs[name].append(phases(model, adam, lbfgs))
        print(f"  run {r + 1}: " + ", ".join(
            f"{k} Adam {v[-1][0] * 1e3:.2f} ms, L-BFGS {v[-1][1] * 1e3:.2f} ms"
            for k, v in runs.items()), flush=True)
    out = {"adam_iterations": adam, "lbfgs_iterations": lbfgs, "repeat": repeat}
    plain = np.array(runs["plain"])
    for name in ("plain", "layer_same_model", "layer_hard"):
        a = np.array(runs[name])
        for j, phase in enumerate(("adam", "lbfgs")):
            out[f"{phase}_ms_{name}"] = float(np.median(a[:, j]) * 1e3)
            if name != "plain":
                out[f"{phase}_ratio_{name}"] = float(np.median(a[:, j] / plain[:, j]))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short runs (the accuracy run is not "
                                                         "at its target)")
    ap.add_argument("--repeat", type=int, default=3, help="alternating speed runs (default 3)")
    ap.add_argument("--speed-only", action="store_true",
                    help="skip the accuracy run (its figures are then left out)")
    ap.add_argument("--out", default=None, help="JSON file for the figures")
    a = ap.parse_args(argv)
    if a.repeat < 1:
        ap.error(f"argument --repeat: {a.repeat} must be >= 1")
    configure(dtype="float64")
    base = BurgersPINNConfig()
    if a.quick:
        acc_cfg = BurgersPINNConfig(collocation=1000, refine=200, schedule=Schedule(
            adam=500, lr=1e-3, lbfgs=300, record_every=100))
        speed_args = {"adam": 50, "lbfgs": 30}
    else:
        acc_cfg = base
        speed_args = {"adam": 300, "lbfgs": 200}

    res = None
    if not a.speed_only:
        print("Burgers PINN with the layer's schedule ...", flush=True)
        res = train_burgers_pinn(acc_cfg)
        print(f"  relative L2 {res.rel_l2:.3e} after {acc_cfg.schedule.adam} Adam + "
              f"{acc_cfg.schedule.lbfgs} L-BFGS iterations, {res.seconds:.0f} s", flush=True)
    print("Per-iteration cost, layer vs plain DeepXDE (same network and points) ...", flush=True)
    sp = speed(base, repeat=a.repeat, **speed_args)

    print()
    print("| what | layer | reference | ratio / target |")
    print("|---|---|---|---|")
    if res is not None:
        print(f"| Burgers ν=0.01/π rel. L2 vs exact | {res.rel_l2:.2e} | DeepXDE example 4.8e-3 "
              f"| target ≤ 5e-3: {'met' if res.rel_l2 <= 5e-3 else 'NOT met'} |")
    for name, label in (("layer_same_model", "layer `train`, same soft model"),
                        ("layer_hard", "layer, hard-constraint model")):
        for phase, what in (("adam", "Adam"), ("lbfgs", "L-BFGS")):
            print(f"| {what} ms / iteration, {label} | {sp[f'{phase}_ms_{name}']:.2f} | plain "
                  f"DeepXDE {sp[f'{phase}_ms_plain']:.2f} | {sp[f'{phase}_ratio_{name}']:.3f} |")
    if a.out:
        acc = {} if res is None else {
            "rel_l2": res.rel_l2, "train_seconds": res.seconds, "adam": acc_cfg.schedule.adam,
            "lbfgs": acc_cfg.schedule.lbfgs, "collocation": acc_cfg.collocation,
            "refine": acc_cfg.refine, "layers": list(acc_cfg.layers), "nu": acc_cfg.nu}
        write_json({**acc, "quick": a.quick, **sp}, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
