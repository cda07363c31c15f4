"""Classical numerics of sciml: trusted solvers that never depend on the learning layer."""
