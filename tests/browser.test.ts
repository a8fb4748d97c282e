// End-to-end tests of the workbench in headless Debian Chromium (WebGPU on SwiftShader, and with
// WebGPU disabled): the WGSL forward against the CPU reference in the page, then the user's
// scenarios on the shipped default model and SAE. Screenshots of the main views go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViteDevServer } from 'vite';
import { atlasReady, launchChromium, openWorkbench, pageErrors, shippedProbeNote, startVite } from './helpers/browser';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
// A small feature atlas keeps each page start to seconds on SwiftShader (the default is 200 games).
const QUERY = '?atlas=24';
let server: ViteDevServer;
let url: string;
let gpuBrowser: BrowserContext;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ server, url } = await startVite());
  gpuBrowser = await launchChromium(true);
});
afterAll(async () => {
  await gpuBrowser?.close();
  await server?.close();
});

const open = (hash = '', browser = gpuBrowser, query = QUERY) => openWorkbench(browser, url, hash, query);
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('Chromium (WebGPU on SwiftShader)', () => {
  it('runs the WGSL forward and SAEs in the page and matches the CPU reference', async () => {
    const page = await gpuBrowser.newPage();
    await page.goto(`${url}/tests/browser/forward.html`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
    const result = await page.evaluate(() => (window as unknown as { __result: { adapter?: string; errors?: Record<string, number>; error?: string } }).__result);
    expect(result.error).toBeUndefined();
    console.log(`[browser] adapter ${result.adapter}; max relative errors ${JSON.stringify(result.errors)}`);
    expect(result.adapter).toMatch(/swiftshader|google/i);
    for (const [name, err] of Object.entries(result.errors!)) expect(err, name).toBeLessThan(1e-4);
    await page.close();
  });

  it('first load, playing and stepping moves', async () => {
    const page = await open();
    expect(await page.getByTestId('gpu-status').textContent()).toMatch(/Running on WebGPU .* in a worker.*standard-c1\.0 \(1024 features\)/);
    // the backend for analysing moves is chosen by measurement, and the status line says what was measured
    expect(await page.getByTestId('backend-note').textContent()).toMatch(/Measured: one 59-token analysis took \d+ ms on the CPU reference and \d+ ms on WebGPU \(google swiftshader\), so moves are analysed on /);
    expect(await page.locator('[data-square]').count()).toBe(64);
    await expect.poll(() => page.getByTestId('model-quality').textContent()).toMatch(/top move is legal \d+\.\d% of the time on 2,000 fresh games/);
    await shot(page, 'first-load');
    await page.locator('[data-square="d3"]').click(); // black's opening move
    await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/Probability on legal moves: \d+\.\d%/);
    expect(await page.getByTestId('transcript').textContent()).toBe('d3 ');
    await expect.poll(() => page.locator('[data-testid="legend"]').textContent()).toMatch(/Next-move probability/);
    await page.locator('[data-square="a1"]').click(); // not legal: selects the square instead of playing
    expect(await page.getByTestId('position').textContent()).toBe('move 1 / 1');
    await page.getByRole('button', { name: 'Random game' }).click();
    await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move 30 \/ \d+/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move 29 \//);
    // after choosing from a dropdown, the arrow keys step through the game again
    await page.getByLabel('overlay').focus();
    await page.getByLabel('overlay').selectOption('probe');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move 28 \//);
    await page.getByLabel('overlay').selectOption('predictions');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move 0 \//);
    await page.getByLabel('timeline').fill('12');
    await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move 12 \//);
    // a pasted illegal transcript is refused with a clear message and the game stays
    await page.getByLabel('paste a transcript').fill('d3 c5 d3');
    await page.getByRole('button', { name: 'Load moves' }).click();
    await expect.poll(() => page.getByTestId('paste-error').textContent()).toMatch(/Not loaded: .*d3.*unchanged/);
    expect(await page.getByTestId('position').textContent()).toMatch(/move 12 \//);
    await page.getByLabel('paste a transcript').fill('f5 f6 e6 f4');
    await page.getByRole('button', { name: 'Load moves' }).click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toBe('f5 f6 e6 f4 ');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('selects a feature: overlay, dashboard with histogram, top positions and a saved note', async () => {
    const page = await open('#moves=f5f6e6f4e3c5c4d3&pos=8');
    await atlasReady(page);
    const first = page.locator('[data-testid^="feature-"]').first();
    const id = Number((await first.getAttribute('data-testid'))!.replace('feature-', ''));
    await first.click();
    await expect.poll(() => page.getByTestId('legend').textContent()).toMatch(new RegExp(`Feature ${id}: skill per square`));
    await expect.poll(() => page.getByLabel('overlay').inputValue()).toBe('feature');
    await shot(page, 'feature-overlay');
    await page.getByRole('tab', { name: 'Feature dashboard' }).click();
    await expect.poll(() => page.getByTestId('histogram').count()).toBe(1);
    expect(await page.getByTestId('top-positions').locator('button').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('best-matches').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByTestId('note').fill('d3 tracker\nfires when d3 is mine');
    await shot(page, 'feature-dashboard');
    // the note survives a reload (IndexedDB) and names the feature in the list
    await page.reload();
    await atlasReady(page);
    await page.getByRole('tab', { name: 'Features here' }).click();
    await expect.poll(() => page.getByTestId(`feature-${id}`).textContent(), { timeout: 60_000 }).toContain('d3 tracker');
    // the decoder-through-probe overlay
    await page.getByLabel('overlay').selectOption('decoder');
    await expect.poll(() => page.getByTestId('legend').textContent()).toMatch(/decoder seen through the probe/);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('square explorer: features that encode a square, with the probe\'s confidence', async () => {
    const page = await open('#moves=f5f6e6f4e3c5c4d3&pos=8');
    await atlasReady(page);
    await page.getByText('click inspects').click();
    await page.locator('[data-square="e4"]').click();
    await expect.poll(() => page.getByTestId('square-panel').locator('h3').textContent()).toBe('Square e4');
    await expect.poll(() => page.getByTestId('probe-confidence').textContent()).toMatch(/theirs \d+\.\d%, empty \d+\.\d%, mine \d+\.\d%; legal-move probe/);
    expect(await page.getByTestId('square-panel').locator('table tbody tr').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('position').textContent()).toBe('move 8 / 8'); // inspecting did not play
    await page.getByLabel('overlay').selectOption('probe');
    await expect.poll(() => page.getByTestId('legend').textContent()).toMatch(/Linear probe vs the true board.*of 64 squares/);
    // the legend says how good the probe is, beside guessing each square's most common state
    expect(await page.getByTestId('legend').textContent()).toContain(shippedProbeNote('othello-gpt-default', 'mine-theirs-empty', 'standard-c1.0'));
    await page.getByLabel('overlay').selectOption('active');
    await expect.poll(() => page.getByTestId('legend').textContent()).toMatch(/What the active features are about/);
    await shot(page, 'square-explorer');
    await page.close();
  });

  it('intervention: ablating features changes the predictions, shown beside the clean run', async () => {
    const page = await open('#moves=f5f6e6f4e3c5c4d3&pos=8');
    await atlasReady(page);
    await page.locator('[data-testid^="feature-"]').first().waitFor();
    const ids = await page.locator('[data-testid^="feature-"]').evaluateAll((els) => els.slice(0, 4).map((e) => e.getAttribute('data-testid')!.replace('feature-', '')));
    for (const id of ids) {
      await page.getByRole('tab', { name: 'Features here' }).click();
      await page.getByTestId(`feature-${id}`).click();
      await page.getByRole('tab', { name: 'Interventions' }).click();
      await page.getByRole('button', { name: 'Ablate' }).click();
    }
    await expect.poll(() => page.getByTestId('intervention-result').count(), { timeout: 60_000 }).toBe(1);
    const text = await page.getByTestId('intervene-panel').textContent();
    expect(text).toMatch(/Clean · legal mass \d+\.\d%/);
    expect(text).toMatch(/Patched · legal mass \d+\.\d%/);
    expect(text).toMatch(/Largest changes: [a-h][1-8] [+-]\d/);
    expect(await page.getByTestId('intervene-panel').locator('li').count()).toBe(ids.length);
    expect(new URL(page.url()).hash).toContain('edits=');
    await shot(page, 'intervention');
    await page.close();
  });

  it('metric panels: selected SAE against ceilings and published numbers, all SAEs, scatter', async () => {
    const page = await open('#panel=metrics');
    await expect.poll(() => page.getByTestId('selected-metrics').locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('compare-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('scatter').locator('circle').count()).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('selected-metrics').textContent()).toMatch(/0\.403 \/ 0\.954/); // the paper's best standard SAE
    await shot(page, 'metrics');
    await page.close();
  });

  it('URL round trip: a copied link restores the exact view', async () => {
    const page = await open();
    await page.getByLabel('paste a transcript').fill('f5 d6 c3 d3 c4 f4');
    await page.getByRole('button', { name: 'Load moves' }).click();
    await page.getByRole('button', { name: 'previous move' }).click();
    await page.getByLabel('SAE', { exact: true }).selectOption('topk-k32');
    await page.getByLabel('overlay').selectOption('probe');
    await page.getByRole('tab', { name: 'Feature dashboard' }).click();
    await page.getByLabel('feature number').fill('77');
    await page.getByText('click inspects').click();
    await page.locator('[data-square="c4"]').click();
    await expect.poll(() => page.url()).toMatch(/sae=topk-k32.*moves=f5d6c3d3c4f4.*pos=5.*feature=77.*square=c4.*overlay=probe.*panel=square/);
    const link = page.url();
    const again = await gpuBrowser.newPage();
    await again.goto(link);
    await expect.poll(() => again.getByTestId('position').textContent(), { timeout: 60_000 }).toBe('move 5 / 6');
    expect(await again.getByLabel('SAE', { exact: true }).inputValue()).toBe('topk-k32');
    expect(await again.getByLabel('overlay').inputValue()).toBe('probe');
    expect(await again.getByRole('tab', { name: 'Square explorer' }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => again.getByTestId('square-panel').locator('h3').textContent()).toBe('Square c4');
    expect(again.url()).toBe(link);
    await page.close();
    await again.close();
  });

  it('a malformed or hostile link shows a clear message and a sane default view', async () => {
    const page = await open('#moves=d3zz&overlay=%3Cscript%3Ealert(1)%3C%2Fscript%3E&sae=..%2F..%2Fetc&feature=-4&__proto__=1');
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/moves in the link were not used.*overlay .* is unknown/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/not a valid id/);
    expect(await page.getByTestId('position').textContent()).toBe('move 0 / 0');
    expect(await page.getByLabel('overlay').inputValue()).toBe('predictions');
    expect(await page.getByLabel('SAE', { exact: true }).inputValue()).toBe('standard-c1.0');
    await page.locator('[data-square="d3"]').click(); // still fully usable
    await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/Probability on legal moves/);
    await shot(page, 'malformed-link');
    const unknown = await open('#sae=no-such-sae&model=no-such-model');
    await expect.poll(() => unknown.getByTestId('notice').textContent(), { timeout: 30_000 }).toMatch(/no othello model "no-such-model"/);
    const tooHigh = await open('#feature=99999');
    await expect.poll(() => tooHigh.getByTestId('notice').textContent(), { timeout: 60_000 }).toMatch(/feature 99999 is not one of this SAE's 1024 features \(0\.\.1023\)/);
    expect(new URL(tooHigh.url()).hash).not.toContain('feature=');
    await tooHigh.close();
    expect(pageErrors(page)).toEqual([]);
    await page.close();
    await unknown.close();
  });

  it('the user\'s own model and SAE files load; a bad SAE file gets a clear error and the loaded SAE stays', async () => {
    const page = await open();
    await atlasReady(page);
    await page.getByTestId('sae-files').setInputFiles([{ name: 'ae.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a safetensors file at all') }]);
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 30_000 }).toMatch(/ae\.safetensors.*still showing the previous model and SAE/);
    await expect.poll(() => page.getByLabel('SAE', { exact: true }).inputValue()).toBe('standard-c1.0');
    await page.locator('[data-square="d3"]').click();
    await expect.poll(() => page.locator('[data-testid^="feature-"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // a good dictionary_learning SAE (ae.safetensors + config.json) and a TransformerLens-style model (weights + config)
    const shipped = join(__dirname, '..', 'public', 'models', 'othello-gpt-default');
    await page.getByTestId('sae-files').setInputFiles([join(shipped, 'saes', 'topk-k16', 'ae.safetensors'), join(shipped, 'saes', 'topk-k16', 'config.json')]);
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/SAE ae\.safetensors \+ config\.json \(1024 features\)/);
    expect(new URL(page.url()).hash).toContain('sae=my-file');
    await page.getByTestId('model-files').setInputFiles([join(shipped, 'model.safetensors'), join(shipped, 'config.json')]);
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/model\.safetensors · blocks\.3\.hook_resid_post/);
    await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/Probability on legal moves/);
    await page.close();
  });

  it('the feature atlas is computed once: switching back and a later visit take it from the cache', async () => {
    // a game count no other test uses, so this browser profile has no stored atlas for it yet
    const query = '?atlas=13';
    const page = await open('', gpuBrowser, query);
    await atlasReady(page);
    await expect.poll(() => page.getByTestId('atlas-status').textContent()).toMatch(/^Feature atlas: 13 random games \(767 positions\), computed in [\d.]+ s and kept for next time\.$/);
    await page.getByLabel('SAE').selectOption('topk-k16');
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/SAE topk-k16/);
    await atlasReady(page);
    await expect.poll(() => page.getByTestId('atlas-status').textContent()).toMatch(/computed in/);
    await page.getByLabel('SAE').selectOption('standard-c1.0');
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/SAE standard-c1\.0/);
    await expect.poll(() => page.getByTestId('atlas-status').textContent(), { timeout: 60_000 }).toMatch(/kept from earlier in this session\.$/);
    await page.close();
    const later = await open('#moves=d3c5', gpuBrowser, query);
    await expect.poll(() => later.getByTestId('atlas-status').textContent(), { timeout: 60_000 }).toMatch(/kept in this browser's storage from an earlier visit\.$/);
    // the labels come with it
    await expect.poll(() => later.locator('[data-testid^="feature-"] .flabel').count()).toBeGreaterThan(0);
    expect(pageErrors(later)).toEqual([]);
    await later.close();
  });

  it('classroom tour: presenter mode with captions and arrow-key steps', async () => {
    const page = await open();
    await page.getByLabel('classroom tours').selectOption('square-feature');
    await expect.poll(() => page.getByTestId('caption').textContent()).toMatch(/After 6 moves, e6 is one of black's legal moves/);
    expect(await page.getByTestId('position').textContent()).toMatch(/^move 6 \//);
    await expect.poll(() => page.getByTestId('square-panel').locator('h3').textContent()).toBe('Square e6');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('caption').textContent()).toMatch(/Feature 492/);
    // presenter mode shows the board and its legend, not the controls around them
    expect(await page.getByLabel('overlay').count()).toBe(0);
    await atlasReady(page);
    await expect.poll(() => page.getByTestId('legend').textContent()).toMatch(/Feature 492: skill per square/);
    await shot(page, 'tour');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('caption').textContent()).toMatch(/Ablate it/);
    await expect.poll(() => page.getByTestId('intervention-result').count(), { timeout: 60_000 }).toBe(1);
    expect(page.url()).toMatch(/tour=square-feature&step=3/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('presenter').count()).toBe(0);
    await page.close();
  });
});

describe('Chromium without WebGPU', () => {
  it('says so plainly and runs everything on the CPU reference in the worker', async () => {
    const browser = await launchChromium(false);
    try {
      const page = await open('', browser);
      await expect.poll(() => page.getByTestId('gpu-status').textContent()).toMatch(/No WebGPU: .*CPU reference in a worker/);
      await page.locator('[data-square="c4"]').click();
      await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/Probability on legal moves: .*CPU reference/);
      await atlasReady(page);
      await expect.poll(() => page.locator('[data-testid^="feature-"]').count()).toBeGreaterThan(0);
      await shot(page, 'no-webgpu');
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
