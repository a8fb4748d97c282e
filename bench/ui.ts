// `npm run bench -- ui [--atlas N] [--moves N]`: the workbench in headless Debian Chromium on this
// machine: page load to first board, to the model ready and to the feature atlas; and from a move
// (click) to the updated board overlays (the worker's forward + SAE + probes for the whole game),
// with WebGPU (SwiftShader here) and with WebGPU disabled (CPU reference in the worker).
import { launchChromium, startVite } from '../tests/helpers/browser';
import { isPositiveInt, numberFlag, parseFlags } from '../src/cli/args';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchUi(args: string[]): Promise<void> {
  const flags = parseFlags(args, ['atlas', 'moves']);
  const atlas = numberFlag(flags, 'atlas', 200, isPositiveInt, 'a number of games');
  const moves = numberFlag(flags, 'moves', 12, isPositiveInt, 'a number of moves');
  const { server, url } = await startVite();
  try {
    for (const webgpu of [true, false]) {
      const browser = await launchChromium(webgpu);
      try {
        const page = await browser.newPage();
        const t0 = Date.now();
        await page.goto(`${url}/?atlas=${atlas}`);
        await page.locator('[data-square="d3"]').waitFor();
        const firstBoard = Date.now() - t0;
        await page.getByTestId('gpu-status').waitFor({ timeout: 120_000 });
        const ready = Date.now() - t0;
        const backend = (await page.getByTestId('gpu-status').textContent())!.replace(/ in a worker.*/, '');
        await page.waitForFunction(() => !document.querySelector('[data-testid="progress-atlas"]'), null, { timeout: 600_000 });
        const atlasDone = Date.now() - t0;
        // Play legal moves one by one; each time wait until the overlay shows the new position's analysis.
        const times: number[] = [];
        for (let n = 1; n <= moves; n++) {
          const legal = await page.locator('g.sq.legal').first();
          const t1 = Date.now();
          await legal.click();
          await page.waitForFunction((k) => document.querySelector('[data-testid="legal-mass"]')?.getAttribute('data-analysed') === String(k), n, { timeout: 60_000 });
          times.push(Date.now() - t1);
        }
        const t2 = Date.now();
        await page.keyboard.press('ArrowLeft');
        await page.waitForFunction((k) => document.querySelector('[data-testid="position"]')?.textContent?.startsWith(`move ${k} `), moves - 1);
        const stepBack = Date.now() - t2;
        console.log(`${backend}`);
        console.log(`  page load -> first board ${firstBoard} ms; -> model and SAE ready ${ready} ms; -> feature atlas (${atlas} games) ${atlasDone} ms`);
        console.log(`  move -> updated overlays: median ${median(times)} ms, min ${Math.min(...times)} ms, max ${Math.max(...times)} ms over ${moves} moves`);
        console.log(`  step back (no model work) -> board ${stepBack} ms`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
}
