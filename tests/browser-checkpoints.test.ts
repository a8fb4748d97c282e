// The field's real checkpoint layouts in Chromium: every model file of ../shared/fixtures/torch-written/
// opened with the page's own loaders and run on WebGPU (SwiftShader) gives the expected logits,
// residuals and SAE activations; and through the workbench's controls: a minGPT .pth asks for its
// head count (8 pre-filled), the paper's ae.pt SAE switches the residual stream to TransformerLens'
// centred one and says why, and files dropped on the page open.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViteDevServer } from 'vite';
import { launchChromium, openWorkbench, pageErrors, startVite } from './helpers/browser';

const TW = join(__dirname, '..', '..', 'shared', 'fixtures', 'torch-written');
const DL = join(TW, 'dl-saes-othello');
const inputs = JSON.parse(readFileSync(join(TW, 'inputs.json'), 'utf8'));
let server: ViteDevServer;
let url: string;
let browser: BrowserContext;
// A second local server for files opened by URL: /cors/<fixture> allows other origins, /nocors/
// does not, /slow/ trickles its bytes (to cancel), anything else is a 404. GETs are counted.
let files: Server;
let filesUrl: string;
const gets: string[] = [];

beforeAll(async () => {
  ({ server, url } = await startVite());
  browser = await launchChromium(true);
  files = createServer((req, res) => {
    const [, mode, ...rest] = (req.url ?? '').split('/');
    const path = join(TW, ...rest);
    const cors = mode !== 'nocors' ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length' } : {};
    let body: Buffer;
    try {
      if (!['cors', 'nocors', 'slow'].includes(mode) || rest.some((p) => p === '..')) throw new Error('no');
      body = readFileSync(path);
    } catch {
      res.writeHead(404, cors).end('not found');
      return;
    }
    if (req.method === 'GET') gets.push(req.url!);
    res.writeHead(200, { ...cors, 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    if (req.method === 'HEAD') { res.end(); return; }
    if (mode !== 'slow') { res.end(body); return; }
    let at = 0;
    const timer = setInterval(() => {
      if (at >= body.length || res.destroyed) { clearInterval(timer); res.end(); return; }
      res.write(body.subarray(at, at + 2048));
      at += 2048;
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  files?.close();
});

const b64 = (path: string) => readFileSync(path).toString('base64');
const expected = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;

function relError(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  let diff = 0, scale = 0;
  b.forEach((v, i) => { diff = Math.max(diff, Math.abs(a[i] - v)); scale = Math.max(scale, Math.abs(v)); });
  return diff / scale;
}

interface PageResult { error?: string; adapter: string; openMs: number; residual: string; logits: number[]; resid0: number[]; resid1: number[]; hook?: string; acts?: number[]; recon?: number[] }

async function runInPage(arg: { model: Record<string, string>; nHeads?: number; sae?: Record<string, string>; tokens: number[] }): Promise<PageResult> {
  const page = await browser.newPage();
  await page.goto(`${url}/tests/browser/checkpoints.html`);
  await page.waitForFunction(() => typeof (window as unknown as { __run?: unknown }).__run === 'function', null, { timeout: 60_000 });
  const r = await page.evaluate((a) => (window as unknown as { __run: (x: typeof a) => Promise<PageResult> }).__run(a), arg);
  await page.close();
  return r;
}

describe('the page\'s loaders and WGSL forward on the field\'s checkpoint layouts (Chromium, WebGPU)', () => {
  const cases: Array<[string, string, string, number | undefined, string[]]> = [
    ['mingpt-othello-small', 'final.pth', 'othello', 4, []],
    ['mingpt-othello-small', 'final_legacy.pth', 'othello', 4, []],
    ['tl-othello-small', 'synthetic_model.pth', 'othello', undefined, []],
    ['nanogpt-chess-small', 'lichess_2layers_ckpt_no_optimizer.pt', 'chess', undefined, []],
    ['nanogpt-chess-small', 'ckpt_no_optimizer_legacy.pt', 'chess', undefined, []],
    ['hf-gpt2-chess-small', 'pytorch_model.bin', 'chess', undefined, ['config.json']],
    ['hf-gpt2-chess-small', 'model.safetensors', 'chess', undefined, ['config.json']],
  ];
  for (const [folder, file, game, nHeads, extra] of cases) {
    it(`${folder}/${file}`, async () => {
      const model: Record<string, string> = { [file]: b64(join(TW, folder, file)) };
      for (const e of extra) model[e] = b64(join(TW, folder, e));
      const r = await runInPage({ model, nHeads, tokens: game === 'othello' ? inputs.othello_tokens : inputs.chess_tokens });
      expect(r.error).toBeUndefined();
      expect(r.adapter).toMatch(/swiftshader|google/i);
      expect(relError(r.logits, expected(join(TW, folder, 'expected_logits.json')))).toBeLessThan(1e-4);
      expect(relError(r.resid0, expected(join(TW, folder, 'expected_resid_post_0.json')))).toBeLessThan(1e-4);
      expect(relError(r.resid1, expected(join(TW, folder, 'expected_resid_post_1.json')))).toBeLessThan(1e-4);
    });
  }

  for (const kind of ['standard', 'gated', 'topk_2024-12']) {
    it(`the paper's ${kind} SAE (ae.pt + config.json) on the centred residual, chosen from its lm_name`, async () => {
      const dir = join(DL, `othello-trained_model-layer_1-${kind}`, 'trainer0');
      const r = await runInPage({
        model: { 'final.pth': b64(join(TW, 'mingpt-othello-small', 'final.pth')) }, nHeads: 4,
        sae: { 'ae.pt': b64(join(dir, 'ae.pt')), 'config.json': b64(join(dir, 'config.json')) }, tokens: inputs.othello_tokens,
      });
      expect(r.error).toBeUndefined();
      expect(r.residual).toBe('centred');
      expect(r.hook).toBe('blocks.1.hook_resid_post');
      expect(relError(r.acts!, expected(join(dir, 'expected_acts_centred.json')))).toBeLessThan(1e-4);
      expect(relError(r.recon!, expected(join(dir, 'expected_recon_centred.json')))).toBeLessThan(1e-4);
    });
  }
});

describe('opening the field\'s files through the workbench\'s controls', () => {
  it('a minGPT .pth asks for its head count with 8 pre-filled; the paper\'s ae.pt SAE centres the residual and says why; the layer list is the model\'s', async () => {
    const page = await openWorkbench(browser, url, '', '?atlas=8');
    await page.getByTestId('model-files').setInputFiles([join(TW, 'mingpt-othello-small', 'final.pth')]);
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 60_000 }).toMatch(/does not say how many attention heads/);
    const heads = page.getByLabel('attention heads');
    expect(await heads.inputValue()).toBe('8');
    await heads.fill('4');
    await page.getByRole('button', { name: 'Load with 4 heads' }).click();
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/final\.pth · blocks\.1\.hook_resid_post/);
    // a 2-layer model opened from the default view (layer 3): the last layer, and only layers 0-1 on offer
    expect(await page.getByLabel('layer').locator('option').allTextContents()).toEqual(['0 (resid_post)', '1 (resid_post)']);
    expect(await page.getByTestId('residual-why').textContent()).toBe('raw: the default');
    const dir = join(DL, 'othello-trained_model-layer_1-standard', 'trainer0');
    await page.getByTestId('sae-files').setInputFiles([join(dir, 'ae.pt'), join(dir, 'config.json')]);
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/SAE ae\.pt \+ config\.json \(256 features\) · blocks\.1\.hook_resid_post/);
    expect(await page.getByTestId('residual-why').textContent()).toBe('centred: the SAE was trained on Baidicoot/Othello-GPT-Transformer-Lens');
    // the user overrides it, and the link keeps the choice
    await page.getByLabel('residual').selectOption('raw');
    await expect.poll(() => page.getByTestId('residual-why').textContent(), { timeout: 60_000 }).toBe('raw: chosen by you');
    expect(new URL(page.url()).hash).toContain('residual=raw');
    mkdirSync(join(__dirname, '..', 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(__dirname, '..', 'test-artifacts', 'real-checkpoint.png') });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('an SAE-Lens SAE trained on another model is called out in a notice; the shipped SAE is said to fit', async () => {
    const page = await openWorkbench(browser, url, '', '?atlas=8');
    await expect.poll(() => page.getByTestId('sae-fit').textContent(), { timeout: 60_000 }).toMatch(/^This SAE explains \d+% of the variance at blocks\.\d\.hook_resid_post .*\(measured when it was shipped\)\.$/);
    expect(await page.getByTestId('sae-fit').getAttribute('role')).toBeNull();
    const config = JSON.parse(readFileSync(join(__dirname, '..', 'public', 'models', 'othello-gpt-default', 'config.json'), 'utf8'));
    const foreign = join(__dirname, '..', '..', 'shared', 'fixtures', 'saelens-othello-6L128', 'L1_x8_102400000');
    await page.getByTestId('sae-files').setInputFiles([join(foreign, 'cfg.json'), join(foreign, 'sae_weights.safetensors')]);
    if (config.d_model !== 128) {
      await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 60_000 }).toMatch(/the SAE reads 128 values per position/);
    } else {
      const notice = page.getByTestId('sae-fit');
      await expect.poll(() => notice.textContent(), { timeout: 60_000 }).toMatch(/^⚠ This SAE explains .* firing [\d.]+ of its 1,024 features per position: it was most likely trained on another model, hook or residual convention \(its files name the model "my-own-othello-model"\)/);
      expect(await notice.getAttribute('role')).toBe('alert');
      mkdirSync(join(__dirname, '..', 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(__dirname, '..', 'test-artifacts', 'foreign-sae.png') });
    }
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('files dropped on the page open: a nanoGPT checkpoint with its architecture from model_args', async () => {
    const page = await openWorkbench(browser, url, '', '?atlas=8');
    const file = join(TW, 'nanogpt-chess-small', 'lichess_2layers_ckpt_no_optimizer.pt');
    await page.evaluate(async ({ name, data }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, { name: 'lichess_2layers_ckpt_no_optimizer.pt', data: b64(file) });
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/lichess_2layers_ckpt_no_optimizer\.pt · blocks\.1\.hook_resid_post/);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('a model by URL: the size first, then progress, the browser cache on reload (no second download), 404, CORS and cancel explained', async () => {
    const page = await openWorkbench(browser, url, '', '?atlas=8');
    const openUrl = async (u: string) => {
      if (!(await page.getByTestId('url-form').isVisible().catch(() => false))) await page.getByRole('button', { name: 'Open URL…' }).click();
      await page.getByLabel('file URL').fill(u);
      await page.getByRole('button', { name: 'Check size' }).click();
    };
    const file = `${filesUrl}/cors/tl-othello-small/synthetic_model.pth`;
    await openUrl(file);
    await expect.poll(() => page.getByTestId('url-ask').textContent(), { timeout: 30_000 }).toMatch(/Open a model from 127\.0\.0\.1:\d+: synthetic_model\.pth \(0\.4 MB\)/);
    expect(gets).toEqual([]); // nothing downloaded before the user says so
    await page.getByRole('button', { name: 'Download' }).click();
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/synthetic_model\.pth · blocks\.1\.hook_resid_post/);
    expect(gets).toHaveLength(1);
    expect(await page.getByTestId('notice').textContent()).toMatch(/synthetic_model\.pth downloaded and kept in the browser cache/);
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain(`modelUrl=${file}`);
    // the shared link: asks first, then reads the browser cache
    await page.reload();
    await expect.poll(() => page.getByTestId('url-ask').textContent(), { timeout: 60_000 }).toMatch(/This link opens a model from .*synthetic_model\.pth \(in the browser cache\)/);
    await page.getByRole('button', { name: 'Download' }).click();
    await expect.poll(() => page.getByTestId('gpu-status').textContent(), { timeout: 60_000 }).toMatch(/synthetic_model\.pth · blocks\.1/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/read from the browser cache \(not downloaded again\)/);
    expect(gets).toHaveLength(1);
    // a 404, and a server that does not allow other origins
    await openUrl(`${filesUrl}/cors/no-such-file.pth`);
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 30_000 }).toMatch(/answered HTTP 404 Not Found for no-such-file\.pth/);
    await openUrl(`${filesUrl}/nocors/tl-othello-small/synthetic_model.pth`);
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 30_000 }).toMatch(/could not be read from this page: either the server does not allow other sites to read its files \(no CORS header/);
    // cancel a slow download: the loaded model stays
    await openUrl(`${filesUrl}/slow/mingpt-othello-small/final.pth`);
    await expect.poll(() => page.getByTestId('url-ask').textContent(), { timeout: 30_000 }).toMatch(/final\.pth \(0\.5 MB\)/);
    await page.getByRole('button', { name: 'Download' }).click();
    await expect.poll(() => page.getByTestId('download-progress').getAttribute('aria-valuenow'), { timeout: 30_000 }).not.toBe('0');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 30_000 }).toMatch(/final\.pth: download cancelled/);
    expect(await page.getByTestId('gpu-status').textContent()).toMatch(/synthetic_model\.pth/);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
