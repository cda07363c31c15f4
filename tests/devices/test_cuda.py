"""CUDA runs of the torch code agree with the CPU runs. Skipped where no GPU is present (CI);
run on a GPU machine with ``pytest tests/devices``."""

import numpy as np
import pytest
import torch

from sciml.closures import InvariantClosure, rollout
from solvers.spectral import ActiveFluidParams, Kinetic1D, Kinetic2D, MomentSolver2D, MomentState

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

P = ActiveFluidParams(alpha=-3.0, beta=0.5, zeta=0.5, dT=0.05, dR=0.05, L=10.0)


def _both(make, run):
    return run(make("cpu")), run(make("cuda"))


def test_moment_solver_on_cuda_matches_cpu():
    def run(s):
        return s.run(s.isotropic(2, amplitude=0.05, seed=3), 1.0).z[-1].cpu()

    cpu, gpu = _both(lambda d: MomentSolver2D(P, n=64, dt=0.01, device=d), run)
    assert cpu.abs().max() > 1e-3  # the state moved
    torch.testing.assert_close(gpu, cpu, rtol=0, atol=1e-11)


def test_kinetic_solver_on_cuda_matches_cpu():
    def run(k):
        return k.run(k.isotropic(1, amplitude=0.1, seed=1), 0.5).psi[-1].cpu()

    cpu, gpu = _both(lambda d: Kinetic1D(P, nx=64, ntheta=32, dt=0.01, device=d), run)
    torch.testing.assert_close(gpu, cpu, rtol=0, atol=1e-11)


def test_2d_kinetic_solver_on_cuda_matches_cpu():
    def run(k):
        return k.run(k.isotropic(1, amplitude=0.3, seed=1), 0.2).psi[-1].cpu()

    cpu, gpu = _both(lambda d: Kinetic2D(P, n=16, ntheta=16, dt=0.01, device=d), run)
    torch.testing.assert_close(gpu, cpu, rtol=0, atol=1e-12)


def test_moment_run_resumes_on_cuda_from_a_cpu_checkpoint():
    cpu = MomentSolver2D(P, n=32, dt=0.01)
    z0 = cpu.isotropic(1, amplitude=0.05, seed=2)
    states = []
    whole = cpu.run(z0, 0.4, save_every=0.1, checkpoint=states.append)
    gpu = MomentSolver2D(P, n=32, dt=0.01, device="cuda")
    state = MomentState.from_state_dict(states[1].state_dict(), device="cuda")
    resumed = gpu.run(None, 0.4, save_every=0.1, resume=state)
    torch.testing.assert_close(resumed.z.cpu(), whole.z, rtol=0, atol=1e-12)


def test_learned_closure_rollout_and_gradient_on_cuda_match_cpu():
    torch.manual_seed(0)
    model = InvariantClosure(width=16, depth=2).double()
    z0 = 0.1 * torch.exp(1j * torch.linspace(0, 6.28, 32, dtype=torch.float64))[None]

    def run(dev):
        m = InvariantClosure(width=16, depth=2).double().to(dev)
        m.load_state_dict(model.state_dict())
        _, z = rollout(m, P, z0.to(dev), 0.2, 0.01, detach=False)
        loss = (z[-1].abs() ** 2).sum()
        loss.backward()
        return z[-1].detach().cpu(), torch.cat([p.grad.flatten().cpu() for p in m.parameters()])

    (z_c, g_c), (z_g, g_g) = run("cpu"), run("cuda")
    torch.testing.assert_close(z_g, z_c, rtol=0, atol=1e-12)
    assert g_c.abs().max() > 0
    torch.testing.assert_close(g_g, g_c, rtol=1e-8, atol=1e-14)


def test_spm_surrogate_trains_on_cuda_and_reloads_on_cpu(tmp_path):
    from sciml.battery import SPMSurrogate, SPMSurrogateConfig, train_spm_surrogate
    from sciml.pinn import Schedule
    from solvers.battery import chen2020

    config = SPMSurrogateConfig(layers=(16, 16), collocation=200, boundary=100, data_sets=2,
                                data_times=10, schedule=Schedule(adam=50, lbfgs=0))
    sur = train_spm_surrogate(chen2020(), 1.0, 1000.0, config, device="cuda", seed=0)
    assert next(sur.net.parameters()).device.type == "cuda"
    t = np.linspace(0.0, 1000.0, 11)
    v_gpu = sur.voltage(t, 1.0, 1.0)
    sur.save(tmp_path / "s.pt")
    v_cpu = SPMSurrogate.load(tmp_path / "s.pt", device="cpu").voltage(t, 1.0, 1.0)
    assert np.all(np.isfinite(v_gpu))
    np.testing.assert_allclose(v_cpu, v_gpu, rtol=0, atol=1e-9)


def test_hmc_on_cuda_matches_cpu():
    from solvers.lattice import hmc

    cpu, gpu = (hmc(2.0, 8, 20, chains=4, thermalize=0, seed=5, device=d)
                for d in ("cpu", "cuda"))
    np.testing.assert_array_equal(gpu.accepted, cpu.accepted)
    np.testing.assert_allclose(gpu.plaquette, cpu.plaquette, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(gpu.charge, cpu.charge)


def test_u1_flow_on_cuda_matches_cpu():
    from sciml.flows import U1Flow

    torch.manual_seed(0)
    flow = U1Flow(8, layers=8, dtype=torch.float64)
    with torch.no_grad():
        for p in flow.parameters():
            p.add_(0.1 * torch.randn_like(p))
    gpu = U1Flow(8, layers=8, dtype=torch.float64).to("cuda")
    gpu.load_state_dict(flow.state_dict())
    th_c, lq_c = flow.sample(16, torch.Generator().manual_seed(1))
    th_g, lq_g = gpu.sample(16, torch.Generator().manual_seed(1))
    torch.testing.assert_close(th_g.cpu(), th_c, rtol=0, atol=1e-10)
    torch.testing.assert_close(lq_g.cpu(), lq_c, rtol=0, atol=1e-9)


def test_gauge_vmc_local_energies_on_cuda_match_cpu():
    from sciml.flows import GaugeAnsatz, GaugeFermionAnsatz, GaugeSystem, local_energy
    from sciml.flows import _gauge_fermion_vmc as gf
    from solvers.lattice import GaugeFermionLattice

    system = GaugeSystem.torus(2, 2, 1.0)
    ans = GaugeAnsatz(4)
    x = torch.rand(32, 3, dtype=torch.float64)
    e_c = local_energy(ans, system, x)
    e_g = local_energy(ans.to("cuda"), system, x.to("cuda"))
    torch.testing.assert_close(e_g.cpu(), e_c, rtol=1e-12, atol=1e-12)

    L = GaugeFermionLattice(3, 2, g2=1.0, hopping=1.0, mass=0.5, truncation=2)
    m = GaugeFermionAnsatz(L, seed=0)
    states = L.basis()[::7]
    e_c = gf.local_energy(m, states)
    e_g = gf.local_energy(m.to("cuda"), states)
    torch.testing.assert_close(e_g.cpu(), e_c, rtol=1e-10, atol=1e-10)
    samples, _ = gf.sample_states(m, 256, torch.Generator().manual_seed(0))
    assert not L.gauss_violation(samples).any()


def test_operators_on_cuda_match_cpu():
    from sciml.operators import MgNO, UNet, fno, relative_h1

    x = torch.randn(3, 1, 32, 32, dtype=torch.float64)
    for make in (lambda: MgNO(width=8, depth=2, levels=4), lambda: UNet(width=8, levels=3),
                 lambda: fno(modes=8, width=8, depth=2)):
        torch.manual_seed(0)
        net = make().double()
        cpu = net(x)
        gpu = net.to("cuda")(x.to("cuda")).cpu()
        torch.testing.assert_close(gpu, cpu, rtol=1e-9, atol=1e-10)
    y = torch.randn(3, 1, 32, 32, dtype=torch.float64)
    torch.testing.assert_close(relative_h1(x.cuda(), y.cuda()).cpu(), relative_h1(x, y))


def test_fit_on_cuda_follows_cpu():
    from sciml.hpc import fit

    g = torch.Generator().manual_seed(0)
    x = torch.rand(256, 2, generator=g, dtype=torch.float64)
    y = torch.sin(3 * x[:, :1]) * x[:, 1:]

    def train(device):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(),
                                  torch.nn.Linear(16, 1)).double().to(device)
        return fit(net, lambda m, a, b: ((m(a) - b) ** 2).sum(-1), (x, y), epochs=5, batch=32,
                   lr=1e-2).history

    np.testing.assert_allclose(train("cuda"), train("cpu"), rtol=1e-8)


def test_compressed_frame_cnn_on_cuda_matches_cpu_and_measures_memory():
    from sciml.compression import FrameCNN, compress, peak_training_memory

    torch.manual_seed(0)
    net = compress(FrameCNN(frames=3, width=8, levels=2), 4)
    x = torch.randn(4, 4, 32, 32)
    cpu = net(x)
    gpu = net.to("cuda")(x.to("cuda")).cpu()
    torch.testing.assert_close(gpu, cpu, rtol=1e-4, atol=1e-5)
    xc, yc = x.to("cuda"), torch.randn(4, 1, 32, 32, device="cuda")
    mb = peak_training_memory(net, xc, yc, batch=4, steps=2)
    assert 0.0 < mb < 1000.0


def test_prose_on_cuda_matches_cpu():
    from sciml.operators.prose import Prose, ProseConfig, prose_data
    from solvers.odes import OdeDataParams, ode_dataset

    ds = ode_dataset(OdeDataParams(families=("lorenz", "duffing"), n_params=2, n_initial=2,
                                   n_test_params=1, n_test_initial=1))
    d = prose_data(ds, dtype=torch.float64)
    torch.manual_seed(0)
    net = Prose(ProseConfig(d_model=32, heads=4, data_layers=1, symbol_layers=1,
                            fusion_layers=1, data_decoder_layers=1,
                            symbol_decoder_layers=1)).double().eval()
    b = {"u_in": d.u_in, "mask": d.mask, "stats": d.stats, "symbols": d.symbols}
    u, logits = net(b, d.t_in, d.times, d.target[:, :-1])
    g = {k: v.cuda() for k, v in b.items()}
    net = net.cuda()
    ug, lg = net(g, d.t_in.cuda(), d.times.cuda(), d.target[:, :-1].cuda())
    torch.testing.assert_close(ug.cpu(), u, rtol=1e-8, atol=1e-9)
    torch.testing.assert_close(lg.cpu(), logits, rtol=1e-8, atol=1e-9)
    assert torch.equal(net.generate(g, d.t_in.cuda(), max_length=20).cpu(),
                       net.cpu().generate(b, d.t_in, max_length=20))


def test_multidomain_pinn_on_cuda_matches_cpu():
    from sciml.pinn import DEFAULT_ARM, MultiDomainConfig, train_multidomain

    cfg = MultiDomainConfig(width=10, depth=2, points=40, interface_points=16, adam=40,
                            lbfgs=10, grid=(41, 21))
    cpu = train_multidomain("burgers", [0.004, 0.02], [DEFAULT_ARM, 511], config=cfg)
    gpu = train_multidomain("burgers", [0.004, 0.02], [DEFAULT_ARM, 511], config=cfg,
                            device="cuda")
    np.testing.assert_allclose(gpu.rel_l2_adam, cpu.rel_l2_adam, rtol=1e-6)
    np.testing.assert_allclose(gpu.rel_l2, cpu.rel_l2, rtol=1e-3)


def test_fem_cuda_kernels_on_the_gpu_match_numpy_and_time_them():
    import time

    from solvers._gpu import available
    from solvers.fem import assemble, rectangle_mesh

    mesh = rectangle_mesh(400, 400, element="p1")
    rng = np.random.default_rng(0)
    k = rng.uniform(1, 2, mesh.n_cells)
    assemble(mesh, k, backend="cuda")  # compile
    t0 = time.perf_counter()
    K, M, _ = assemble(mesh, k, backend="cuda")
    t_gpu = time.perf_counter() - t0
    t0 = time.perf_counter()
    K2, M2, _ = assemble(mesh, k, backend="numba")
    t_cpu = time.perf_counter() - t0
    print(f"P1 assembly of {mesh.n_cells} cells: cuda {t_gpu:.3f} s, numba {t_cpu:.3f} s")
    assert abs(K - K2).max() < 1e-12 * abs(K2).max() and abs(M - M2).max() < 1e-12
    assert available()


def test_flame_cuda_kernel_on_the_gpu_matches_the_cpu_kernel():
    from solvers.flame import GasProperties, ch4_one_step_solution
    from solvers.flame._premixed import Transport1D

    gas = GasProperties.from_cantera(ch4_one_step_solution())
    x = np.linspace(0.0, 0.02, 2000)
    T = 300.0 + 1900.0 / (1.0 + np.exp(-(x - 0.01) / 5e-4))
    rng = np.random.default_rng(0)
    Y = rng.uniform(0.01, 1.0, (5, x.size))
    Y /= Y.sum(axis=0)
    flow = np.full(x.size, 0.4)
    gpu = Transport1D(gas, x, 101325.0, backend="cuda").terms(T, Y, flow, viscosity=True)
    cpu = Transport1D(gas, x, 101325.0).terms(T, Y, flow, viscosity=True)
    for name in cpu._fields:
        a, b = getattr(gpu, name), getattr(cpu, name)
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-11 * np.abs(b).max(), err_msg=name)


def test_p2d_cuda_residual_on_the_gpu_matches_the_cpu_kernel_and_times_it():
    import time

    from solvers.battery import P2D, chen2020
    from solvers.battery._model import _probe_states

    model = P2D(chen2020())  # default mesh: 50 cells in x, 20 shells per particle
    rng = np.random.default_rng(0)
    states = [_probe_states(model, rng) for _ in range(8)]
    rows = 4096
    Y = np.array([states[r % 8][0] for r in range(rows)])
    YP = np.array([states[r % 8][1] for r in range(rows)])
    drive = np.array([0.0, 1.0, 0.0, 0.0, 1.0])
    model.residuals(0.0, Y[:2], YP[:2], drive, backend="cuda")  # compile
    t0 = time.perf_counter()
    gpu = model.residuals(0.0, Y, YP, drive, backend="cuda")
    t_gpu = time.perf_counter() - t0
    t0 = time.perf_counter()
    cpu = model.residuals(0.0, Y, YP, drive)
    t_cpu = time.perf_counter() - t0
    print(f"P2D residual of {rows} states of {model.size} unknowns: cuda {t_gpu:.4f} s "
          f"(with transfers), numba {t_cpu:.4f} s, ratio {t_cpu / t_gpu:.1f}")
    scale = np.abs(cpu).max(axis=1, keepdims=True)  # each state's largest residual
    assert (np.abs(gpu - cpu) <= 1e-11 * scale).all()
