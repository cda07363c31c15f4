"""Training-history plots (loss and a trained parameter against the iteration)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure


def history_figure(history: xr.Dataset, variable: str, *, reference: float | None = None):
    """Loss terms (log scale) and the trained `variable` against the training step.

    `history` is the data set returned by `sciml.pinn.train`; `reference` draws the value the
    variable should reach. Returns a ``Figure`` for `sciml.io.save_figure`.
    """
    fig = Figure(figsize=(7, 5.5))
    ax_loss, ax_var = fig.subplots(2, 1, sharex=True)
    step = np.cumsum(np.r_[0, np.maximum(np.diff(history["step"].values), 0)])
    for term in history["term"].values:
        ax_loss.semilogy(step, history["loss"].sel(term=term), label=f"loss term {term}")
    ax_loss.set_ylabel("loss")
    ax_loss.legend(fontsize="small")
    ax_var.plot(step, history[variable], label=variable)
    if reference is not None:
        ax_var.axhline(reference, color="k", ls="--", lw=1, label="reference")
    ax_var.set_ylabel(variable)
    ax_var.set_xlabel("training step (Adam, then L-BFGS)")
    ax_var.legend(fontsize="small")
    for ax in (ax_loss, ax_var):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
