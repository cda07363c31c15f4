"""Line plots of 1D profiles (flame structures and similar)."""

from __future__ import annotations

import xarray as xr
from matplotlib.figure import Figure


def profile_figure(ds: xr.Dataset, panels: list[list[str]], *, x: str = "x_m",
                   x_scale: float = 1e3, x_label: str = "x [mm]", title: str | None = None):
    """One panel per entry of `panels`, each plotting the listed variables of `ds` against `x`.

    Axis labels carry each variable's ``units`` attribute. Returns a matplotlib ``Figure`` not
    attached to pyplot (no GUI backend needed: batch jobs run headless); save it with
    `sciml.io.save_figure`.
    """
    fig = Figure(figsize=(7, 2.6 * len(panels)))
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)
    xs = ds[x].values * x_scale
    for ax, names in zip(axes[:, 0], panels, strict=True):
        for name in names:
            ax.plot(xs, ds[name].values, label=ds[name].attrs.get("long_name", name))
        units = {ds[n].attrs.get("units", "") for n in names}
        ax.set_ylabel(" / ".join(sorted(u for u in units if u)) or "-")
        if len(names) > 1:
            ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(x_label)
    if title:
        axes[0, 0].set_title(title)
    fig.tight_layout()
    return fig
