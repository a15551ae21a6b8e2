#!/usr/bin/env bash
# The Lie group VAE's evidence table: configs/liegroup/dsprites-small.yaml against the beta-VAE of
# the same size and budget (configs/liegroup/dsprites-betavae-small.yaml), 3 seeds each, two
# trainings at a time on one thread each, then `disentangle collect` over the runs. Runs already
# evaluated are kept, so an interrupted table resumes.
#   bash scripts/liegroup_small.sh [RUNS_DIR] [OUT_CSV]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs/liegroup-small}
out=${2:-docs/tables/liegroup_small.csv}
jobs=()
for seed in 0 1 2; do
  jobs+=("configs/liegroup/dsprites-small.yaml lie_group_vae $seed")
  jobs+=("configs/liegroup/dsprites-betavae-small.yaml beta_vae $seed")
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 sh -c '
  dir="$0/$2/seed-$3"
  if [ -f "$dir/metrics.json" ]; then echo "kept $dir"; exit 0; fi
  mkdir -p "$(dirname "$dir")"
  node bin/disentangle.js --threads 1 run "$1" --out "$dir" --overwrite --set seed="$3" > "$dir.log" 2>&1 \
    && echo "done $dir" || { echo "FAILED $dir (see $dir.log)"; exit 1; }
' "$runs"
node bin/disentangle.js collect "$runs" --by model,dataset \
  --metrics lie_group.fac_eval,lie_group.discrete_mig,lie_group.dci_disentanglement,lie_group.dci_completeness,lie_group.SAP_score,lie_group.val_hig_acc,lie_group.factor_leakage_mean \
  --out "$out"
