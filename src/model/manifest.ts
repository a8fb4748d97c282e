// The model manifest (public/models/index.json): which models the workbench offers and how to get
// their weights (files, or a seeded random initialisation for untrained baselines).
import { parseModelConfig, type ModelConfig } from './config';

export interface ManifestModel {
  id: string;
  game: 'othello' | 'chess';
  name: string;
  description: string;
  trained: boolean;
  config: ModelConfig;
  /** weights file relative to public/models/, absent for random-init baselines */
  weights?: string;
  randomInit?: { seed: number };
  /** model card path relative to public/models/ */
  card?: string;
  /** measured quality, e.g. legal_top1, legal_mass, games */
  metrics?: Record<string, number>;
  hookPoints: string[];
  saes: ManifestSae[];
  probes: ManifestProbe[];
  /** supervised-metrics JSON files (SAEs and baselines) relative to public/models/ */
  supervisedMetrics: string[];
}

export interface ManifestSae {
  id: string;
  /** folder relative to public/models/ */
  path: string;
  trainer: string;
  hook: string;
  format: string;
  metrics: Record<string, unknown>;
}

export interface ManifestProbe {
  kind: string;
  layer: number;
  path: string;
  test_accuracy: number;
  /** the same test positions' accuracy without the model: each square's most common training class */
  baseline_accuracy?: number;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null) : []);

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export function parseManifest(json: unknown): ManifestModel[] {
  const models = (json as { models?: unknown })?.models;
  if (!Array.isArray(models)) throw new ManifestError('model manifest has no "models" list');
  return models.map((m: Record<string, unknown>, i) => {
    const id = typeof m.id === 'string' ? m.id : `#${i}`;
    if (m.game !== 'othello' && m.game !== 'chess') throw new ManifestError(`model ${id}: unknown game ${JSON.stringify(m.game)}`);
    const seed = (m.random_init as { seed?: unknown } | undefined)?.seed;
    if (typeof m.weights !== 'string' && !Number.isSafeInteger(seed)) throw new ManifestError(`model ${id}: needs "weights" or "random_init.seed"`);
    return {
      id, game: m.game, name: String(m.name ?? id), description: String(m.description ?? ''), trained: m.trained === true,
      config: parseModelConfig(m.config),
      weights: typeof m.weights === 'string' ? m.weights : undefined,
      randomInit: Number.isSafeInteger(seed) ? { seed: seed as number } : undefined,
      card: typeof m.card === 'string' ? m.card : undefined,
      metrics: typeof m.metrics === 'object' && m.metrics !== null ? (m.metrics as Record<string, number>) : undefined,
      hookPoints: Array.isArray(m.hook_points) ? m.hook_points.filter((h): h is string => typeof h === 'string') : [],
      saes: list(m.saes).map((e) => ({
        id: str(e.id), path: str(e.path), trainer: str(e.trainer), hook: str(e.hook), format: str(e.format),
        metrics: typeof e.metrics === 'object' && e.metrics !== null ? (e.metrics as Record<string, unknown>) : {},
      })).filter((e) => e.id && e.path && e.hook),
      probes: list(m.probes).map((e) => ({ kind: str(e.kind), layer: Number(e.layer), path: str(e.path), test_accuracy: Number(e.test_accuracy),
        ...(typeof e.baseline_accuracy === 'number' && e.baseline_accuracy >= 0 && e.baseline_accuracy <= 1 ? { baseline_accuracy: e.baseline_accuracy } : {}) }))
        .filter((e) => e.kind && e.path && Number.isInteger(e.layer)),
      supervisedMetrics: Array.isArray(m.supervised_metrics) ? m.supervised_metrics.filter((h): h is string => typeof h === 'string') : [],
    };
  });
}
