"""Training under torchrun: 2 processes (gloo, CPU) follow the 1-process loss curve, a killed
run resumes from its checkpoint; `fit` checks its arguments and honours a time limit."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from sciml.hpc import fit
from sciml.io import load_checkpoint

SCRIPT = Path(__file__).with_name("ddp_closure.py")


def _train(out, *args, nproc=1, popen=False):
    launch = ([sys.executable, "-m", "torch.distributed.run", "--standalone",
               f"--nproc_per_node={nproc}"] if nproc > 1 else [sys.executable])
    cmd = [*launch, str(SCRIPT), "--out", str(out), *args]
    if popen:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return load_checkpoint(out)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("single") / "result.pt")


def test_two_processes_follow_the_single_process_loss_curve(single, tmp_path):
    two = _train(tmp_path / "result.pt", nproc=2)
    assert two["world_size"] == 2 and single["world_size"] == 1
    # Same global batch, gradients averaged by DDP: equal up to float64 summation order.
    torch.testing.assert_close(torch.tensor(two["history"]), torch.tensor(single["history"]),
                               rtol=1e-10, atol=0)
    assert single["history"][-1] < 0.5 * single["history"][0]  # it did learn
    torch.testing.assert_close(two["params"], single["params"], rtol=1e-9, atol=1e-12)


def test_killed_torchrun_resumes_from_its_checkpoint(single, tmp_path):
    ck = tmp_path / "checkpoint.pt"
    proc = _train(tmp_path / "result.pt", "--checkpoint", str(ck), "--sleep", "0.4", nproc=2,
                  popen=True)
    deadline = time.monotonic() + 120
    epoch = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if ck.exists():
            epoch = load_checkpoint(ck)["epoch"]
            if epoch >= 3:
                break
        time.sleep(0.1)
    assert proc.poll() is None, proc.communicate()[1].decode()[-3000:]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stopped_at = load_checkpoint(ck)["epoch"]
    assert 3 <= stopped_at < 12 and not (tmp_path / "result.pt").exists()

    resumed = _train(tmp_path / "result.pt", "--checkpoint", str(ck), nproc=2)
    torch.testing.assert_close(torch.tensor(resumed["history"]),
                               torch.tensor(single["history"]), rtol=1e-10, atol=0)
    torch.testing.assert_close(resumed["params"], single["params"], rtol=1e-9, atol=1e-12)


def _problem():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(300, 2, generator=g, dtype=torch.float64)
    y = torch.sin(3 * x[:, :1]) * x[:, 1:]
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(),
                              torch.nn.Linear(16, 1)).double()
    return net, (x, y)


def _mse(net, x, y):
    return ((net(x) - y) ** 2).sum(-1)


def test_time_limit_stops_with_a_checkpoint_and_the_same_call_finishes(tmp_path):
    net, data = _problem()
    full = fit(net, _mse, data, epochs=30, batch=64, lr=1e-2).history
    assert full[-1] < 0.3 * full[0]

    net, data = _problem()
    ck = tmp_path / "ck.pt"
    part = fit(net, _mse, data, epochs=30, batch=64, lr=1e-2, checkpoint=ck,
               time_limit=1e-9)
    assert not part.finished and len(part.history) == 1
    net, data = _problem()  # a fresh process would rebuild the model, then resume
    rest = fit(net, _mse, data, epochs=30, batch=64, lr=1e-2, checkpoint=ck)
    assert rest.finished and rest.resumed_from == 1
    assert rest.history == pytest.approx(full, rel=1e-12)

    net, data = _problem()
    with pytest.raises(ValueError, match="epochs=30, batch=64"):
        fit(net, _mse, data, epochs=20, batch=64, checkpoint=ck)


@pytest.mark.parametrize(("kw", "match"), [
    ({"epochs": 0}, "epochs=0 must be an integer >= 1"),
    ({"batch": 2.5}, "batch=2.5"),
    ({"lr": -1.0}, "lr=-1.0 must be a number > 0"),
    ({"schedule": "step"}, "schedule=.step. must be one of"),
    ({"time_limit": 0}, "time_limit=0"),
])
def test_bad_arguments_name_the_parameter(kw, match):
    net, data = _problem()
    args = {"epochs": 2, "batch": 8, **kw}
    with pytest.raises(ValueError, match=match):
        fit(net, _mse, data, **args)
    with pytest.raises(ValueError, match="first dimension"):
        fit(net, _mse, (data[0], data[1][:5]), epochs=1, batch=8)
