#!/usr/bin/env bash
# V3's evidence tables: configs/v3/phonenums-small.yaml and configs/v3/insnotes-small.yaml, 3 seeds
# each, one training at a time on one thread, then `disentangle collect` over each dataset's runs
# into docs/tables/v3_small_<dataset>.csv (.md, .png, .svg): content and style retrieval PR-AUC on
# z_c and z_s, codebook accuracy and the OOD accuracies. Runs already evaluated are kept, so an
# interrupted table resumes; DATASETS picks the datasets (default: both).
#   DATASETS="insnotes" bash scripts/v3_small.sh [RUNS_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs/v3-small}
out=${2:-docs/tables}
for dataset in ${DATASETS:-phonenums insnotes}; do
  for seed in 0 1 2; do
    dir="$runs/$dataset/seed-$seed"
    if [ -f "$dir/metrics.json" ]; then echo "kept $dir"; continue; fi
    mkdir -p "$(dirname "$dir")"
    node bin/disentangle.js --threads 1 run "configs/v3/$dataset-small.yaml" --out "$dir" --overwrite --set seed="$seed" > "$dir.log" 2>&1 \
      && echo "done $dir" || { echo "FAILED $dir (see $dir.log)"; exit 1; }
  done
  node bin/disentangle.js collect "$runs/$dataset" --representation v3 --by dataset \
    --metrics content_on_zc.pr_auc,content_on_zs.pr_auc,style_on_zs.pr_auc,style_on_zc.pr_auc,codebook.accuracy,codebook.atoms_used,zero_shot_ood.rank_rule_accuracy,few_shot_10.rank_rule_accuracy \
    --out "$out/v3_small_$dataset.csv"
done
