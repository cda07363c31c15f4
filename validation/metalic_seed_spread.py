"""How much one multi-domain PINN training's error depends on its seed (initial weights and
collocation points), against how much good interface-condition arms differ: the reason METALIC
trains every bandit round from its own seed and judges its picks on the mean over several.

Burgers u_t + u u_x = ν u_xx (`sciml.pinn.PDE_FAMILIES["burgers"]`), the METALIC case's
training (16×2 tanh networks, 100 points per subdomain, 600 Adam + 200 L-BFGS iterations,
float32), relative L2 against Cole–Hopf, at four ν and six arms (the default and arms METALIC
has picked), each trained from `--seeds` seeds.

Run time: ~2 min on 2 cores.
Command: python validation/metalic_seed_spread.py [--seeds 4] [--out FILE]
"""

from __future__ import annotations

import argparse

import numpy as np

from sciml.io import write_json
from sciml.pinn import DEFAULT_ARM, MultiDomainConfig, arm_of, train_multidomain

ARMS = {"u+[r] (default)": DEFAULT_ARM,
        "u+[F]+[u_x]": arm_of(["solution", "flux", "du_dx"]),
        "u+avg+[F]": arm_of(["solution", "average", "flux"]),
        "u+avg+[u_x]": arm_of(["solution", "average", "du_dx"]),
        "avg+[F]": arm_of(["average", "flux"]),
        "avg+[r]+[F]": arm_of(["average", "residual_continuity", "flux"])}
NUS = (0.0016, 0.0045, 0.012, 0.03)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--out", default=None, help="write the errors as JSON here")
    args = p.parse_args(argv)
    if args.seeds < 2:
        p.error(f"argument --seeds: {args.seeds} must be >= 2 (a spread needs two)")
    cfg = MultiDomainConfig(width=16, depth=2, points=100, interface_points=32, adam=600,
                            lbfgs=200, grid=(201, 101), dtype="float32")
    P, A = np.meshgrid(NUS, list(ARMS.values()), indexing="ij")
    err = np.array([train_multidomain("burgers", P.ravel(), A.ravel(), config=cfg,
                                      seed=s).rel_l2.reshape(P.shape)
                    for s in range(1, args.seeds + 1)])  # (seed, nu, arm)
    table = {}
    for j, nu in enumerate(NUS):
        print(f"nu = {nu}")
        for i, name in enumerate(ARMS):
            e = err[:, j, i]
            table[f"{nu}/{name}"] = e.tolist()
            print(f"  {name:16s} " + " ".join(f"{v:.3f}" for v in e)
                  + f"   mean {e.mean():.3f}  max/min {e.max() / e.min():.2f}")
    spread = err.max(0) / err.min(0)
    print(f"max/min over seeds: median {np.median(spread):.2f}, largest {spread.max():.2f}")
    if args.out:
        write_json({"errors": table, "seeds": list(range(1, args.seeds + 1))}, args.out)


if __name__ == "__main__":
    main()
