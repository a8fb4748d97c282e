// Headless Debian Chromium driven by playwright-core, with WebGPU enabled (SwiftShader adapter on
// machines without a GPU), plus a Vite dev server for the pages under test. Never downloads a browser.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

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
