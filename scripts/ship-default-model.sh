#!/usr/bin/env bash
# Ships the default Othello model from its training run: copies the latest weights into
# public/models/$ID, measures them (2,000-game eval, probes on every layer, SAEs on the best probe
# layer) and writes the model card and manifest entry from those measurements.
# Sizes can be lowered for a dry run, e.g. EVAL_GAMES=100 PROBE_GAMES=200 SAE_STEPS=50 bash scripts/ship-default-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-runs/othello-default}
ID=${ID:-othello-gpt-default}
DEST=${DEST:-public/models/$ID}
MANIFEST=${MANIFEST:-public/models/index.json}
EVAL_GAMES=${EVAL_GAMES:-2000}
PROBE_GAMES=${PROBE_GAMES:-2000}
SAE_STEPS=${SAE_STEPS:-800}
cli() { npx tsx src/cli/main.ts "$@"; }

rm -rf "$DEST" && mkdir -p "$DEST/probes" "$DEST/saes"
cp "$RUN/model.safetensors" "$RUN/config.json" "$DEST/"
cp configs/othello-default.json "$DEST/training-config.json"
M=(--model "$DEST/model.safetensors" --config "$DEST/config.json")
cli eval "${M[@]}" --game othello --games "$EVAL_GAMES" --seed 12345 --out "$DEST/eval.json"
for probe in mine-theirs-empty legal-moves; do
  cli train-probe "${M[@]}" --probe "$probe" --train-games "$PROBE_GAMES" --test-games $((PROBE_GAMES / 4)) --epochs 4 --out "$DEST/probes"
done
LAYER=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$DEST/probes/mine-theirs-empty-results.json','utf8')).best_layer)")
F=$((8 * $(node -e "console.log(JSON.parse(require('fs').readFileSync('$DEST/config.json','utf8')).d_model)")))
sae() { cli train-sae "${M[@]}" --layer "$LAYER" --dict-size "$F" --steps "$SAE_STEPS" --batch 512 --train-games "$PROBE_GAMES" --test-games 200 "$@"; }
sae --kind relu --coef 0.1 --out "$DEST/saes/standard-c0.1"
sae --kind relu --coef 0.3 --out "$DEST/saes/standard-c0.3"
sae --kind p-anneal --coef 0.1 --out "$DEST/saes/p-anneal-c0.1"
sae --kind p-anneal --coef 0.3 --out "$DEST/saes/p-anneal-c0.3"
sae --kind topk --k 16 --out "$DEST/saes/topk-k16"
sae --kind topk --k 32 --out "$DEST/saes/topk-k32"
cli model-card --dir "$DEST" --run "$RUN" --manifest "$MANIFEST"
du -sh "$DEST"
