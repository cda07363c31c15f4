"""Errors of the flame solvers: numerical failures, as opposed to bad input (``ValueError``)."""


class FlameError(RuntimeError):
    """A flame solve failed for a numerical reason (not because of bad input)."""


class FlameConvergenceError(FlameError):
    """Newton's method did not converge; ``residual`` is the max-norm residual reached."""

    def __init__(self, message: str, residual: float):
        super().__init__(f"{message} (max-norm residual reached: {residual:.3e})")
        self.residual = residual


class GridRefinementError(FlameError):
    """Adaptive refinement asked for more grid points than allowed."""
