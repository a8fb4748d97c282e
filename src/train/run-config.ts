// Training-run configuration (a JSON file), validated in full before any work starts.
import { describeValue, parseModelConfig, type ModelConfig } from '../model/config';

export interface RunConfig {
  /** what the model learns: seeded random Othello games, or generated chess transcripts (one token per character) */
  game: 'othello' | 'chess';
  model: ModelConfig;
  initSeed: number;
  dataSeed: number;
  batch: number;
  steps: number;
  lr: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  clipNorm: number;
  checkpointMinutes: number;
  /** minutes between held-out evaluations for the learning curve (each costs a few forward passes) */
  curveMinutes: number;
}

export class RunConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunConfigError';
  }
}

export function parseRunConfig(json: unknown): RunConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RunConfigError('training config is not a JSON object');
  const j = json as Record<string, unknown>;
  const num = (key: string, ok: (v: number) => boolean, what: string, fallback?: number): number => {
    const v = j[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new RunConfigError(`training config: "${key}" must be ${what} (got ${describeValue(j[key])})`);
    return v;
  };
  const int = (v: number) => Number.isSafeInteger(v);
  let model: ModelConfig;
  try {
    model = parseModelConfig(j.model);
  } catch (e) {
    throw new RunConfigError(`training config "model": ${(e as Error).message}`);
  }
  if (model.normalization !== 'LN') throw new RunConfigError('training config: the model must use normalization_type "LN"');
  const game = j.game ?? 'othello';
  if (game !== 'othello' && game !== 'chess') throw new RunConfigError(`training config: "game" must be "othello" or "chess" (got ${describeValue(j.game)})`);
  const vocab = game === 'othello' ? 61 : 32;
  if (model.dVocab !== vocab) throw new RunConfigError(`training config: a ${game} model needs d_vocab ${vocab} (got ${model.dVocab})`);
  const c: RunConfig = {
    game,
    model,
    initSeed: num('init_seed', (v) => int(v) && v >= 0, 'a non-negative integer', 0),
    dataSeed: num('data_seed', (v) => int(v) && v >= 0, 'a non-negative integer', 1),
    batch: num('batch', (v) => int(v) && v >= 1 && v <= 1024, 'an integer in 1..1024'),
    steps: num('steps', (v) => int(v) && v >= 1, 'a positive integer'),
    lr: num('lr', (v) => v > 0 && v < 1, 'in (0, 1)'),
    warmupSteps: num('warmup_steps', (v) => int(v) && v >= 0, 'a non-negative integer', 0),
    minLrRatio: num('min_lr_ratio', (v) => v >= 0 && v <= 1, 'in [0, 1]', 0.1),
    weightDecay: num('weight_decay', (v) => v >= 0 && v < 1, 'in [0, 1)', 0),
    beta1: num('beta1', (v) => v >= 0 && v < 1, 'in [0, 1)', 0.9),
    beta2: num('beta2', (v) => v >= 0 && v < 1, 'in [0, 1)', 0.999),
    clipNorm: num('clip_norm', (v) => v > 0, 'positive', 1),
    checkpointMinutes: num('checkpoint_minutes', (v) => v > 0 && v <= 10, 'in (0, 10]', 5),
    curveMinutes: num('curve_minutes', (v) => v >= 0, 'a non-negative number', 0),
  };
  if (c.warmupSteps >= c.steps) throw new RunConfigError('training config: warmup_steps must be below steps');
  return c;
}
