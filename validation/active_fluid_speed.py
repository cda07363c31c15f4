"""Steps per second of the torch moment solver against a straightforward NumPy implementation
of the same scheme, side by side, at 128² and 256² (Bingham closure, float64, one run).

The NumPy peer is written here, independently of `solvers.spectral`, from the equations of its
module docstring: the same SBDF2 step, Stokes projector, fixed-point iterations, 2/3 dealiasing
and Chebyshev form of the Bingham closure (`numpy.polynomial.chebyshev.chebval`). Both start
from the same state; the script first checks that they agree to round-off after a few steps
(so the timing compares equal work), then times `--steps` steps of each, torch with its default
threads and with one (NumPy's FFT is single-threaded).

Run time: ~3 min on 2 cores.
Command: python validation/active_fluid_speed.py [--sizes 128,256] [--steps 40] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch

from sciml.io import write_json
from solvers.spectral import ActiveFluidParams, MomentSolver2D
from solvers.spectral._closures import S_MAX, _bingham_coefficients


class NumpyMoment:
    """The moment model's SBDF2 scheme in plain NumPy (one state, no batch)."""

    def __init__(self, p: ActiveFluidParams, n: int, dt: float, iterations: int = 4):
        self.p, self.n, self.dt, self.iterations = p, n, dt, iterations
        j = np.fft.fftfreq(n, d=1.0 / n)
        k = 2 * np.pi / p.L * j
        self.kx, self.ky = k[:, None], k[None, :]
        k2 = self.kx ** 2 + self.ky ** 2
        self.inv_k2 = np.where(k2 > 0, 1 / np.where(k2 > 0, k2, 1), 0)
        self.mask = (np.abs(j)[:, None] < n / 3) & (np.abs(j)[None, :] < n / 3)
        self.lin = -p.dT * k2 - 4 * p.dR
        self.cheb = _bingham_coefficients()

    def m4(self, z):
        s = np.clip(z.real ** 2 + z.imag ** 2, 0, S_MAX)
        return z * z * np.polynomial.chebyshev.chebval(2 * s / S_MAX - 1, self.cheb)

    def strain(self, u1, u2):
        h1, h2 = np.fft.fft2(u1), np.fft.fft2(u2)
        d1x = np.fft.ifft2(1j * self.kx * h1).real
        d1y = np.fft.ifft2(1j * self.ky * h1).real
        d2x = np.fft.ifft2(1j * self.kx * h2).real
        return d1x + 0.5j * (d1y + d2x), d2x - d1y

    def stokes(self, s):
        h11, h12 = np.fft.fft2(0.5 * s.real), np.fft.fft2(0.5 * s.imag)
        f1 = 1j * (self.kx * h11 + self.ky * h12)
        f2 = 1j * (self.kx * h12 - self.ky * h11)
        kf = (self.kx * f1 + self.ky * f2) * self.inv_k2
        u1 = np.fft.ifft2((f1 - self.kx * kf) * self.inv_k2 * self.mask).real
        u2 = np.fft.ifft2((f2 - self.ky * kf) * self.inv_k2 * self.mask).real
        return u1, u2

    def rhs(self, z, u):
        p = self.p
        m4 = self.m4(z)
        active = (p.alpha - p.zeta * p.beta / 2) * z + (p.zeta * p.beta / 2) * np.conj(z) * m4
        u1, u2 = u
        for _ in range(self.iterations):
            e, _ = self.strain(u1, u2)
            u1, u2 = self.stokes(active + (p.beta / 2) * (e + np.conj(e) * m4))
        e, w = self.strain(u1, u2)
        zh = np.fft.fft2(z)
        zx, zy = np.fft.ifft2(1j * self.kx * zh), np.fft.ifft2(1j * self.ky * zh)
        r = (-(u1 * zx + u2 * zy) + 1j * w * z + (e + p.zeta * z)
             - (np.conj(e) + p.zeta * np.conj(z)) * m4)
        return np.fft.fft2(r) * self.mask, (u1, u2)

    def run(self, z, steps):
        dt, lin = self.dt, self.lin
        zero = np.zeros((self.n, self.n))
        hat = np.fft.fft2(z)
        n_old, u = self.rhs(z, (zero, zero))
        hat_old, hat = hat, (hat + dt * n_old) / (1 - dt * lin)
        for _ in range(steps - 1):
            n_new, u = self.rhs(np.fft.ifft2(hat), u)
            hat, hat_old = (4 * hat - hat_old + 2 * dt * (2 * n_new - n_old)) / \
                (3 - 2 * dt * lin), hat
            n_old = n_new
        return np.fft.ifft2(hat)


def _rate(fn, args, steps, device) -> float:
    """Steps per second of ``fn(*args)`` (one warm-up call first: allocations, FFT plans)."""
    fn(*args)
    if device == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    fn(*args)
    if device == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - t0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="128,256")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    p = ActiveFluidParams(alpha=-2.5, zeta=2.0)
    dt = 0.005
    rows = []
    print(f"threads: torch {torch.get_num_threads()}; device {a.device}")
    for n in (int(s) for s in a.sizes.split(",")):
        ours = MomentSolver2D(p, n=n, dt=dt, device=a.device)
        peer = NumpyMoment(p, n, dt)
        z0 = ours.isotropic(1, amplitude=0.3, seed=0)
        z_np = z0[0].cpu().numpy()
        z_t = ours.run(z0, 5 * dt).z[-1, 0].cpu().numpy()
        agree = float(np.abs(peer.run(z_np, 5) - z_t).max())
        if agree > 1e-10:
            raise SystemExit(f"the two implementations disagree at n={n}: {agree:.3g}")
        t = {"numpy": _rate(peer.run, (z_np, a.steps), a.steps, a.device),
             "sciml": _rate(ours.run, (z0, a.steps * dt), a.steps, a.device)}
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # the same single thread as NumPy's FFT
        t["sciml_1_thread"] = _rate(ours.run, (z0, a.steps * dt), a.steps, a.device)
        torch.set_num_threads(threads)
        rows.append({"n": n, "steps_per_second_sciml": t["sciml"],
                     "steps_per_second_numpy": t["numpy"], "ratio": t["sciml"] / t["numpy"],
                     "steps_per_second_sciml_1_thread": t["sciml_1_thread"],
                     "ratio_1_thread": t["sciml_1_thread"] / t["numpy"],
                     "max_difference_after_5_steps": agree})
        print(f"{n}²: sciml {t['sciml']:.1f} steps/s ({t['sciml_1_thread']:.1f} on one thread), "
              f"numpy {t['numpy']:.1f} steps/s, ratio {t['sciml'] / t['numpy']:.2f} "
              f"({t['sciml_1_thread'] / t['numpy']:.2f} on one thread; agree to {agree:.1e})",
              flush=True)
    if a.out:
        write_json({"rows": rows, "dt": dt, "device": a.device,
                    "threads": torch.get_num_threads()}, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
