#!/usr/bin/env bash
# Ships a default model (GAME=othello, the default, or GAME=chess) from its training run: copies the
# latest weights into public/models/$ID, measures them (eval, probes on every layer, two SAEs of each
# kind on the best probe layer, the supervised metrics of every SAE and of the baselines: MLP
# neurons, an SAE on the random-init model, the probes) and writes the model card and manifest entries.
# Steps whose output exists are skipped, so an interrupted run continues; FRESH=1 starts over.
# Sizes can be lowered for a dry run, e.g. EVAL_GAMES=100 PROBE_GAMES=200 SAE_STEPS=50 METRIC_GAMES=50 bash scripts/ship-default-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
GAME=${GAME:-othello}
RUN=${RUN:-runs/$GAME-default}
CONFIG=${CONFIG:-configs/$GAME-default.json} # the run config the weights were trained with (e.g. configs/othello-6x256.json for a PyTorch run)
if [ "$GAME" = chess ]; then
  ID=${ID:-chess-gpt-default}; RANDOM_ID=${RANDOM_ID:-chess-random-init}; EVAL_GAMES=${EVAL_GAMES:-1000}
  PROBES=(piece); SAE_GAMES=${SAE_GAMES:-500} # 256 characters per game
else
  ID=${ID:-othello-gpt-default}; RANDOM_ID=${RANDOM_ID:-othello-random-init}; EVAL_GAMES=${EVAL_GAMES:-2000}
  PROBES=(mine-theirs-empty legal-moves); SAE_GAMES=${SAE_GAMES:-2000}
fi
DEST=${DEST:-public/models/$ID}
MANIFEST=${MANIFEST:-public/models/index.json}
PROBE_GAMES=${PROBE_GAMES:-2000}
SAE_STEPS=${SAE_STEPS:-800}
METRIC_GAMES=${METRIC_GAMES:-1000}
cli() { node --import tsx src/cli/main.ts "$@"; } # no tsx launcher: it SIGKILLs a busy child on Ctrl-C
json() { node -e "console.log(JSON.parse(require('fs').readFileSync('$1','utf8'))$2)"; }

# New weights make every measurement stale; the random-init baseline depends only on the config and
# init_seed, which a resumed run keeps, so it is rebuilt only with FRESH=1.
if [ "${FRESH:-0}" = 1 ]; then rm -rf "$DEST" "$(dirname "$DEST")/$RANDOM_ID"; fi
if ! cmp -s "$RUN/model.safetensors" "$DEST/model.safetensors"; then rm -rf "$DEST"; fi
mkdir -p "$DEST/probes" "$DEST/saes" "$DEST/metrics"
cp "$RUN/model.safetensors" "$RUN/config.json" "$DEST/"
cp "$CONFIG" "$DEST/training-config.json"
M=(--model "$DEST/model.safetensors" --config "$DEST/config.json" --game "$GAME")
[ -f "$DEST/eval.json" ] || cli eval "${M[@]}" --games "$EVAL_GAMES" --seed 12345 --out "$DEST/eval.json"
for probe in "${PROBES[@]}"; do
  [ -f "$DEST/probes/$probe-results.json" ] || cli train-probe "${M[@]}" --probe "$probe" --train-games "$PROBE_GAMES" --test-games $((PROBE_GAMES / 4)) --epochs 4 --out "$DEST/probes"
done
LAYER=$(json "$DEST/probes/${PROBES[0]}-results.json" .best_layer)
F=$((8 * $(json "$DEST/config.json" .d_model)))
HOOK="blocks.$LAYER.hook_resid_post"

# Two sparsities per kind. The residual's norm is ~40-50, so L1 coefficients of order 1 (lr 0.01
# over the short schedule) give L0 in the tens to low hundreds.
sae() { local out=$1; shift; [ -f "$out/metrics.json" ] || cli train-sae "$@" --layer "$LAYER" --dict-size "$F" --steps "$SAE_STEPS" --batch 512 --train-games "$SAE_GAMES" --test-games 200 --out "$out"; }
# SAE_SPECS / TOPK_KS pick a subset for a quick ship (e.g. SAE_SPECS="standard relu 1.0;p-anneal p-anneal 1.0" TOPK_KS=32)
IFS=';' read -r -a SPECS <<< "${SAE_SPECS:-standard relu 1.0;standard relu 3.0;p-anneal p-anneal 1.0;p-anneal p-anneal 3.0;gated gated 1.0;gated gated 3.0}"
for spec in "${SPECS[@]}"; do
  set -- $spec
  sae "$DEST/saes/$1-c$3" "${M[@]}" --kind "$2" --coef "$3" --lr 0.01
done
for k in ${TOPK_KS:-16 32}; do sae "$DEST/saes/topk-k$k" "${M[@]}" --kind topk --k "$k" --lr 0.005; done

# Random-init baseline: the run's own initial weights (init_seed), the same SAE recipe.
RDIR="$(dirname "$DEST")/$RANDOM_ID"
SEED=$(json "$CONFIG" .init_seed)
mkdir -p "$RDIR/saes"
# its SAE must sit on this model's best probe layer, which may move as training goes on
if [ -f "$RDIR/saes/standard-c1.0/config.json" ] && [ "$(json "$RDIR/saes/standard-c1.0/config.json" .trainer.layer)" != "$LAYER" ]; then rm -rf "$RDIR/saes/standard-c1.0"; fi
[ -f "$RDIR/model/model.safetensors" ] || cli init-model --config "$DEST/config.json" --seed "$SEED" --out "$RDIR/model"
sae "$RDIR/saes/standard-c1.0" --model "$RDIR/model/model.safetensors" --config "$RDIR/model/config.json" --game "$GAME" --kind relu --coef 1.0 --lr 0.01

G=(--train-games "$METRIC_GAMES" --test-games "$METRIC_GAMES" --seed 2024 --loss-games "${LOSS_GAMES:-50}")
SAES=$(ls -d "$DEST"/saes/*/ | sed 's:/$::' | paste -sd, -)
[ -f "$DEST/metrics/topk-k32.json" ] || cli metrics "${M[@]}" --sae "$SAES" --hook "$HOOK" "${G[@]}" --out "$DEST/metrics"
[ -f "$DEST/metrics/baseline-mlp-neurons-L$LAYER.json" ] || cli metrics "${M[@]}" --neurons --hook "blocks.$LAYER.mlp.hook_post" "${G[@]}" --out "$DEST/metrics/baseline-mlp-neurons-L$LAYER.json"
[ -f "$DEST/metrics/baseline-random-init-standard-c1.0.json" ] || cli metrics --model "$RDIR/model/model.safetensors" --config "$RDIR/model/config.json" --game "$GAME" --sae "$RDIR/saes/standard-c1.0" --hook "$HOOK" "${G[@]}" --out "$DEST/metrics/baseline-random-init-standard-c1.0.json"
probe_baseline() { # kind, families it predicts
  local L; L=$(json "$DEST/probes/$1-results.json" .best_layer)
  [ -f "$DEST/metrics/baseline-probe-$1-L$L.json" ] || cli metrics "${M[@]}" --probe "$DEST/probes/$1-L$L.safetensors" --hook "blocks.$L.hook_resid_post" --bsp "$2" "${G[@]}" --out "$DEST/metrics/baseline-probe-$1-L$L.json"
}
if [ "$GAME" = chess ]; then
  probe_baseline piece piece-masked-blank-and-initial,piece-masked-blank,piece
else
  probe_baseline mine-theirs-empty mine-yours,mine-yours-blank-mask
  probe_baseline legal-moves valid-moves
fi
rm -f "$RDIR/model/model.safetensors" # the browser makes the random weights from the seed; only the SAE is shipped

cli model-card --dir "$DEST" --run "$RUN" --config "$CONFIG" --manifest "$MANIFEST" --random-init "$RDIR" $([ -f "runs/study/$GAME-study.json" ] && echo --study runs/study)
du -sh "$DEST" "$RDIR"
