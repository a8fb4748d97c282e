// `npm run bench -- labels [--models othello-gpt-default,chess-gpt-default] [--saes standard-c1.0,...] [--games 60,200]`
// How many features of each shipped SAE carry a label under the rules of src/metrics/labels.ts, on
// the page's atlas (seed 2024) at two game counts, and how far the two atlases' labels agree. Also
// counts what the old rule (the best F1, whatever it was) would have named, for comparison.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAssets, type Fetcher } from '../src/app/worker/assets';
import { Workbench } from '../src/app/worker/workbench';
import { createNodeGpuContext, nodeShaderSource } from '../src/gpu/node';
import type { FeatureAtlas } from '../src/metrics/atlas';
import { featureLabel, judgedMatches, labelAgreement } from '../src/metrics/labels';

const PUBLIC = 'public';
const files: Fetcher = async (url) => new Uint8Array(readFileSync(join(PUBLIC, url.replace(/^file:\/\//, ''))));
const arg = (args: string[], name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');

function counts(atlas: FeatureAtlas): { alive: number; labelled: number; anyMatch: number } {
  let labelled = 0, anyMatch = 0;
  for (const f of atlas.alive) {
    if (featureLabel(atlas, f)) labelled++;
    if (judgedMatches(atlas, f, 1).length) anyMatch++;
  }
  return { alive: atlas.alive.length, labelled, anyMatch };
}

export async function benchLabels(args: string[]): Promise<void> {
  const index = JSON.parse(readFileSync(join(PUBLIC, 'models', 'index.json'), 'utf8')) as { models: Array<{ id: string; saes?: Array<{ id: string; hook: string }> }> };
  const models = arg(args, '--models', 'othello-gpt-default,chess-gpt-default').split(',');
  const only = args.includes('--saes') ? arg(args, '--saes', '').split(',') : null;
  const [small, large] = arg(args, '--games', '60,200').split(',').map(Number);
  console.log(`| model | SAE | alive | labelled (${large} games) | labelled (${small} games) | labelled in both | same label | old rule named |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const model of models) {
    const info = index.models.find((m) => m.id === model);
    if (!info) throw new Error(`no shipped model "${model}"`);
    for (const { id: sae, hook } of (info.saes ?? []).filter((s) => !only || only.includes(s.id))) {
      const layer = Number(/^blocks\.(\d+)\./.exec(hook)?.[1] ?? 0);
      const assets = await loadAssets({ type: 'load', base: 'file://', model: { kind: 'manifest', id: model }, sae: { kind: 'manifest', id: sae }, layer }, files);
      const wb = await Workbench.create(assets, createNodeGpuContext, nodeShaderSource);
      const t0 = performance.now();
      const a = (await wb.atlas(large, 2024, () => {})).atlas, b = (await wb.atlas(small, 2024, () => {})).atlas;
      wb.destroy();
      const ca = counts(a), cb = counts(b), agree = labelAgreement(a, b);
      console.log(`| ${model} | ${sae} | ${ca.alive} | ${ca.labelled} (${pct(ca.labelled, ca.alive)}) | ${cb.labelled} | ${agree.both} | ${agree.agree} (${pct(agree.agree, agree.both)}) | ${ca.anyMatch} |`);
      process.stderr.write(`${model}/${sae}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }
}
