// Presenter mode on a projector's screen sizes (1024x768, 1280x720, 1920x1080) in headless Chromium:
// the page does not scroll, and the caption, the board, its legend and every element a step's checks
// name (what the caption talks about) lie inside the visible screen. Screenshots go to
// test-artifacts/presenter/ (one per size and step).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TOURS } from '../src/app/tours/tours';
import { atlasReady, browserSession, openWorkbench, pageErrors } from './helpers/browser';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts', 'presenter');
const SIZES = [[1024, 768], [1280, 720], [1920, 1080]] as const;
// steps whose caption points at the board, the bottom of a long dashboard, the metrics tables and a chess probe
const STEPS: Array<[string, number]> = [['square-feature', 2], ['board-tracking', 2], ['measuring-saes', 2], ['chess-false-friend', 4]];
const session = browserSession(ARTIFACTS);

/** Where the named elements are, against the screen: the first match of each selector, or null when none. */
const boxes = (page: Page, selectors: string[]) => page.evaluate((sels) => sels.map((s) => {
  const el = document.querySelector(s);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { selector: s, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
}), selectors);

async function expectOnScreen(page: Page, selectors: string[], where: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { w, h } = await page.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
    const got = await boxes(page, selectors);
    const off = got.map((b, i) => (b === null ? `${selectors[i]}: missing` : b.top < -1 || b.left < -1 || b.bottom > h + 1 || b.right > w + 1 ? `${b.selector}: ${JSON.stringify(b)} outside ${w}x${h}` : null)).filter(Boolean);
    if (!off.length) return;
    if (Date.now() > deadline) throw new Error(`${where}: ${off.join('; ')}`);
    await page.waitForTimeout(500);
  }
}

describe('presenter mode fits a projector', () => {
  for (const [w, h] of SIZES) {
    it(`${w}x${h}: caption, board, legend and what each step names are on screen, no page scroll`, async () => {
      const page = await openWorkbench(session.browser, session.url, '', '?atlas=24');
      await page.setViewportSize({ width: w, height: h });
      for (const [id, step] of STEPS) {
        const tour = TOURS.find((t) => t.id === id)!;
        await page.evaluate((hash) => { location.hash = hash; }, `tour=${id}&step=${step}`);
        await expect.poll(() => page.getByTestId('presenter').textContent()).toContain(`step ${step + 1} / ${tour.steps.length}`);
        await atlasReady(page);
        const where = `${w}x${h} ${id} step ${step + 1}`;
        await expectOnScreen(page, ['[data-testid="caption"]', '.board-wrap', '[data-testid="legend"]', ...(tour.steps[step].checks ?? []).map((c) => c.selector)], where);
        const page_ = await page.evaluate(() => ({ sh: document.documentElement.scrollHeight, sw: document.documentElement.scrollWidth, ih: window.innerHeight, iw: window.innerWidth, caption: parseFloat(getComputedStyle(document.querySelector('[data-testid="caption"]')!).fontSize) }));
        expect(page_.sh, `${where}: page height`).toBeLessThanOrEqual(page_.ih);
        expect(page_.sw, `${where}: page width`).toBeLessThanOrEqual(page_.iw);
        expect(page_.caption, `${where}: caption type`).toBeGreaterThanOrEqual(20);
        // the board takes a good part of the screen: at least 40% of its height
        const board = (await boxes(page, ['.board-wrap']))[0]!;
        expect(board.bottom - board.top, `${where}: board height`).toBeGreaterThan(0.4 * h);
        await page.screenshot({ path: join(ARTIFACTS, `${w}x${h}-${id}-${step + 1}.png`) });
      }
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }, 600_000);
  }
});
