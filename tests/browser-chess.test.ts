// Chess end to end in headless Debian Chromium (WebGPU on SwiftShader): the board component, then
// the user's chess scenarios on the shipped chess model and SAE: stepping a transcript character by
// character, playing by drag, features and their dashboard, the square explorer, an intervention,
// the metrics panel, a shared link and a chess tour. Screenshots go to test-artifacts/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { atlasReady, browserSession, openWorkbench, pageErrors, shippedProbeNote } from './helpers/browser';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const session = browserSession(ARTIFACTS);

const GAME = ';1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.Ba4 Nf6 5.O-O Be7';
const open = (hash: string) => openWorkbench(session.browser, session.url, hash);
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const area = (page: Page) => page.getByTestId('chess-area');

describe('chess board component (chessboardjsx)', () => {
  it('draws the position with overlay square styles and plays legal drags only', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${session.url}/tests/browser/chess-board.html`);
    const e4 = page.locator('[data-squareid="e4"]');
    await e4.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-squareid]').count()).toBe(64);
    // the overlay is a translucent layer over the square: the light/dark square colour stays under it
    const styles = await e4.evaluate((el) => {
      const chain = [el, ...Array.from(el.querySelectorAll('*'))].map((x) => getComputedStyle(x));
      return { image: chain.map((c) => c.backgroundImage).find((b) => b !== 'none'), colour: chain.map((c) => c.backgroundColor).find((b) => b !== 'rgba(0, 0, 0, 0)') };
    });
    expect(styles.image).toMatch(/^linear-gradient\(rgba\(255, 202, 40, 0\.9\d*\), rgba\(255, 202, 40/);
    expect(styles.colour).toMatch(/^rgb\(\d+, \d+, \d+\)$/); // e4 is a light square: an opaque square colour, not the overlay's
    await page.locator('[data-squareid="e2"] [data-testid^="wP"]').dragTo(e4);
    await expect.poll(() => page.locator('#log').textContent()).toContain('move e2e4');
    expect(await page.locator('#fen').textContent()).toMatch(/^rnbqkbnr\/pppppppp\/8\/8\/4P3\/8\/PPPP1PPP\/RNBQKBNR b/);
    await page.locator('[data-squareid="d7"] [data-testid^="bP"]').dragTo(page.locator('[data-squareid="d4"]'));
    await expect.poll(() => page.locator('#log').textContent()).toContain('illegal d7d4');
    await page.screenshot({ path: join(ARTIFACTS, 'chess-board.png') });
    await page.close();
  });
});

describe('chess in the workbench', () => {
  it('steps a transcript by character, shows next-character predictions, plays by drag and refuses bad input', async () => {
    const page = await open(`#game=chess&pgn=${encodeURIComponent(GAME)}&pos=21`);
    expect(await page.getByTestId('gpu-status').textContent()).toMatch(/Running on WebGPU .* in a worker\. Chess-GPT .* SAE standard-c1\.0 \(1024 features\)/);
    expect(await area(page).locator('[data-squareid]').count()).toBe(64);
    // character 21 is the '.' of "3." : the board after 2...Nc6, White to move
    expect(await page.getByTestId('position').textContent()).toBe(`character 21 / ${GAME.length}`);
    expect(await page.locator('.chess-transcript .cur').textContent()).toBe('.');
    expect(await area(page).locator('[data-squareid="c6"] [data-testid^="bN"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('legal-mass').textContent(), { timeout: 60_000 }).toMatch(/After “\.”: probability on characters that continue a legal move \d+\.\d%/);
    expect(await page.locator('[data-testid="predictions"] ol.top li').count()).toBe(6);
    // one character on: "B" of Bb5; the board does not change until the move is complete
    await page.getByRole('button', { name: 'next character' }).click();
    expect(await page.locator('.chess-transcript .cur').textContent()).toBe('B');
    expect(await area(page).locator('[data-squareid="b5"] [data-testid^="wB"]').count()).toBe(0);
    await page.getByRole('button', { name: 'next move' }).click();
    expect(await area(page).locator('[data-squareid="b5"] [data-testid^="wB"]').count()).toBe(1);
    // play at the end by dragging: 6.d4 is appended with its number. The whole board in view first
    // (a drag that starts by scrolling the page can pick up the wrong square), with the atlas in so that
    // nothing above the board changes height meanwhile.
    await atlasReady(page);
    await page.getByRole('button', { name: 'last position' }).click();
    const boardInView = () => page.evaluate(() => document.querySelector('[data-testid="chess-area"] .board-wrap')!.scrollIntoView({ block: 'center' }));
    await boardInView();
    await area(page).locator('[data-squareid="d2"] [data-testid^="wP"]').dragTo(area(page).locator('[data-squareid="d4"]'));
    await expect.poll(() => page.getByTestId('transcript').textContent()).toBe(`${GAME} 6.d4`);
    await boardInView();
    await area(page).locator('[data-squareid="a6"] [data-testid^="bP"]').dragTo(area(page).locator('[data-squareid="a4"]'));
    await expect.poll(() => page.getByTestId('paste-error').textContent()).toMatch(/a6-a4 is not a legal move for Black/);
    await page.getByLabel('paste a game').fill('1. e4 e5 2. Ke3');
    await page.getByRole('button', { name: 'Load game' }).click();
    expect(await page.getByTestId('paste-error').textContent()).toMatch(/Not loaded: move 2\. "Ke3" is not legal.*unchanged/);
    expect(await page.getByTestId('transcript').textContent()).toBe(`${GAME} 6.d4`);
    // PGN as copied from a database: headers on their own lines, a comment, a variation
    await page.getByLabel('paste a game').fill('[Event "Casual"]\n[White "A"]\n[Black "B"]\n\n1. e4 {best by test} e5 (1... c5 2. Nf3)\n2. Nf3 *');
    await page.getByRole('button', { name: 'Load game' }).click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toBe(';1.e4 e5 2.Nf3');
    await shot(page, 'chess-first-load');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('features, dashboard with the board at top-activating characters, square explorer, intervention and metrics', async () => {
    const page = await open(`#game=chess&pgn=${encodeURIComponent(GAME)}&pos=21`);
    await atlasReady(page);
    const first = page.locator('[data-testid="features-panel"] button.feature').first();
    await first.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('features-panel').textContent()).toMatch(/features active at character 21 \("\."\)/);
    await first.click();
    await page.getByRole('tab', { name: 'Feature dashboard' }).click();
    await expect.poll(() => page.locator('[data-testid="top-positions"] .chess-mini').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="top-positions"] .chess-mini [data-squareid]').first().count()).toBe(1);
    expect(await page.getByTestId('char-effect').textContent()).toMatch(/Raises most: .* lowers most: /);
    await shot(page, 'chess-dashboard');
    // a top-activating character opens its game at that character
    await page.locator('[data-testid="top-positions"] .chess-mini').first().click();
    await expect.poll(() => page.getByTestId('position').textContent()).not.toBe(`character 21 / ${GAME.length}`);
    await page.goto(`${session.url}/?atlas=24#game=chess&pgn=${encodeURIComponent(GAME)}&pos=21`);
    await atlasReady(page);
    await area(page).locator('[data-squareid="c6"]').click();
    await expect.poll(() => page.getByTestId('square-panel').textContent()).toMatch(/Square c6.*Piece probe at character 21: /);
    await page.getByRole('tab', { name: 'Features here' }).click();
    await page.locator('[data-testid="features-panel"] button.feature').first().click();
    await page.getByRole('tab', { name: 'Interventions' }).click();
    await page.getByRole('button', { name: 'Ablate' }).click();
    await expect.poll(() => page.getByTestId('intervention-result').textContent(), { timeout: 60_000 }).toMatch(/clean .* patched .*character/s);
    expect(page.url()).toMatch(/edits=\d+%3Aablate/);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect.poll(() => page.getByTestId('compare-table').textContent(), { timeout: 30_000 }).toMatch(/cov\. board.*baseline-mlp-neurons.*standard-c1\.0/s);
    expect(await page.getByTestId('selected-metrics').textContent()).toMatch(/Strategy \(mean of 14 functions\).*0\.617 \/ 0\.650/);
    // dictionaries with L0 below 8 sit where they are on the log axis, not clamped onto it
    const cx = await page.getByTestId('scatter').locator('circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx'))));
    expect(cx.length).toBeGreaterThanOrEqual(8);
    expect(cx.every((v) => v > 40)).toBe(true);
    expect(new Set(cx.map((v) => v.toFixed(1))).size).toBe(cx.length);
    await shot(page, 'chess-metrics');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('a copied chess link restores the exact view', async () => {
    const hash = `#game=chess&sae=standard-c1.0&pgn=${encodeURIComponent(GAME)}&pos=20&feature=7&square=f3&overlay=probe&panel=square`;
    const page = await open(hash);
    await expect.poll(() => page.getByTestId('square-panel').textContent()).toMatch(/Square f3/);
    const copied = page.url();
    const again = await open(copied.slice(copied.indexOf('#')));
    expect(again.url()).toBe(copied);
    expect(await again.getByTestId('position').textContent()).toBe(`character 20 / ${GAME.length}`);
    expect(await again.locator('select[aria-label="game"]').inputValue()).toBe('chess');
    expect(await again.locator('select[aria-label="overlay"]').inputValue()).toBe('probe');
    await expect.poll(() => again.getByTestId('legend').textContent(), { timeout: 60_000 }).toMatch(/Piece probe vs the true board/);
    expect(await again.getByTestId('legend').textContent()).toContain(shippedProbeNote('chess-gpt-default', 'piece', 'standard-c1.0'));
    await page.close();
    await again.close();
  });
});
