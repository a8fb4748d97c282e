// The metrics panel's sentences, on the shipped metrics files: every number they quote is the one in
// the files, and each comparison says the direction the numbers go.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMetricsFile, type MetricsRow } from '../src/app/panels/metrics-data';
import { metricsFindings } from '../src/app/panels/metrics-words';
import { OTHELLO_PUBLISHED } from '../src/metrics/published';

const rowsOf = (model: string): MetricsRow[] => {
  const dir = join(__dirname, '..', 'public', 'models', model, 'metrics');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => parseMetricsFile(`${model}/metrics/${f}`, JSON.parse(readFileSync(join(dir, f), 'utf8'))));
};

describe('metrics in words', () => {
  const rows = rowsOf('othello-gpt-default');
  const fam = 'mine-yours-blank-mask';
  const sel = rows.find((r) => r.id === 'standard-c1.0')!;
  const pub = OTHELLO_PUBLISHED.find((p) => p.dictionary === 'Standard')!;
  const lines = metricsFindings(sel, rows, fam, 'Mine/theirs', { c: pub.coverage_mine_yours_masked, r: pub.reconstruction_mine_yours_masked, name: 'Standard, layer 5 of 8' });

  it('states the gap to the paper with both numbers and the ratio', () => {
    const m = sel.families[fam];
    expect(lines[0]).toBe(`Mine/theirs: coverage ${m.coverage!.toFixed(3)} against ${pub.coverage_mine_yours_masked.toFixed(3)} in the paper (Standard, layer 5 of 8), ${Math.round((100 * m.coverage!) / pub.coverage_mine_yours_masked)}% of it; board reconstruction ${m.reconstruction!.toFixed(3)} against ${pub.reconstruction_mine_yours_masked.toFixed(3)}, ${Math.round((100 * m.reconstruction!) / pub.reconstruction_mine_yours_masked)}% of it.`);
  });

  it('compares with the random-init SAE, the MLP neurons and the probe in the right direction', () => {
    const ri = rows.find((r) => r.id.startsWith('baseline-random-init'))!.families[fam];
    const line = lines.find((l) => l.includes('untrained model'))!;
    expect(line).toContain(`scores ${ri.coverage!.toFixed(3)} / ${ri.reconstruction!.toFixed(3)}`);
    const dc = sel.families[fam].coverage! - ri.coverage!;
    expect(line).toContain(dc > 0.02 ? `this SAE is ${dc.toFixed(3)} ahead in coverage` : 'no better in coverage');
    const neurons = rows.find((r) => r.id.startsWith('baseline-mlp-neurons'))!.families[fam].coverage!;
    const bestSae = Math.max(...rows.filter((r) => r.kind === 'sae').map((r) => r.families[fam].coverage!));
    const nLine = lines.find((l) => l.includes('MLP neurons'))!;
    expect(nLine).toContain(`reach coverage ${neurons.toFixed(3)}`);
    expect(nLine.includes('more than every SAE here')).toBe(neurons > bestSae);
    const probe = rows.find((r) => r.id.includes('probe') && r.families[fam]?.reconstruction != null)!;
    expect(lines.find((l) => l.includes('linear probe'))).toContain(`rebuilds the board at ${probe.families[fam].reconstruction!.toFixed(3)}`);
  });

  it('says nothing it cannot back: no baselines, no sentences about them', () => {
    const only = metricsFindings(sel, [sel], fam, 'Mine/theirs', undefined);
    expect(only).toEqual([]);
  });

  it('chess: the board set against the paper and the baselines', () => {
    const chess = rowsOf('chess-gpt-default');
    const s = chess.find((r) => r.id === 'standard-c1.0')!;
    const out = metricsFindings(s, chess, 'piece-masked-blank-and-initial', 'Pieces', { c: 0.5, r: 0.5, name: 'x' });
    expect(out.length).toBe(4);
    expect(out.every((l) => !/NaN|undefined|null/.test(l))).toBe(true);
  });
});
