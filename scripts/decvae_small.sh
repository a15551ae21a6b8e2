#!/usr/bin/env bash
# DecVAE's evidence table: configs/decvae/simvowels-small.yaml against the β-VAE baseline
# configs/decvae/beta_vae-small.yaml on SimVowels-small, 3 seeds each, one training at a time on
# one thread, then `disentangle collect` over each: DCI disentanglement, completeness and
# informativeness of the frame latents, and the vowel and speaker classification accuracies.
# Runs already evaluated are kept, so an interrupted table resumes. The first DecVAE run fills
# the feature cache (.cache/decvae/) that the others reuse.
#   bash scripts/decvae_small.sh [RUNS_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs/decvae-small}
out=${2:-docs/tables}
for model in simvowels beta_vae; do
  for seed in 0 1 2; do
    dir="$runs/$model/seed-$seed"
    if [ -f "$dir/metrics.json" ]; then echo "kept $dir"; continue; fi
    mkdir -p "$(dirname "$dir")"
    node bin/disentangle.js --threads 1 run "configs/decvae/$model-small.yaml" --out "$dir" --overwrite --set seed="$seed" > "$dir.log" 2>&1 \
      && echo "done $dir" || { echo "FAILED $dir (see $dir.log)"; exit 1; }
  done
done
columns=dci_disentanglement,dci_completeness,dci_informativeness_test,modularity,explicitness_test,irs,mi_score
node bin/disentangle.js collect "$runs/simvowels" --representation decvae --by task \
  --metrics "z_all.${columns//,/,z_all.},vowel.best_accuracy,speaker_frame.best_accuracy,speaker_seq.best_accuracy" \
  --out "$out/decvae_small.csv"
node bin/disentangle.js collect "$runs/beta_vae" --representation decvae_baseline --by task \
  --metrics "z.${columns//,/,z.},vowel.best_accuracy,speaker_frame.best_accuracy" \
  --out "$out/decvae_baseline_small.csv"
