// Headless Debian Chromium driven by playwright-core, with WebGPU enabled (SwiftShader adapter on
// machines without a GPU), plus a Vite dev server for the pages under test. Never downloads a browser.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import { probeQualityNote } from '../../src/app/board/ModelQuality';
import { parseManifest } from '../../src/model/manifest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(webgpu = true): Promise<BrowserContext> {
  const args = [
    '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader');
  else args.push('--disable-webgpu');
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), { executablePath: CHROMIUM, headless: true, args });
}

export async function startVite(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    server: { port: 0, host: '127.0.0.1', hmr: false },
    logLevel: process.env.VITE_LOG === 'info' ? 'info' : 'error',
  });
  await server.listen();
  const address = server.httpServer!.address();
  if (!address || typeof address === 'string') throw new Error('vite did not start');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/** A workbench page that fails its test on any uncaught error or dialog (a hostile link must not open one); resolves once the status line is up. */
export async function openWorkbench(browser: BrowserContext, url: string, hash = '', query = '?atlas=24') {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  (page as unknown as { errors: string[] }).errors = errors;
  await page.goto(`${url}/${query}${hash}`);
  const deadline = Date.now() + 90_000;
  while (!/Running on|No WebGPU/.test((await page.getByTestId('gpu-status').textContent().catch(() => '')) ?? '')) {
    if (Date.now() > deadline) throw new Error('the workbench did not load within 90 s');
    await page.waitForTimeout(250);
  }
  return page;
}

export const pageErrors = (page: import('playwright-core').Page) => (page as unknown as { errors: string[] }).errors;
export const atlasReady = (page: import('playwright-core').Page) => page.waitForFunction(() => !document.querySelector('[data-testid="progress-atlas"]') && !document.querySelector('[data-testid="progress-load"]'), null, { timeout: 120_000 });

/** The probe legend's accuracy note for a shipped model's probe at its SAE's layer, from the manifest the page reads. */
export function shippedProbeNote(model: string, kind: string, sae: string): string {
  const info = parseManifest(JSON.parse(readFileSync(join(ROOT, 'public', 'models', 'index.json'), 'utf8'))).find((m) => m.id === model);
  const hook = info?.saes.find((s) => s.id === sae)?.hook ?? '';
  const layer = Number(/^blocks\.(\d+)\./.exec(hook)?.[1]);
  const note = probeQualityNote(info, kind, layer);
  if (!note) throw new Error(`no ${kind} probe at the layer of ${model}'s ${sae} SAE in the manifest`);
  return note;
}

/**
 * One Vite server and one Chromium (WebGPU on) for a test file, started before its tests and closed
 * after; `artifacts` is created for screenshots. Read `url` and `browser` inside tests.
 */
export function browserSession(artifacts: string): { readonly url: string; readonly browser: BrowserContext } {
  let server: ViteDevServer | undefined;
  const s = { url: '', browser: undefined as unknown as BrowserContext };
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    const started = await startVite();
    server = started.server;
    s.url = started.url;
    s.browser = await launchChromium(true);
  });
  afterAll(async () => {
    await s.browser?.close();
    await server?.close();
  });
  return s;
}
