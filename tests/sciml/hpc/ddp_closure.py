"""Train an a-priori closure with `fit_closure` on synthetic samples, in one process or under
``torchrun`` (used by test_distributed.py); rank 0 writes the loss history and the weights."""

import argparse
import time

import torch

from sciml.closures import ClosureSamples, InvariantClosure, fit_closure
from sciml.hpc import init_distributed, shutdown_distributed
from sciml.io import save_checkpoint


def samples(n: int = 2048) -> ClosureSamples:
    g = torch.Generator().manual_seed(7)
    r = 0.9 * torch.rand(n, generator=g, dtype=torch.float64).sqrt()
    z = torch.polar(r, 2 * torch.pi * torch.rand(n, generator=g, dtype=torch.float64))
    e = torch.complex(torch.randn(n, generator=g, dtype=torch.float64),
                      torch.randn(n, generator=g, dtype=torch.float64))
    m4 = z * z * (1 - 0.2 * z.abs() ** 2) + 0.05 * e * z.abs() ** 2
    return ClosureSamples(z, e, m4)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--sleep", type=float, default=0.0)
    args = p.parse_args()
    dist = init_distributed("cpu")
    torch.manual_seed(0)
    model = InvariantClosure(width=16, depth=2).double()
    history = fit_closure(model, samples(), epochs=args.epochs, batch=256, lr=3e-3, seed=0,
                          checkpoint=args.checkpoint, dist=dist,
                          progress=lambda _: time.sleep(args.sleep))
    if dist.is_main:
        flat = torch.cat([q.detach().ravel() for q in model.parameters()])
        save_checkpoint({"history": history, "params": flat, "world_size": dist.world_size},
                        args.out)
    shutdown_distributed()


if __name__ == "__main__":
    main()
