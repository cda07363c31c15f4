"""Relative L2 error as an integral."""

import numpy as np
import pytest

from sciml.metrics import relative_l2


def test_relative_l2_is_an_integral_not_a_node_sum():
    # f_ref = 1 and f = 1 + x on [0, 1]: ∫x² / ∫1 = 1/3. A grid crowded near x = 1 must not
    # change it (a node sum would give about 0.9 here).
    x = np.concatenate([np.linspace(0.0, 0.9, 2001), np.linspace(0.9, 1.0, 20001)[1:]])
    assert relative_l2(x, 1.0 + x, np.ones_like(x)) == pytest.approx(np.sqrt(1 / 3), rel=1e-6)
    with pytest.raises(ValueError, match="increasing"):
        relative_l2(x[::-1], x, x)
