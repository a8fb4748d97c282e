// `npm run bench -- fit [--foreign DIR]`: the SAE fit check (src/app/worker/sae-fit.ts) measured on
// fresh games for every shipped SAE on its model, and for every SAE-Lens folder under DIR (default:
// ../shared/fixtures/saelens-othello-6L128, SAEs trained on another 6-layer Othello model) loaded on
// the default Othello model at the layer its hook names: variance explained, loss recovered, L0 and
// the verdict the page shows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAssets, type Fetcher } from '../src/app/worker/assets';
import { Workbench } from '../src/app/worker/workbench';
import { nodeShaderSource } from '../src/gpu/node';
import type { SaeFit } from '../src/app/worker/sae-fit';

const PUBLIC = 'public';
const files: Fetcher = async (url) => new Uint8Array(readFileSync(join(PUBLIC, url.replace(/^file:\/\//, ''))));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const row = (model: string, sae: string, f: SaeFit) => console.log(`| ${model} | ${sae} | ${f.hook} | ${pct(f.fve)} | ${pct(f.lossRecovered)} | ${f.l0.toFixed(1)} of ${f.dSae} | ${f.verdict} |`);

export async function benchFit(args: string[]): Promise<void> {
  const foreign = args.includes('--foreign') ? args[args.indexOf('--foreign') + 1] : join('..', 'shared', 'fixtures', 'saelens-othello-6L128');
  const index = JSON.parse(readFileSync(join(PUBLIC, 'models', 'index.json'), 'utf8')) as { models: Array<{ id: string; saes?: Array<{ id: string; hook: string }> }> };
  console.log('| model | SAE | hook | variance explained | loss recovered | L0 | verdict |');
  console.log('|---|---|---|---|---|---|---|');
  for (const model of ['othello-gpt-default', 'chess-gpt-default']) {
    for (const { id: sae, hook } of index.models.find((m) => m.id === model)?.saes ?? []) {
      // residual given explicitly: measured on fresh games, not the numbers recorded when shipped
      const assets = await loadAssets({ type: 'load', base: 'file://', model: { kind: 'manifest', id: model }, sae: { kind: 'manifest', id: sae }, layer: Number(hook.split('.')[1]), residual: 'raw' }, files);
      const wb = await Workbench.create(assets, null, nodeShaderSource);
      row(model, sae, wb.saeFit()!);
      wb.destroy();
    }
  }
  if (!existsSync(foreign)) return;
  for (const dir of readdirSync(foreign).filter((d) => existsSync(join(foreign, d, 'cfg.json'))).sort()) {
    const names = readdirSync(join(foreign, dir)).filter((n) => n === 'cfg.json' || n.endsWith('.safetensors'));
    const saeFiles = Object.fromEntries(names.map((n) => [n, new Uint8Array(readFileSync(join(foreign, dir, n))).buffer as ArrayBuffer]));
    const hook = String(JSON.parse(readFileSync(join(foreign, dir, 'cfg.json'), 'utf8')).hook_name ?? '');
    const block = Number(/^blocks\.(\d+)\./.exec(hook)?.[1] ?? 0);
    // the hook itself comes from the files (assets.ts reads blocks.N.hook_resid_pre as block N-1's output)
    const layer = block;
    try {
      const assets = await loadAssets({ type: 'load', base: 'file://', model: { kind: 'manifest', id: 'othello-gpt-default' }, sae: { kind: 'files', name: dir, files: saeFiles }, layer }, files);
      const wb = await Workbench.create(assets, null, nodeShaderSource);
      row('othello-gpt-default', `SAE-Lens ${dir} (${hook})`, wb.saeFit()!);
      wb.destroy();
    } catch (e) {
      console.log(`| othello-gpt-default | SAE-Lens ${dir} (${hook}) | – | – | – | – | refused: ${(e as Error).message.slice(0, 120)} |`);
    }
  }
}
