// The model manifest (public/models/index.json): which models the workbench offers and how to get
// their weights (files, or a seeded random initialisation for untrained baselines).
import { describeValue, parseModelConfig, type ModelConfig } from './config';

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
  const models = typeof json === 'object' && json !== null && Object.prototype.hasOwnProperty.call(json, 'models') ? (json as { models?: unknown }).models : undefined;
  if (!Array.isArray(models)) throw new ManifestError('model manifest has no "models" list');
  if (models.length > 1000) throw new ManifestError(`model manifest lists ${models.length} models`);
  const seen = new Set<string>();
  return models.map((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ManifestError(`model #${i} is not an object`);
    const m = Object.fromEntries(Object.entries(raw)) as Record<string, unknown>; // own properties only
    if (typeof m.id !== 'string' || !/^[\w.-]{1,64}$/.test(m.id)) throw new ManifestError(`model #${i}: "id" must be a short name of letters, digits, '.', '_' or '-'`);
    const id = m.id;
    if (seen.has(id)) throw new ManifestError(`model id "${id}" appears twice`);
    seen.add(id);
    if (m.game !== 'othello' && m.game !== 'chess') throw new ManifestError(`model ${id}: unknown game ${describeValue(m.game)}`);
    const seed = (m.random_init as { seed?: unknown } | undefined)?.seed;
    if (typeof m.weights !== 'string' && !Number.isSafeInteger(seed)) throw new ManifestError(`model ${id}: needs "weights" or "random_init.seed"`);
    return {
      id, game: m.game, name: str(m.name, id), description: str(m.description), trained: m.trained === true,
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
      // A probe needs a real layer and accuracy (null is not layer 0, a missing accuracy is not NaN).
      probes: list(m.probes).filter((e) => Number.isSafeInteger(e.layer) && typeof e.test_accuracy === 'number' && e.test_accuracy >= 0 && e.test_accuracy <= 1)
        .map((e) => ({ kind: str(e.kind), layer: e.layer as number, path: str(e.path), test_accuracy: e.test_accuracy as number,
          ...(typeof e.baseline_accuracy === 'number' && e.baseline_accuracy >= 0 && e.baseline_accuracy <= 1 ? { baseline_accuracy: e.baseline_accuracy } : {}) }))
        .filter((e) => e.kind && e.path && e.layer >= 0 && e.layer < 1000),
      supervisedMetrics: Array.isArray(m.supervised_metrics) ? m.supervised_metrics.filter((h): h is string => typeof h === 'string') : [],
    };
  });
}
