// `npm run bench -- open`: how long the page takes to open a real-size PyTorch checkpoint: Li et
// al.'s Othello-GPT shape (minGPT keys, 8 layers, d_model 512, ~25M float32 parameters, ~100 MB),
// written here by Debian's torch.save, opened with "Open model…" in headless Chromium (the head-count
// question answered with its pre-filled 8), timed from the file input to the model ready in the
// worker, with WebGPU (SwiftShader) and with the CPU reference. Also the Node reader alone, as anchor.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, startVite } from '../tests/helpers/browser';
import { loadModelFile } from '../src/model/model-file';

const WRITE = `
import sys, torch
torch.manual_seed(0)
d, L, V, T, m = 512, 8, 61, 59, 2048
sd = {'tok_emb.weight': torch.randn(V, d) * 0.02, 'pos_emb': torch.randn(1, T, d) * 0.02}
for l in range(L):
    b = f'blocks.{l}.'
    for n in ('ln1', 'ln2'):
        sd[b + n + '.weight'] = torch.ones(d); sd[b + n + '.bias'] = torch.zeros(d)
    for n in ('query', 'key', 'value', 'proj'):
        sd[b + 'attn.' + n + '.weight'] = torch.randn(d, d) / d ** 0.5; sd[b + 'attn.' + n + '.bias'] = torch.zeros(d)
    sd[b + 'attn.mask'] = torch.tril(torch.ones(T, T)).view(1, 1, T, T)
    sd[b + 'mlp.0.weight'] = torch.randn(m, d) / d ** 0.5; sd[b + 'mlp.0.bias'] = torch.zeros(m)
    sd[b + 'mlp.2.weight'] = torch.randn(d, m) / m ** 0.5; sd[b + 'mlp.2.bias'] = torch.zeros(d)
sd['ln_f.weight'] = torch.ones(d); sd['ln_f.bias'] = torch.zeros(d)
sd['head.weight'] = torch.randn(V, d) * 0.02
torch.save(sd, sys.argv[1])
`;

export async function benchOpen(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'open-bench-'));
  const file = join(dir, 'final.pth');
  execFileSync('/usr/bin/python3', ['-c', WRITE, file]);
  const mb = statSync(file).size / 2 ** 20;
  const t0 = performance.now();
  const m = loadModelFile(new Uint8Array(readFileSync(file)), { nHeads: 8 });
  console.log(`Checkpoint: minGPT Othello-GPT shape, ${m.config.nLayers} layers, d_model ${m.config.dModel}, ${mb.toFixed(1)} MB (torch.save zip)`);
  console.log(`Node: read + parse + convert to the canonical layout: ${(performance.now() - t0).toFixed(0)} ms`);
  const { server, url } = await startVite();
  try {
    for (const webgpu of [true, false]) {
      const browser = await launchChromium(webgpu);
      try {
        const page = await browser.newPage();
        await page.goto(`${url}/?atlas=8${webgpu ? '' : '&cpu=1'}`);
        await page.getByTestId('gpu-status').waitFor({ timeout: 120_000 });
        await page.waitForFunction(() => !document.querySelector('[data-testid="progress-load"]'), null, { timeout: 120_000 });
        const t1 = Date.now();
        await page.getByTestId('model-files').setInputFiles(file);
        await page.getByRole('button', { name: 'Load with 8 heads' }).waitFor({ timeout: 120_000 });
        const asked = Date.now() - t1;
        const t2 = Date.now();
        await page.getByRole('button', { name: 'Load with 8 heads' }).click();
        await page.waitForFunction(() => /final\.pth · blocks/.test(document.querySelector('[data-testid="gpu-status"]')?.textContent ?? ''), null, { timeout: 300_000 });
        const loaded = Date.now() - t2;
        const backend = (await page.getByTestId('gpu-status').textContent())!.replace(/ in a worker.*/, '').replace(/\. .*/, '');
        console.log(`${backend}: file input -> head-count question ${asked} ms (read, transfer, parse); "Load with 8 heads" -> model ready ${loaded} ms`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
