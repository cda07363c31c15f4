"""The SLURM batch-script templates shipped with the package."""

from __future__ import annotations

from importlib import resources

TEMPLATES = ("sweep", "train")


def slurm_template(name: str) -> str:
    """The text of the ``sweep`` (Dask workers under srun) or ``train`` (torchrun per node)
    batch script."""
    if name not in TEMPLATES:
        raise ValueError(f"name={name!r} must be one of {TEMPLATES}")
    return (resources.files("sciml.hpc") / "slurm" / f"{name}.sbatch").read_text()
