// Reads the shipped supervised-metrics JSON files into rows for the metric panels and exports them.
import { CHESS_STRATEGY_SET } from '../../games/chess/bsp';
export interface MetricsRow {
  id: string;
  /** 'sae' for the model's SAEs, 'baseline' for neurons / random-init / probes */
  kind: 'sae' | 'baseline';
  l0: number | null;
  fve: number | null;
  lossRecovered: number | null;
  families: Record<string, { coverage: number | null; reconstruction: number | null; ceiling: number | null; observedCeiling: number | null }>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function parseMetricsFile(path: string, json: unknown): MetricsRow {
  const j = json as Record<string, unknown>;
  if (typeof j !== 'object' || j === null || typeof j.bsp !== 'object' || j.bsp === null) throw new Error(`${path} is not a metrics file (no "bsp" results)`);
  const id = path.split('/').pop()!.replace(/\.json$/, '');
  const families: MetricsRow['families'] = {};
  for (const v of Object.values(j.bsp as Record<string, Record<string, unknown>>)) {
    if (typeof v?.id !== 'string') continue;
    families[v.id] = { coverage: num(v.coverage), reconstruction: num(v.board_reconstruction), ceiling: num(v.ceiling), observedCeiling: num(v.observed_ceiling) };
  }
  // chess: the paper's "strategy" numbers are the means over its 14 strategy functions
  const strategy = CHESS_STRATEGY_SET.map((f) => families[f]);
  if (strategy.every((f) => f !== undefined)) {
    const mean = (k: 'coverage' | 'reconstruction') => (strategy.every((f) => f[k] !== null) ? strategy.reduce((a, f) => a + f[k]!, 0) / strategy.length : null);
    families.strategy = { coverage: mean('coverage'), reconstruction: mean('reconstruction'), ceiling: 1, observedCeiling: null };
  }
  return { id, kind: id.startsWith('baseline-') ? 'baseline' : 'sae', l0: num(j.l0), fve: num(j.frac_variance_explained), lossRecovered: num(j.frac_loss_recovered), families };
}

export const METRIC_FAMILIES = ['mine-yours-blank-mask', 'valid-moves', 'mine-yours'] as const;
/** Chess: the paper's board set and the strategy mean. */
export const CHESS_METRIC_FAMILIES = ['piece-masked-blank-and-initial', 'strategy'] as const;

export function metricsCsv(rows: MetricsRow[], families: readonly string[] = METRIC_FAMILIES): string {
  const head = ['dictionary', 'l0', 'frac_variance_explained', 'frac_loss_recovered', ...families.flatMap((f) => [`coverage_${f}`, `reconstruction_${f}`])];
  const cell = (v: number | null) => (v === null ? '' : String(v));
  return [head.join(','), ...rows.map((r) => [r.id, cell(r.l0), cell(r.fve), cell(r.lossRecovered), ...families.flatMap((f) => [cell(r.families[f]?.coverage ?? null), cell(r.families[f]?.reconstruction ?? null)])].join(','))].join('\n') + '\n';
}

/** The published trainer family an SAE id belongs to (ids as shipped: standard-*, p-anneal-*, gated-*, topk-*). */
export function publishedFamily(id: string): string | null {
  if (id.startsWith('p-anneal')) return 'Standard + p-anneal';
  if (id.startsWith('gated-anneal')) return 'Gated + p-anneal';
  if (id.startsWith('standard')) return 'Standard';
  if (id.startsWith('gated')) return 'Gated';
  if (id.startsWith('topk')) return 'TopK';
  return null;
}
