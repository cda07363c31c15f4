#!/usr/bin/env bash
# The CUDA check, for a machine with a GPU: the CPU-vs-CUDA agreement tests, then the case
# scripts' --quick runs with --device cuda, side by side (one process each).
# Usage: bash validation/cuda_check.sh OUTDIR
#   ONLY="name ..." runs only the named case runs (default all); TESTS="-k expr" selects tests.
# Writes OUTDIR/cuda_check.log (everything printed) and OUTDIR/cuda_summaries.json (each
# case's summary.json, keyed by run name).
set -u
out=${1:?usage: cuda_check.sh OUTDIR}
mkdir -p "$out"
work=$(mktemp -d)
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=2 PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}"
py=${PYTHON:-python3}
{
  "$py" -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"
  "$py" -m pytest -q -p no:cacheprovider tests/devices ${TESTS:-}
} 2>&1 | tee "$out/cuda_check.log"

declare -A runs=(
  [flame_simple]="cases/flame_pinn.py --case simple --quick"
  [flame_simple_inverse]="cases/flame_pinn.py --case simple --inverse --quick"
  [flame_ch4]="cases/flame_pinn.py --case ch4 --quick"
  [flame_counterflow]="cases/flame_pinn.py --case counterflow --quick"
  [active_fluid_2d]="cases/active_fluid_2d.py --quick"
  [active_fluid_closure]="cases/active_fluid_closure.py --quick"
  [lattice_torus_vmc]="cases/lattice_qed.py --system torus --method vmc --quick"
  [lattice_gauge_fermion_vmc]="cases/lattice_qed.py --system gauge-fermion --method vmc --quick"
  [u1_flow]="cases/u1_flow_sampler.py --sampler flow --quick"
  [u1_hmc]="cases/u1_flow_sampler.py --sampler hmc --quick"
  [darcy_mgno]="cases/darcy_mgno.py --quick"
  [darcy_fno]="cases/darcy_mgno.py --model fno --quick"
  [wave_cnn_compression]="cases/wave_cnn_compression.py --quick"
  [prose_odes]="cases/prose_odes.py --quick"
  [metalic_burgers]="cases/metalic_burgers.py --quick"
)
if [ -n "${ONLY:-}" ]; then
  for name in "${!runs[@]}"; do
    [[ " $ONLY " == *" $name "* ]] || unset "runs[$name]"
  done
fi
for name in "${!runs[@]}"; do
  ( start=$(date +%s)
    timeout "${CASE_TIMEOUT:-420}" "$py" ${runs[$name]} --device cuda --out "$work/$name" \
      > "$work/$name.log" 2>&1
    echo "== $name: exit $? after $(( $(date +%s) - start )) s" >> "$work/$name.log" ) &
done
wait
if [ -n "${runs[active_fluid_closure]:-}" ]; then
  # the learned closure just trained, in the 2D moment solver on the GPU
  name=active_fluid_2d_learned
  timeout "${CASE_TIMEOUT:-420}" "$py" cases/active_fluid_2d.py --quick --closure learned \
    --closure-file "$work/active_fluid_closure/closure_learned_a_posteriori.pt" \
    --device cuda --out "$work/$name" > "$work/$name.log" 2>&1
  echo "== $name: exit $?" >> "$work/$name.log"
  runs[$name]=1
fi
for name in "${!runs[@]}"; do tail -n 25 "$work/$name.log"; done 2>&1 | tee -a "$out/cuda_check.log"
"$py" - "$work" "$out/cuda_summaries.json" <<'EOF'
import json, pathlib, sys
work, dest = pathlib.Path(sys.argv[1]), sys.argv[2]
found = {p.parent.name: json.loads(p.read_text()) for p in sorted(work.glob("*/summary.json"))}
pathlib.Path(dest).write_text(json.dumps(found, indent=1))
print(json.dumps(found, indent=1))
EOF
