"""The SLURM templates: valid bash, and they call the commands the README documents."""

import subprocess
import sys

import pytest

from sciml.hpc import slurm_template


@pytest.mark.parametrize(("name", "needles"), [
    ("sweep", ["dask scheduler --scheduler-file", "srun", "dask worker",
               "python -m sciml sweep", "--nthreads 1"]),
    ("train", ["srun torchrun", "--rdzv_backend=c10d", "--nproc_per_node", "--nnodes"]),
])
def test_templates_are_valid_bash_and_call_the_right_tools(tmp_path, name, needles):
    text = slurm_template(name)
    assert text.startswith("#!/bin/bash") and "#SBATCH --time=" in text
    for needle in needles:
        assert needle in text
    script = tmp_path / f"{name}.sbatch"
    script.write_text(text)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    printed = subprocess.run([sys.executable, "-m", "sciml", "template", name],
                             capture_output=True, text=True)
    assert printed.returncode == 0 and printed.stdout == text
    with pytest.raises(ValueError, match="name='pbs'"):
        slurm_template("pbs")
