// The metrics panel in words: what coverage and board reconstruction measure (Karvonen et al. 2024,
// section 3 / boardgame-spec 3.4-3.5), and what the selected SAE's numbers mean beside the paper's
// and the baselines measured on this model (random-init SAE, MLP neurons, a linear probe).
import type { MetricsRow } from './metrics-data';

export const PAPER_URL = 'https://arxiv.org/abs/2408.00113';

export const DEFINITIONS = {
  coverage: 'Coverage: for each board property (e.g. "c4 is mine"), the best F1 that any single feature reaches as a classifier of it ("fires above t·max"), averaged over the family\'s properties at the threshold t that is best for the whole family.',
  reconstruction: 'Board reconstruction: each feature is labelled with the properties it predicts at precision ≥ 0.95 (≥ 10 true positives) on training games; on held-out games the board is rebuilt from the labels of the features that fire, and the F1 of that rebuilt board against the true one is reported.',
};

const f3 = (v: number) => v.toFixed(3);
const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;

export interface Published { c: number; r: number; name: string }

/** Sentences about the selected SAE on one family: the gap to the paper, and each baseline that is present. */
export function metricsFindings(sel: MetricsRow, rows: readonly MetricsRow[], family: string, familyTitle: string, published: Published | undefined): string[] {
  const m = sel.families[family];
  if (!m || m.coverage === null) return [];
  const out: string[] = [];
  const cov = m.coverage, rec = m.reconstruction;
  if (published) {
    out.push(`${familyTitle}: coverage ${f3(cov)} against ${f3(published.c)} in the paper (${published.name}), ${pct(cov, published.c)} of it` +
      (rec !== null ? `; board reconstruction ${f3(rec)} against ${f3(published.r)}, ${pct(rec, published.r)} of it.` : '.'));
  }
  const find = (pred: (id: string) => boolean) => rows.find((r) => r.kind === 'baseline' && pred(r.id) && r.families[family]?.coverage != null);
  const randomInit = find((id) => id.includes('random-init'));
  if (randomInit) {
    const b = randomInit.families[family];
    const dc = cov - b.coverage!, dr = rec !== null && b.reconstruction !== null ? rec - b.reconstruction : null;
    const d = (x: number) => `${x >= 0 ? '+' : '−'}${f3(Math.abs(x))}`;
    const ahead = [dc > 0.02 ? `${f3(dc)} ahead in coverage` : null, dr !== null && dr > 0.02 ? `${f3(dr)} ahead in reconstruction` : null].filter(Boolean);
    const level = [dc > 0.02 ? null : `coverage (${d(dc)})`, dr === null || dr > 0.02 ? null : `reconstruction (${d(dr)})`].filter(Boolean);
    out.push(`The same trainer on the untrained model (${randomInit.id.replace('baseline-', '')}) scores ${f3(b.coverage!)}${b.reconstruction !== null ? ` / ${f3(b.reconstruction)}` : ''}, what the token and position embeddings alone give: ` +
      [ahead.length ? `this SAE is ${ahead.join(' and ')}` : null, level.length ? `${ahead.length ? 'but ' : 'this SAE is '}no better in ${level.join(' or ')}` : null].filter(Boolean).join(', ') + '.');
  }
  const neurons = find((id) => id.includes('mlp-neurons'));
  if (neurons) {
    const nc = neurons.families[family].coverage!;
    const saes = rows.filter((r) => r.kind === 'sae' && r.families[family]?.coverage != null);
    const best = saes.reduce((a, r) => (r.families[family].coverage! > a.families[family].coverage! ? r : a), saes[0] ?? sel);
    const bc = best.families[family].coverage!;
    out.push(nc > bc
      ? `The MLP neurons of that layer, read as a dictionary, reach coverage ${f3(nc)}: more than every SAE here (best ${f3(bc)}, ${best.id}), so no SAE has found single features that classify the board better than the model's own neurons.`
      : `The MLP neurons of that layer, read as a dictionary, reach coverage ${f3(nc)}; ${Math.abs(cov - nc) < 0.005 ? 'this SAE is level with them' : cov > nc ? 'this SAE is above them' : `this SAE is below them (the best SAE, ${best.id}, reaches ${f3(bc)})`}.`);
  }
  const probe = rows.find((r) => r.kind === 'baseline' && r.id.includes('probe') && r.families[family]?.reconstruction != null);
  if (probe && rec !== null) {
    out.push(`A linear probe trained for this family (${probe.id.replace('baseline-', '')}) rebuilds the board at ${f3(probe.families[family].reconstruction!)}: what the layer holds linearly, against ${f3(rec)} from this SAE's features.`);
  }
  return out;
}
