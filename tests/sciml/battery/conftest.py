"""A quick seeded SPM surrogate (1C, up to T_END), shared by the SPM tests and, as level 0,
by the P2D surrogate tests."""

import pytest

from sciml.battery import SPMSurrogateConfig, train_spm_surrogate
from sciml.pinn import Schedule
from solvers.battery import chen2020

T_END = 3000.0


@pytest.fixture(scope="session")
def spm_surrogate():
    config = SPMSurrogateConfig(layers=(32, 32, 32), collocation=800, boundary=400,
                                data_sets=3, data_times=30,
                                schedule=Schedule(adam=400, lr=2e-3, decay=0.7, decay_every=100,
                                                  lbfgs=200))
    return train_spm_surrogate(chen2020(), 1.0, T_END, config, seed=0)
