// Browser tests in headless Debian Chromium: the WGSL forward through navigator.gpu against the
// CPU reference, and the page as a user first sees it, with and without WebGPU.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViteDevServer } from 'vite';
import { launchChromium, startVite } from './helpers/browser';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
let server: ViteDevServer;
let url: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ server, url } = await startVite());
});
afterAll(async () => server?.close());

describe('Chromium (WebGPU on SwiftShader)', () => {
  it('runs the WGSL forward and SAEs in the page and matches the CPU reference', async () => {
    const browser = await launchChromium(true);
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/tests/browser/forward.html`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
      const result = await page.evaluate(() => (window as unknown as { __result: { adapter?: string; errors?: Record<string, number>; error?: string } }).__result);
      expect(result.error).toBeUndefined();
      console.log(`[browser] adapter ${result.adapter}; max relative errors ${JSON.stringify(result.errors)}`);
      expect(result.adapter).toMatch(/swiftshader|google/i);
      for (const [name, err] of Object.entries(result.errors!)) expect(err, name).toBeLessThan(1e-4);
    } finally {
      await browser.close();
    }
  });

  it('first load: board, WebGPU status and the model\'s next-move probabilities after a move', async () => {
    const browser = await launchChromium(true);
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/Running on WebGPU/);
      expect(await page.locator('[data-square]').count()).toBe(64);
      // When the manifest offers a trained Othello model, the page uses it and states its measured quality.
      const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'public', 'models', 'index.json'), 'utf8')) as { models: Array<{ game: string; trained: boolean }> };
      if (manifest.models.some((m) => m.game === 'othello' && m.trained)) {
        await expect.poll(() => page.getByTestId('model-quality').textContent()).toMatch(/top move is legal \d+\.\d% of the time on 2,000 fresh games/);
      }
      await page.locator('[data-square="d3"]').click(); // black's opening move
      await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/Probability on legal moves: \d+\.\d%/);
      expect(await page.getByTestId('transcript').textContent()).toBe('d3');
      await page.getByRole('button', { name: 'Random game' }).click();
      await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move (\d+) \/ \1/);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => page.getByTestId('position').textContent()).toMatch(/move (\d+) \/ (?!\1)\d+/);
      await expect.poll(() => page.locator('.prob').count(), { timeout: 60_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, 'first-load-webgpu.png') });
    } finally {
      await browser.close();
    }
  });

  it('without WebGPU: says so plainly and runs on the CPU reference', async () => {
    const browser = await launchChromium(false);
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/No WebGPU: .*CPU reference/);
      await page.locator('[data-square="c4"]').click();
      await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/Probability on legal moves/);
      await page.screenshot({ path: join(ARTIFACTS, 'no-webgpu.png') });
    } finally {
      await browser.close();
    }
  });
});
