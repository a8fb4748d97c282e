// Does an SAE belong to the model? The check the page runs before showing an SAE's features
// (src/app/worker/sae-fit.ts): the shipped SAEs fit their models; SAE-Lens files trained on another
// 6-layer Othello model, whose names and shapes fit a d_model-128 model, are called out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAssets, type Fetcher } from '../src/app/worker/assets';
import { fitVerdict } from '../src/app/worker/sae-fit';
import { Workbench } from '../src/app/worker/workbench';
import { nodeShaderSource } from '../src/gpu/node';
import { loadSaeFiles } from '../src/sae/formats';

const PUBLIC = join(__dirname, '..', 'public');
const FOREIGN = join(__dirname, '..', '..', 'shared', 'fixtures', 'saelens-othello-6L128', 'L1_x8_102400000');
const files: Fetcher = async (url) => new Uint8Array(readFileSync(join(PUBLIC, url.replace(/^file:\/\//, ''))));

describe('SAE fit check', () => {
  it('the shipped SAEs fit their models: as recorded when shipped, and measured on fresh games', async () => {
    for (const model of ['othello-gpt-default', 'chess-gpt-default']) {
      const hook = JSON.parse(readFileSync(join(PUBLIC, 'models', 'index.json'), 'utf8')).models.find((m: { id: string }) => m.id === model).saes[0].hook as string;
      const h = hook.replace(/\./g, '\\.');
      const load = async (residual?: 'raw') => Workbench.create(await loadAssets({ type: 'load', base: 'file://', model: { kind: 'manifest', id: model }, sae: { kind: 'manifest', id: 'standard-c1.0' }, layer: Number(hook.split('.')[1]), residual }, files), null, nodeShaderSource);
      const shipped = (await load()).saeFit()!;
      expect(shipped.verdict, shipped.text).toBe('fits');
      expect(shipped.text).toMatch(new RegExp(`^This SAE explains \\d+% of the variance at ${h} and recovers \\d+% of the next-token loss on [\\d,]+ held-out positions \\(measured when it was shipped\\)\\.$`));
      // The residual stream chosen explicitly: the shipped numbers may not apply, so it is measured.
      const wb = await load('raw');
      const measured = wb.saeFit()!;
      expect(measured.verdict, measured.text).toBe('fits');
      expect(measured.fve).toBeGreaterThan(0.5);
      expect(Math.abs(measured.fve - shipped.fve)).toBeLessThan(0.1);
      expect(measured.text).toMatch(new RegExp(`^This SAE explains \\d+% of the variance at ${h} and recovers \\d+% of the next-token loss on \\d+ fresh games\\.$`));
      wb.destroy();
    }
  });

  it('an SAE trained on another model is called out even when its names and shapes fit', async () => {
    const names = ['cfg.json', 'sae_weights.safetensors'];
    const saeFiles = Object.fromEntries(names.map((n) => [n, new Uint8Array(readFileSync(join(FOREIGN, n))).buffer as ArrayBuffer]));
    const sae = loadSaeFiles(new Map(Object.entries(saeFiles).map(([k, v]) => [k, new Uint8Array(v)])));
    expect(sae.dIn).toBe(128);
    const request = { type: 'load' as const, base: 'file://', model: { kind: 'manifest' as const, id: 'othello-gpt-default' }, sae: { kind: 'files' as const, name: 'L1_x8', files: saeFiles }, layer: 1 };
    const config = JSON.parse(readFileSync(join(PUBLIC, 'models', 'othello-gpt-default', 'config.json'), 'utf8'));
    if (config.d_model !== 128) {
      // A default model of another width: the shapes already tell, before any activation is read.
      await expect(loadAssets(request, files)).rejects.toThrow(/the SAE reads 128 values per position but .* has d_model/);
      return;
    }
    // The case. The files name hook blocks.1.hook_resid_pre: the same tensor as blocks.0.hook_resid_post.
    const wb = await Workbench.create(await loadAssets(request, files), null, nodeShaderSource);
    const fit = wb.saeFit()!;
    expect(fit.verdict, fit.text).toBe('foreign');
    expect(fit.l0).toBeGreaterThan(0.25 * 1024);
    expect(fit.text).toMatch(/^This SAE explains -?\d+% of the variance at blocks\.0\.hook_resid_post .* on 8 fresh games, firing [\d.]+ of its 1,024 features per position: it was most likely trained on another model, hook or residual convention \(its files name the model "my-own-othello-model"\)/);
    wb.destroy();
  });

  it('verdicts: fits above one half of both, foreign below zero of either or when a quarter of the dictionary fires', () => {
    expect(fitVerdict(0.97, 0.99, 823, 1024)).toBe('foreign');
    expect(fitVerdict(0.97, 0.99, 30, 1024)).toBe('fits');
    expect(fitVerdict(0.9, 0.8)).toBe('fits');
    expect(fitVerdict(0.4, 0.8)).toBe('poor');
    expect(fitVerdict(0.9, 0.3)).toBe('poor');
    expect(fitVerdict(-0.4, 0.9)).toBe('foreign');
    expect(fitVerdict(0.9, -2)).toBe('foreign');
    expect(fitVerdict(NaN, 0.9)).toBe('foreign');
  });
});
