"""Active suspension in a periodic box: the 2D moment model, pseudo-spectral.

Physics (see `solvers.spectral`): the orientation tensor D of immotile extensors, as
z = (D₁₁ − D₂₂) + 2i D₁₂, advected and rotated by the Stokes flow its active stress drives,
with translational and rotational diffusion and steric alignment; the fourth moment comes from a
closure (``--closure bingham`` by default, ``quadratic``, or ``learned``: a closure written by
``cases/active_fluid_closure.py``, read from ``--closure-file``). IMEX SBDF2, 2/3 dealiasing,
float64.

- ``--linear-mode K``: a small shear perturbation of wavenumber k = 2πK/L on the isotropic
  state; the growth rate of its amplitude, fitted over the second half of the run, against the
  linear theory σ(k) = ζ − 4 d_R − d_T k² + (ζβ/2 − α)/(4 + β/2).
- otherwise a turbulence run from the isotropic state plus random plane waves: box-mean order
  parameter |z| and r.m.s. speed over time, velocity power spectrum E(k), vorticity snapshots
  (the last as ``vorticity.png``, the run as the animation ``vorticity.gif``). The run state is
  checkpointed (``checkpoint.pt``, at most every ``--checkpoint-every`` seconds); ``--resume``
  continues an interrupted run from it and ends where the uninterrupted run would;
  ``--max-seconds S`` stops a run (checkpointed, exit status 3) once S seconds have passed, for
  batch jobs with a wall-time limit.

Run time on 2 cores: ~1 min at the default 128², t_end 20 (``--quick``: 64², t_end 4, ~5 s).
A grid too coarse for the defects of the ordered state (or too large a dt) drives |z| past 1,
which stops the run with a message.
Command: python cases/active_fluid_2d.py [--alpha A] [--beta B] [--zeta Z] [--dT D] [--dR D]
         [--L L] [--n N] [--dt DT] [--t-end T] [--closure bingham|quadratic|learned]
         [--closure-file FILE] [--linear-mode K] [--resume] [--checkpoint-every S]
         [--max-seconds S] [--quick] [--out DIR] [--device cpu|cuda]
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure

from sciml.case import (
    CaseFailure,
    CaseInterrupted,
    UserInputError,
    case_parser,
    number,
    run_case,
)
from sciml.closures import load_closure
from sciml.io import load_checkpoint, save_animation, save_checkpoint, save_figure, write_dataset
from solvers.spectral import (
    ActiveFluidParams,
    MomentSolver2D,
    MomentState,
    energy_spectrum,
    order_parameter,
    u_rms,
)

FRAMES = 50  # frames of the vorticity animation
DEFAULT_CLOSURE = Path("results") / "active_fluid_closure" / "closure_learned_a_posteriori.pt"


def build_parser():
    p = case_parser("active_fluid_2d", __doc__)
    p.add_argument("--alpha", type=number(), default=-2.5,
                   help="active stress strength, < 0 extensile (default -2.5)")
    p.add_argument("--beta", type=number(0.0, lo_open=False), default=0.8,
                   help="constraint stress coefficient, >= 0 (default 0.8)")
    p.add_argument("--zeta", type=number(0.0, lo_open=False), default=2.0,
                   help="alignment strength, >= 0 (default 2)")
    p.add_argument("--dT", type=number(), default=0.05,
                   help="translational diffusivity, >= 0 (default 0.05)")
    p.add_argument("--dR", type=number(), default=0.05,
                   help="rotational diffusivity, >= 0 (default 0.05)")
    p.add_argument("--L", type=number(0.0), default=10.0, help="box side, > 0 (default 10)")
    p.add_argument("--n", type=int, default=None,
                   help="grid points per side, even >= 8 (default 128, quick 64)")
    p.add_argument("--dt", type=number(0.0), default=None,
                   help="time step, > 0 (default 0.01)")
    p.add_argument("--t-end", type=number(0.0), default=None,
                   help="end time, > 0 (default 20, quick 4; linear mode 10)")
    p.add_argument("--closure", choices=("bingham", "quadratic", "learned"), default="bingham",
                   help="fourth-moment closure (default bingham)")
    p.add_argument("--closure-file", type=Path, default=DEFAULT_CLOSURE,
                   help="--closure learned: the closure file (default %(default)s)")
    p.add_argument("--resume", action="store_true",
                   help="continue from checkpoint.pt in the output directory")
    p.add_argument("--checkpoint-every", type=number(0.0), default=60.0,
                   help="seconds between checkpoints of a turbulence run, > 0 (default 60)")
    p.add_argument("--max-seconds", type=number(0.0), default=None,
                   help="stop a turbulence run, checkpointed, after this many seconds (a batch "
                        "job's wall time); exit status 3, continue with --resume")
    p.add_argument("--linear-mode", type=int, default=None, metavar="K",
                   help="measure the growth rate of the shear mode k = 2 pi K / L, K >= 1")
    return p


def main(args, run):
    # Parameters
    n = args.n or (64 if args.quick else 128)
    if n < 8 or n % 2:
        raise UserInputError(f"argument --n: {n} must be an even integer >= 8")
    linear = args.linear_mode is not None
    if linear and not 1 <= args.linear_mode < n // 3:
        raise UserInputError(f"argument --linear-mode: {args.linear_mode} is outside the "
                             f"resolved range [1, {n // 3 - 1}] for n={n}")
    dt = args.dt or 0.01
    t_end = args.t_end or (10.0 if linear else (4.0 if args.quick else 20.0))
    flags = {"dt": "--dt", "t_end": "--t-end", "dT": "--dT", "dR": "--dR", "L": "--L"}
    closure = args.closure
    if closure == "learned":
        if not args.closure_file.is_file():
            raise UserInputError(f"argument --closure-file: {args.closure_file} does not exist; "
                                 "train one with cases/active_fluid_closure.py")
        try:
            closure = load_closure(args.closure_file, device=args.device)
        except ValueError as exc:
            raise UserInputError(f"argument --closure-file: {exc}") from None
    with run.user_input(flags):
        params = ActiveFluidParams(alpha=args.alpha, beta=args.beta, zeta=args.zeta,
                                   dT=args.dT, dR=args.dR, L=args.L)
        params.check_dt(dt)
        solver = MomentSolver2D(params, n=n, dt=dt, closure=closure, device=args.device)
        if round(t_end / dt) * dt - t_end > 1e-9 * t_end:
            raise ValueError(f"t_end={t_end:g} must be a multiple of dt={dt:g}")

    # Problem
    if linear:
        z0 = solver.shear_mode(amplitude=1e-6, mode=args.linear_mode)
    else:
        z0 = solver.isotropic(1, amplitude=0.05, seed=args.seed)
    every = dt * max(1, round(t_end / dt / 200))

    # Solve (checkpointed: a turbulence run can be resumed)
    steps = round(t_end / dt)
    meta = {"argv": {k: str(v) for k, v in sorted(vars(args).items()) if k not in
                     ("resume", "checkpoint_every", "max_seconds", "device")}}
    ckpt_path = run.path("checkpoint.pt")
    resume = None
    if args.resume and ckpt_path.exists():
        blob = load_checkpoint(ckpt_path, device=args.device)
        if blob["meta"] != meta:
            raise UserInputError(f"argument --resume: {ckpt_path} belongs to another run; "
                                 "remove it or use another --out")
        resume = MomentState.from_state_dict(blob["state"], device=args.device)
    elif ckpt_path.exists():
        ckpt_path.unlink()  # a fresh run never mixes in an old one
    last = [time.perf_counter()]
    limit = math.inf if args.max_seconds is None or linear else args.max_seconds

    def checkpoint(state):
        now = time.perf_counter()
        out_of_time = now - run.start >= limit
        if out_of_time or (not linear and now - last[0] >= args.checkpoint_every):
            save_checkpoint({"meta": meta, "state": state.state_dict()}, ckpt_path)
            last[0] = now
        if out_of_time:
            raise CaseInterrupted(f"--max-seconds reached at step {state.step} of {steps}; "
                                  f"state saved in {ckpt_path}; continue with --resume")

    t0 = time.perf_counter()
    with run.progress(total=steps, desc="moment solver", unit="step",
                      initial=resume.step if resume else 0) as bar:
        try:
            res = solver.run(None if resume else z0, t_end, save_every=every,
                             callback=lambda k, z: bar.update(k - bar.n),
                             checkpoint=checkpoint, resume=resume)
        except FloatingPointError as exc:
            raise CaseFailure(str(exc)) from None
    seconds = time.perf_counter() - t0
    steps_run = res.steps - (resume.step if resume else 0)

    # Analysis
    summary = {"alpha": args.alpha, "beta": args.beta, "zeta": args.zeta, "dT": args.dT,
               "dR": args.dR, "L": args.L, "n": n, "dt": dt, "t_end": t_end,
               "closure": args.closure, "steps": res.steps, "solver_seconds": seconds,
               "steps_per_second": steps_run / seconds, "resumed_at_step":
               resume.step if resume else 0}
    times = res.times.numpy()
    if linear:
        k = 2 * math.pi * args.linear_mode / args.L
        amp = torch.fft.fft(res.z.imag.mean(-1), dim=-1)[:, 0, args.linear_mode].abs()
        late = times >= times[-1] / 2
        rate = np.polyfit(times[late], np.log(amp.numpy()[late]), 1)[0]
        theory = params.shear_growth_rate(k)
        summary.update(growth_rate_measured=float(rate), growth_rate_theory=theory,
                       growth_rate_rel_error=float(abs(rate / theory - 1)))
        save_figure(_growth_figure(times, amp.numpy(), rate, theory), run.path("growth.png"))
        print(f"shear mode k = {k:.4g}: growth rate {rate:.6g} (theory {theory:.6g}, relative "
              f"error {abs(rate / theory - 1):.2e}); outputs in {run.out}")
    else:
        s_t = order_parameter(res.z[:, 0]).cpu().numpy()
        fields = [solver.fields(z) for z in res.z[-20:]]
        u_t = np.array([u_rms(f.u)[0].item() for f in fields])
        half = times >= times[-1] / 2
        kk, spectra = energy_spectrum(torch.stack([f.u[0] for f in fields]), args.L)
        spectrum = spectra.mean(0).cpu().numpy()
        summary.update(order_parameter_mean=float(s_t[half].mean()),
                       order_parameter_final=float(s_t[-1]), u_rms=float(u_t.mean()))
        ds = res.to_xarray()
        ds["vorticity"] = (("batch", "x", "y"), fields[-1].omega.cpu().numpy())
        ds["order_parameter_mean_t"] = ("time", s_t)
        ds["energy_spectrum"] = ("k", spectrum)
        ds = ds.assign_coords(k=kk.cpu().numpy())
        write_dataset(ds, run.path("fields.nc"))
        save_figure(_spectrum_figure(kk.cpu().numpy(), spectrum, times, s_t),
                    run.path("spectrum.png"))
        save_figure(_vorticity_figure(fields[-1].omega[0].cpu().numpy(),
                                      res.z[-1, 0].abs().cpu().numpy(), args.L, times[-1]),
                    run.path("vorticity.png"))
        frames = range(0, len(times), max(1, len(times) // FRAMES))
        save_animation((_vorticity_figure(solver.fields(res.z[i]).omega[0].cpu().numpy(),
                                          res.z[i, 0].abs().cpu().numpy(), args.L, times[i],
                                          dpi=60) for i in frames),
                       run.path("vorticity.gif"))
        print(f"moment model {n}² to t = {t_end:g}: order parameter {s_t[half].mean():.4f}, "
              f"u_rms {u_t.mean():.4f}, {steps_run / seconds:.0f} steps/s; outputs in {run.out}")

    # Output
    run.write_summary(summary)
    ckpt_path.unlink(missing_ok=True)  # the run is complete


def _growth_figure(t, amp, rate, theory):
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ax.semilogy(t, amp, label="moment solver")
    ax.semilogy(t, amp[-1] * np.exp(theory * (t - t[-1])), "--",
                label=f"theory σ = {theory:.4g}")
    ax.set_xlabel("t")
    ax.set_ylabel("shear-mode amplitude")
    ax.set_title(f"measured σ = {rate:.6g}")
    ax.legend()
    return fig


def _spectrum_figure(k, e, t, s):
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots(1, 2)
    ax[0].loglog(k, e)
    ax[0].set_xlabel("k")
    ax[0].set_ylabel("E(k)")
    ax[0].set_title("velocity power spectrum (last snapshots)")
    ax[1].plot(t, s)
    ax[1].set_xlabel("t")
    ax[1].set_ylabel("box-mean |z|")
    return fig


def _vorticity_figure(omega, s, L, t, dpi=100):
    fig = Figure(figsize=(10, 4.5), dpi=dpi)
    ax = fig.subplots(1, 2)
    for a, f, title, cmap in ((ax[0], omega, "vorticity", "RdBu_r"),
                              (ax[1], s, "order parameter |z|", "viridis")):
        im = a.imshow(f.T, origin="lower", extent=(0, L, 0, L), cmap=cmap)
        a.set_title(f"{title}, t = {t:g}")
        fig.colorbar(im, ax=a, shrink=0.8)
    return fig


if __name__ == "__main__":
    sys.exit(run_case(main, build_parser()))
