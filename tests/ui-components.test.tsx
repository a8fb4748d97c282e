// Component tests (rendered to HTML in Node with react-dom/server) and the pure UI logic beside them:
// the board and its overlays, the legend, the features list, the presenter, tours, metrics files
// and the notes file parser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { initialState, parseTranscript, replay, OTHELLO_BSP_FAMILIES, OTHELLO_OCCUPIED, othelloPositions, randomGames } from '../src/games/othello';
import { buildAtlas } from '../src/metrics/atlas';
import { Legend } from '../src/app/board/Legend';
import { OthelloBoard } from '../src/app/board/OthelloBoard';
import { buildOverlay } from '../src/app/board/overlays';
import { probeQualityNote } from '../src/app/board/ModelQuality';
import { parseManifest, type ManifestModel } from '../src/model/manifest';
import { FeaturesPanel } from '../src/app/panels/FeaturesPanel';
import { metricsCsv, parseMetricsFile } from '../src/app/panels/metrics-data';
import { parseNotesFile } from '../src/app/panels/notes';
import { autoLabel, featureMeaning } from '../src/app/state/features';
import { useSession, useView } from '../src/app/state/store';
import { DEFAULT_VIEW, hashToView, viewToHash } from '../src/app/state/view';
import { Presenter } from '../src/app/tours/Presenter';
import { TOURS, tourView } from '../src/app/tours/tours';
import { ATLAS_FAMILIES, type GameAnalysis } from '../src/app/worker/workbench';

const moves = parseTranscript('f5 f6 e6 f4');
const states = replay(moves);
const F = 6;

function syntheticAnalysis(): GameAnalysis {
  const T = moves.length, probs = new Float32Array(T * 64).fill(0.001), acts = new Float32Array(T * F), boardProbe = new Float32Array(T * 192);
  for (let t = 0; t < T; t++) {
    probs[t * 64 + 19] = 0.9; // d3
    acts[t * F + 2] = 3 + t;
    acts[t * F + 4] = 1;
    for (let s = 0; s < 64; s++) boardProbe.set([0.2, 0.6, 0.2], t * 192 + s * 3);
  }
  return { T, probs, F, acts, boardProbe, probeClasses: 3, legalProbe: new Float32Array(0), backend: 'CPU reference', ms: 1 };
}

function syntheticAtlas() {
  const games = randomGames(3, 3), positions = games.flatMap((g) => othelloPositions(g));
  const N = positions.length, acts = new Float32Array(N * F);
  positions.forEach((p, x) => {
    if (p.state.cells[19] !== 0) acts[x * F + 2] = 2; // feature 2 fires when d3 is taken
    if (x % 3 === 0) acts[x * F + 4] = 1;
  });
  return buildAtlas(acts, N, F, positions, [...OTHELLO_BSP_FAMILIES, OTHELLO_OCCUPIED].filter((f) => ATLAS_FAMILIES.othello.includes(f.id)));
}

describe('board components', () => {
  it('draws 64 clickable squares with overlay text, tooltips, ghosts and the selection', () => {
    const overlay = { kind: 'heat' as const, values: new Float32Array(64).fill(0.5), labels: Array.from({ length: 64 }, (_, s) => (s === 19 ? '90%' : null)), tips: Array.from({ length: 64 }, (_, s) => `tip ${s}`), ghosts: Int8Array.from({ length: 64 }, (_, s) => (s === 0 ? 1 : 0)), marks: Uint8Array.from({ length: 64 }, (_, s) => (s === 0 ? 1 : 0)) };
    const html = renderToStaticMarkup(<OthelloBoard cells={states[4].cells} legal={[19]} overlay={overlay} selected={42} onSquare={() => {}} />);
    expect(html.match(/data-square=/g)?.length).toBe(64);
    expect(html).toContain('data-square="d3"');
    expect(html).toContain('>90%<');
    expect(html).toContain('<title>tip 63</title>');
    expect(html).toContain('stroke-dasharray="3 2"'); // the probe's ghost disc
    expect(html).toContain('stroke="#ff6f00"'); // selected square
    const mini = renderToStaticMarkup(<OthelloBoard cells={initialState().cells} size="mini" />);
    expect(mini).not.toContain('data-square'); // small boards are not clickable targets
  });

  it('legend shows the scale ends and the note', () => {
    const html = renderToStaticMarkup(<Legend spec={{ title: 'Next-move probability', kind: 'heat', low: '0', high: '37%', note: 'relative' }} />);
    expect(html).toContain('Next-move probability');
    expect(html).toContain('37%');
    expect(html.match(/class="swatch"/g)?.length).toBe(11);
  });

  it('says how good the shipped probe is at the loaded layer, beside guessing each square\'s most common class', () => {
    const probes = [
      { kind: 'piece', layer: 1, path: 'p1', test_accuracy: 0.7312, baseline_accuracy: 0.7066 },
      { kind: 'piece', layer: 2, path: 'p2', test_accuracy: 0.9, baseline_accuracy: 0.7066 },
      { kind: 'mine-theirs-empty', layer: 2, path: 'm2', test_accuracy: 0.8364 },
    ];
    const info = { probes } as unknown as ManifestModel;
    expect(probeQualityNote(info, 'piece', 1)).toBe('probe accuracy on held-out games at layer 1: 73.1% of squares (guessing each square\'s most common piece gets 70.7%)');
    expect(probeQualityNote(info, 'mine-theirs-empty', 2)).toBe('probe accuracy on held-out games at layer 2: 83.6% of squares'); // an older manifest: no baseline
    expect(probeQualityNote(info, 'piece', 3)).toBeUndefined();
    expect(probeQualityNote(undefined, 'piece', 1)).toBeUndefined(); // the user's own model
    // the manifest keeps a baseline only when it is a fraction
    const entry = (baseline: unknown) => parseManifest({ models: [{ id: 'm', game: 'chess', random_init: { seed: 1 }, config: JSON.parse(readFileSync(join(__dirname, '..', 'public', 'models', 'chess-gpt-default', 'config.json'), 'utf8')),
      probes: [{ kind: 'piece', layer: 0, path: 'p', test_accuracy: 0.7, baseline_accuracy: baseline }] }] })[0].probes[0];
    expect(entry(0.5).baseline_accuracy).toBe(0.5);
    for (const bad of ['0.5', 7, -1, null]) expect(entry(bad)).not.toHaveProperty('baseline_accuracy');
  });

  it('builds each overlay from the analysis, or says why it cannot', () => {
    const a = syntheticAnalysis(), atlas = syntheticAtlas();
    const inputs = { pos: 4, cells: states[4].cells, analysis: a, atlas, statics: null, feature: 2 };
    const pred = buildOverlay('predictions', inputs)!;
    expect('overlay' in pred && pred.overlay.values[19]).toBe(1);
    const probe = buildOverlay('probe', inputs)!;
    expect('overlay' in probe && probe.legend.note).toMatch(/disagrees \(\d+ of 64 squares\)/);
    const noted = buildOverlay('probe', { ...inputs, probeNote: 'probe accuracy X' })!;
    expect('overlay' in noted && noted.legend.note).toMatch(/squares\); number: p\(true state\); probe accuracy X$/);
    const meaning = buildOverlay('feature', inputs)!;
    expect('overlay' in meaning && meaning.legend.title).toBe('Feature 2: skill per square');
    expect(buildOverlay('predictions', { ...inputs, pos: 0 })).toEqual({ unavailable: expect.stringMatching(/play a move/) });
    expect(buildOverlay('feature', { ...inputs, feature: null })).toEqual({ unavailable: 'select a feature first' });
    expect(buildOverlay('decoder', inputs)).toEqual({ unavailable: expect.stringMatching(/probe/) });
    expect(buildOverlay('feature', { ...inputs, atlas: null })).toEqual({ unavailable: expect.stringMatching(/atlas/) });
    expect(buildOverlay('none', inputs)).toBeNull();
    // feature 2 fires exactly when d3 is taken: its meaning peaks on d3, as "occupied", not as one colour
    const m = featureMeaning(atlas, 2)!;
    expect(m.indexOf(m.reduce((a2, b) => (b.skill > a2.skill ? b : a2)))).toBe(19);
    expect(m[19]).toMatchObject({ what: 'occupied', f1: 1, skill: 1, labelled: true });
    expect(autoLabel(atlas, 2)).toMatch(/^d3 occupied \(F1 1\.00; always-on 0\.\d\d\)( \+\d+ similar)?$/);
    // feature 4 fires at every third position, whatever the board: no label, and the label says why
    expect(autoLabel(atlas, 4)).toMatch(/^no label: best .* F1 0\.\d\d vs always-on 0\.\d\d/);
    expect(autoLabel(atlas, 0)).toBe('never fired on the sample');
  });
});

describe('panels', () => {
  it('features here: strongest features with bars, labels and sparklines', () => {
    useView.getState().replaceView({ ...DEFAULT_VIEW, moves, pos: 4 });
    useSession.getState().patch({ analysis: { ...syntheticAnalysis(), key: 'x' }, atlas: { atlas: syntheticAtlas(), games: randomGames(3, 3), ms: 1, key: 'x' } });
    // Server rendering reads a store's initial state object: copy the current state into it for this render.
    Object.assign(useView.getInitialState(), useView.getState());
    Object.assign(useSession.getInitialState(), useSession.getState());
    const html = renderToStaticMarkup(<FeaturesPanel />);
    expect(html).toContain('2 of 6 features active after move 4');
    expect(html.indexOf('data-testid="feature-2"')).toBeLessThan(html.indexOf('data-testid="feature-4"')); // strongest first
    expect(html).toMatch(/d3 occupied \(F1 1\.00; always-on/);
    expect(html.match(/class="sparkline"/g)?.length).toBe(2);
  });

  it('presenter: caption and step count, or a clear message for an unknown tour', () => {
    const html = renderToStaticMarkup(<Presenter tourId="board-tracking" step={1} onStep={() => {}} onExit={() => {}} />);
    expect(html).toContain('step 2 / 5');
    expect(html).toContain(TOURS[0].steps[1].caption.slice(0, 30));
    expect(renderToStaticMarkup(<Presenter tourId="nope" step={0} onStep={() => {}} onExit={() => {}} />)).toContain('There is no tour &quot;nope&quot;');
  });
});

describe('tours, metrics files and notes files', () => {
  it('every tour step is a valid view that survives a link', () => {
    expect(TOURS.length).toBeGreaterThanOrEqual(3);
    for (const tour of TOURS) {
      tour.steps.forEach((_, i) => {
        const v = tourView(tour, i);
        expect(() => replay(v.moves)).not.toThrow();
        const back = hashToView(viewToHash(v));
        expect(back.problems, `${tour.id} step ${i}`).toEqual([]);
        expect(back.view).toEqual(v);
      });
    }
  });

  it('reads the shipped metrics files and exports them as CSV', () => {
    const dir = join(__dirname, '..', 'public', 'models', 'othello-gpt-default', 'metrics');
    const row = parseMetricsFile('othello-gpt-default/metrics/standard-c1.0.json', JSON.parse(readFileSync(join(dir, 'standard-c1.0.json'), 'utf8')));
    expect(row.kind).toBe('sae');
    expect(row.families['mine-yours-blank-mask'].ceiling).toBeCloseTo(2 / 3, 6);
    const csv = metricsCsv([row]).trim().split('\n');
    expect(csv[0]).toMatch(/^dictionary,l0,frac_variance_explained/);
    expect(csv[1].split(',').length).toBe(csv[0].split(',').length);
    expect(() => parseMetricsFile('x.json', { hello: 1 })).toThrow(/not a metrics file/);
  });

  it('accepts a well-formed notes file and refuses hostile ones', () => {
    expect(parseNotesFile(JSON.stringify({ notes: { 'othello-gpt-default/standard-c1.0/12': 'd3 tracker' } }))).toEqual({ 'othello-gpt-default/standard-c1.0/12': 'd3 tracker' });
    expect(() => parseNotesFile('{')).toThrow(/not valid JSON/);
    expect(() => parseNotesFile('{"notes": []}')).toThrow(/no "notes" object/);
    expect(() => parseNotesFile('{"notes": {"<img src=x>/x/1": "a"}}')).toThrow(/not a model\/sae\/feature key/);
    expect(() => parseNotesFile(JSON.stringify({ notes: { 'a/b/1': 'x'.repeat(3000) } }))).toThrow(/at most 2000/);
    expect(() => parseNotesFile(JSON.stringify({ notes: { 'a/b/1': { toString: 1 } } }))).toThrow(/not text/);
  });
});

describe('chess board', () => {
  it('maps overlays onto chessboardjsx square styles (a1 = index 0)', async () => {
    const { chessSquareStyles, chessSquareName } = await import('../src/app/board/chess-styles');
    expect(chessSquareName(0)).toBe('a1');
    expect(chessSquareName(63)).toBe('h8');
    expect(chessSquareName(12)).toBe('e2');
    const values = new Float32Array(64).fill(NaN);
    values[12] = 1;
    const styles = chessSquareStyles({ kind: 'heat', values, tips: [] }, 28);
    expect(Object.keys(styles).sort()).toEqual(['e2', 'e4']);
    // a translucent layer over the square: the light/dark square colour itself is not replaced
    expect(styles.e2.background).toBeUndefined();
    expect(styles.e2.backgroundColor).toBeUndefined();
    expect(String(styles.e2.backgroundImage)).toMatch(/^linear-gradient\(rgba\(255, 202, 40, 0\.9\d*\), rgba\(255, 202, 40/);
    expect(String(styles.e4.boxShadow)).toContain('#ff6f00');
    const outlined = chessSquareStyles(null, null, [7]);
    expect(Object.keys(outlined)).toEqual(['h1']);
    expect(String(outlined.h1.outline)).toMatch(/dashed/);
  });

  it('draws chess overlay letters and marks on the right squares, White at the bottom', async () => {
    const { ChessOverlayLayer } = await import('../src/app/board/ChessOverlayLayer');
    const labels: Array<string | null> = new Array(64).fill(null), marks = new Uint8Array(64);
    labels[0] = 'WR'; // a1: bottom-left
    marks[63] = 1; // h8: top-right
    const html = renderToStaticMarkup(<ChessOverlayLayer width={480} overlay={{ kind: 'heat', values: new Float32Array(64), labels, marks, tips: [] }} />);
    const a1 = /<g data-square="a1">(.*?)<\/g>/.exec(html)![1], h8 = /<g data-square="h8">(.*?)<\/g>/.exec(html)![1];
    expect(a1).toContain('>WR</text>');
    expect(a1).toMatch(/<text x="30" y="474.5"/); // bottom row, first column (cell 60 px)
    expect(h8).toMatch(/class="mark" x="423" y="3"/);
    expect(html.match(/<g /g)!.length).toBe(2); // nothing drawn elsewhere
    expect(renderToStaticMarkup(<ChessOverlayLayer width={480} overlay={{ kind: 'heat', values: new Float32Array(64), tips: [] }} />)).toBe('');
  });

  it('chess probe overlay: the probe\'s reading as letters only where it differs from the board', async () => {
    const { buildChessOverlay } = await import('../src/app/board/chess-overlays');
    const fen = 'rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1';
    const T = 1, C = 13, boardProbe = new Float32Array(T * 64 * C);
    const { Chess } = await import('chess.js');
    const { pieceArray } = await import('../src/games/chess/squares');
    const truth = pieceArray(new Chess(fen));
    for (let s = 0; s < 64; s++) boardProbe[s * C + truth[s] + 6] = 1;
    boardProbe[28 * C + 6 + 1 - 1] = 0; // e4 (a white pawn): the probe reads empty there
    boardProbe[28 * C + 6] = 1;
    boardProbe[28 * C + 7] = 0;
    const a = { T, probs: new Float32Array(0), F: 0, acts: new Float32Array(0), boardProbe, probeClasses: C, legalProbe: new Float32Array(0), backend: 'CPU reference', ms: 1 };
    const r = buildChessOverlay('probe', { t: 0, fen, analysis: a, atlas: null, statics: null, feature: null });
    if (!r || !('overlay' in r)) throw new Error('no overlay');
    expect(Array.from(r.overlay.marks!).reduce((x, y) => x + y, 0)).toBe(1);
    expect(r.overlay.marks![28]).toBe(1);
    expect(r.overlay.labels!.filter(Boolean)).toEqual(['–']);
    expect(r.overlay.labels![28]).toBe('–');
    expect(r.legend.note).toMatch(/dashed red outline: the probe's reading differs from the board \(1 of 64 squares\)/);
  });

  it('feature list: search by number or label words, sorted by skill, frequency or largest activation', async () => {
    const { featureRows, filterRows } = await import('../src/app/panels/FeatureList');
    const atlas = syntheticAtlas();
    const rows = featureRows(atlas);
    expect(rows.map((r) => r.feature).sort()).toEqual(Array.from(atlas.alive).sort());
    const name = (f: number) => autoLabel(atlas, f);
    expect(filterRows(rows, '#2', name, 'skill').map((r) => r.feature)).toEqual([2]);
    expect(filterRows(rows, '3', name, 'skill')).toEqual([]); // no partial-number matches
    expect(name(2)).toMatch(/^d3 occupied/);
    expect(filterRows(rows, 'D3  occupied', name, 'skill').map((r) => r.feature)).toContain(2);
    expect(filterRows(rows, 'no such words', name, 'skill')).toEqual([]);
    const bySkill = filterRows(rows, '', name, 'skill');
    expect(bySkill[0].feature).toBe(2);
    expect(bySkill[0].labelled).toBe(true);
    const byDensity = filterRows(rows, '', name, 'density');
    for (let k = 1; k < byDensity.length; k++) expect(byDensity[k - 1].density).toBeGreaterThanOrEqual(byDensity[k].density);
    const byMax = filterRows(rows, '', name, 'max');
    expect(byMax[0].feature).toBe(2); // activation 2 against 1
    expect(filterRows(rows, '', name, 'id').map((r) => r.feature)).toEqual(Array.from(atlas.alive).sort((a, b) => a - b));
  });
});
