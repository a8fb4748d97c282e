// Classroom tours, written as data: each step is a view (the same fields a shared link holds), a
// caption, and the checks that make the caption true to the screen: every number and square a
// caption names is read back from what the page draws at that step by tests/browser-tours.test.ts.
// Feature numbers refer to the shipped standard-c1.0 SAE of the default model and its 200-game atlas.
import { parseTranscript } from '../../games/othello';
import { CHESS_DEFAULT_VIEW, DEFAULT_VIEW, gameLength, type View } from '../state/view';

/**
 * A claim of a caption, checked against the page: the text of the first element matching `selector`
 * (its rendered text with every run of white space made one space) contains `contains`; or the first number `number` captures in it lies in [min, max]; or `count`
 * elements match `selector`.
 */
export type TourCheck =
  | { selector: string; contains: string }
  | { selector: string; number: RegExp; min: number; max: number }
  | { selector: string; count: number };

export interface TourStep {
  caption: string;
  view: Partial<View>;
  checks?: TourCheck[];
}

const id = (testid: string) => `[data-testid="${testid}"]`;
const LEGAL_MASS = /Probability on legal moves: ([\d.]+)%/;

export interface Tour {
  id: string;
  title: string;
  summary: string;
  steps: TourStep[];
}

// Random legal games from the project's generator (randomGame(mulberry32(seed))), seeds 7 and 2.
const GAME_A = parseTranscript('d3c3e6d6c5b4b5e3b3f6e2f1e7f5b2c4f3a5d2f8f2d7a6d1e1c2c6b6b1a7c7g4f7e8g5d8b8a1g1a3h3c1a2g7f4h4h6c8g8a4g6h2g3h1a8h5b7h7g2h8');
const GAME_B = parseTranscript('f5f4d3d6d7g5h5f6e7c2g3c4c3f7b4b3f3a5f8g4h3f2e1h2b1d8e3g2c7f1e2h4g1e6h1c1e8c8d1g8b2b8c6a2h6d2b7a8a7b6g7a6c5h8h7g6a4a3b5a1');

// A Ruy Lopez main line in Karvonen's transcript format; character 21 is the '.' of "3." (White to move).
const RUY_LOPEZ = ';1.e4 e5 2.Nf3 Nc6 3.Bb5 a6 4.Ba4 Nf6 5.O-O Be7 6.Re1 b5 7.Bb3 d6 8.c3 O-O 9.h3 Nb8 10.d4 Nbd7';
const dotOf = (move: number) => RUY_LOPEZ.indexOf(` ${move}.`) + move.toString().length + 2;

export const TOURS: readonly Tour[] = [
  {
    id: 'board-tracking',
    title: 'The model tracks the board',
    summary: 'A model that only ever saw move lists predicts legal moves, and a linear probe can read the board from its activations.',
    steps: [
      { caption: 'Othello-GPT sees only the list of moves, never the board. Yet after 20 moves about two thirds of its next-move probability sits on the 12 legal squares (white dots) among the 60 it can name.', view: { moves: GAME_A, pos: 20, overlay: 'predictions', panel: 'features', sae: 'standard-c1.0' },
        checks: [{ selector: id('side-to-move'), contains: '12 legal moves' }, { selector: '.board .sq.legal', count: 12 }, { selector: id('legal-mass'), number: LEGAL_MASS, min: 60, max: 73 }] },
      { caption: 'Deep into the game the legal moves are few and scattered; the model puts about 90% of its probability on them.', view: { moves: GAME_A, pos: 44, overlay: 'predictions' },
        checks: [{ selector: id('legal-mass'), number: LEGAL_MASS, min: 87, max: 93 }] },
      { caption: 'A linear probe on layer 3 reads every square as mine, theirs or empty: on held-out games it gets 84% of squares right, where guessing each square\'s most common state gets 54%. Dashed discs: what the probe reads; red rings: where it is wrong (14 of the 64 squares here).', view: { moves: GAME_A, pos: 44, overlay: 'probe', square: null },
        checks: [{ selector: id('legend'), contains: 'probe accuracy on held-out games at layer 3: 83.6% of squares (guessing each square\'s most common state gets 53.9%)' }, { selector: id('legend'), contains: 'red ring: it disagrees (14 of 64 squares)' }] },
      { caption: 'Click any square to see how sure the probe is there and which SAE features classify its state best, ranked by their skill over a feature that always fires.', view: { moves: GAME_A, pos: 44, overlay: 'probe', panel: 'square', square: 42 },
        checks: [{ selector: id('square-panel'), contains: 'Square c6' }, { selector: id('probe-confidence'), contains: 'Probe after move 44' }, { selector: id('square-panel'), contains: 'Ranked by skill over a feature that always fires' }] },
      { caption: 'The same architecture before training: only about 12% of its probability lands on the 12 legal squares, less than the 20% an even spread over the 60 squares would give, and none of the features it shows carries a label. The board knowledge was learned.', view: { model: 'othello-random-init', sae: 'standard-c1.0', moves: GAME_A, pos: 20, overlay: 'predictions', panel: 'features', square: null },
        checks: [{ selector: id('legal-mass'), number: LEGAL_MASS, min: 8, max: 16 }, { selector: id('side-to-move'), contains: '12 legal moves' }, { selector: '.feature-list .flabel', count: 16 }, { selector: id('features-panel'), contains: 'no label' }] },
    ],
  },
  {
    id: 'square-feature',
    title: 'A feature for one square',
    summary: 'Feature 492 of the standard SAE is labelled "e6 empty", is the best single classifier of "e6 is a legal move", and the model uses it to predict e6.',
    steps: [
      { caption: 'After 6 moves, e6 is one of black\'s legal moves (white dots). The square explorer lists, for each state of e6, the features that classify it best on the 200 atlas games, ranked by skill over a feature that always fires.', view: { model: 'othello-gpt-default', sae: 'standard-c1.0', moves: GAME_B, pos: 6, square: 44, panel: 'square', overlay: 'predictions', feature: null, edits: [] },
        checks: [{ selector: '.board g.sq.legal[data-square="e6"]', count: 1 }, { selector: id('square-panel'), contains: 'Square e6' }, { selector: id('square-panel'), number: /e6 is a legal move.*?#492 ([\d.]+)/, min: 0.6, max: 0.68 }] },
      { caption: 'Feature 492 is the best single classifier of "e6 is a legal move" (F1 0.64, where a feature that always fires gets 0.19), and it classifies "e6 is empty" even better (F1 0.72 against 0.34). No other square passes the label rules: the overlay lights e6 alone.', view: { moves: GAME_B, pos: 6, square: 44, feature: 492, overlay: 'feature', panel: 'dashboard' },
        checks: [{ selector: id('legend'), contains: 'Feature 492: skill per square' }, { selector: id('legend'), contains: '1 square passes the label rules' }, { selector: '.board [data-square="e6"]', contains: 'E 0.72' },
          { selector: id('best-matches'), number: /e6 legal ([\d.]+)/, min: 0.635, max: 0.645 }, { selector: id('best-matches'), number: /e6 legal [\d.]+ ([\d.]+)/, min: 0.185, max: 0.195 },
          { selector: id('best-matches'), number: /e6 empty ([\d.]+)/, min: 0.715, max: 0.725 }, { selector: id('best-matches'), number: /e6 empty [\d.]+ ([\d.]+)/, min: 0.335, max: 0.345 }] },
      { caption: 'Its direct effect on the next-move logits (the table at the bottom of the dashboard) raises e6 by 1.72 per unit of activation, five times more than any other square (f7 comes next at 0.33).', view: { moves: GAME_B, pos: 6, feature: 492, overlay: 'feature', panel: 'dashboard' },
        checks: [{ selector: `${id('logit-effect')} tbody tr:nth-child(1)`, contains: 'e6 +1.72' }, { selector: `${id('logit-effect')} tbody tr:nth-child(2)`, contains: 'f7 +0.33' }] },
      { caption: 'Ablate it: the model\'s probability for e6 falls from 15% to 6% (9 points), and most of it moves to f6; the patched run is shown beside the clean one.', view: { moves: GAME_B, pos: 6, feature: 492, overlay: 'predictions', panel: 'intervene', edits: [{ feature: 492, mode: 'ablate', value: 0 }] },
        checks: [{ selector: id('intervene-panel'), contains: 'Largest changes: e6 -9.0 pts, f6 +7.8 pts' }] },
    ],
  },
  {
    id: 'measuring-saes',
    title: 'How coverage and reconstruction measure an SAE',
    summary: 'The supervised metrics of Karvonen et al. 2024 on the SAEs trained here, against baselines and the paper.',
    steps: [
      { caption: 'Coverage: for each board property, the best F1 any single feature reaches as its classifier, averaged. Reconstruction: how well the board rebuilt from the labels of the features that fire matches the true board. This SAE: coverage 0.303 (at most 0.667 here; the paper\'s Standard SAE 0.403) and reconstruction 0.092 (the paper: 0.954).', view: { model: 'othello-gpt-default', sae: 'standard-c1.0', panel: 'metrics', moves: GAME_A, pos: 30, overlay: 'active', feature: null, edits: [] },
        checks: [{ selector: id('metric-findings'), contains: 'coverage 0.303 against 0.403 in the paper' }, { selector: id('metric-findings'), contains: 'board reconstruction 0.092 against 0.954' }, { selector: id('selected-metrics'), contains: 'Mine/theirs (blank masked) 0.303' }] },
      { caption: 'The overlay adds up, per square, the skill of the active features whose label is about that square. At move 30 only 6 squares get anything and none more than 0.2: few features carry a label, so rebuilding the board from labels recovers little of it.', view: { panel: 'metrics', moves: GAME_A, pos: 30, overlay: 'active' },
        checks: [{ selector: id('legend'), contains: 'What the active features are about' }, { selector: '.board [data-square] text', count: 6 }, { selector: id('legend'), number: /What the active features are about 0 ([\d.]+)/, min: 0.15, max: 0.25 }] },
      { caption: 'Compare trainers: the p-annealing SAE fires far fewer features (L0 30.5 against 112.4) at about the same coverage (0.298). Its untrained-model baseline (same recipe on the random-init model) reaches 0.198, and the layer\'s MLP neurons read as a dictionary reach 0.356, above every SAE (the best, topk-k32, reaches 0.318).', view: { sae: 'p-anneal-c3.0', panel: 'metrics', moves: GAME_A, pos: 30, overlay: 'active' },
        // all in the table of every dictionary (columns: L0, FVE, loss recovered, coverage masked, ...)
        checks: [{ selector: `${id('compare-table')} tr.selected`, contains: 'p-anneal-c3.0 30.5 0.897 0.722 0.298' }, { selector: id('compare-table'), contains: 'standard-c1.0 112.4 0.977 0.964 0.303' },
          { selector: id('compare-table'), contains: 'baseline-random-init-standard-c1.0 25.7 0.904 1.038 0.198' }, { selector: id('compare-table'), contains: 'baseline-mlp-neurons-L3 491.5 – – 0.356' },
          { selector: id('compare-table'), number: /topk-k32 [\d.]+ [\d.]+ [\d.]+ ([\d.]+)/, min: 0.318, max: 0.318 }] },
      { caption: 'Feature 907 is the best single classifier of "g7 is a legal move" (F1 0.48, where a feature that always fires gets 0.24), and g7 is the only square whose label passes the rules; it raises the g7 logit most.', view: { sae: 'standard-c1.0', feature: 907, overlay: 'feature', panel: 'dashboard', moves: GAME_A, pos: 30 },
        checks: [{ selector: id('legend'), contains: '1 square passes the label rules' }, { selector: '.board [data-square="g7"]', contains: 'L 0.48' }, { selector: `${id('best-matches')} tbody tr:nth-child(1)`, contains: 'g7 legal 0.482 0.237 0.32' }, { selector: `${id('logit-effect')} tbody tr:nth-child(1)`, contains: 'g7 +1.22' }] },
    ],
  },
  {
    id: 'chess-reading',
    title: 'Chess: a model that reads characters',
    summary: 'The chess model sees a game as characters; the workbench steps through it one character at a time, with the board, the next-character predictions and a piece probe.',
    steps: [
      { caption: 'The chess model reads a game as text, one character at a time (";1.e4 e5 2.Nf3 …"). At each "." White is to move: that is where the paper scores board properties.', view: { game: 'chess', model: 'chess-gpt-default', sae: 'standard-c1.0', text: RUY_LOPEZ, pos: dotOf(3), overlay: 'none', panel: 'features', feature: null, square: null, edits: [] },
        checks: [{ selector: '.chess-transcript .cur', contains: '.' }, { selector: id('chess-area'), contains: 'White to move on the board shown' }, { selector: id('position'), contains: `character ${dotOf(3)} /` }] },
      { caption: 'Inside a move, the next character has to continue a legal move: the list under the board marks each of the model\'s top 6 characters legal or illegal, and sums the probability on the legal ones (99.5% after "3.Bb").', view: { pos: dotOf(3) + 2 },
        checks: [{ selector: `${id('predictions')} ol.top li`, count: 6 }, { selector: id('legal-mass'), contains: 'After “b”: probability on characters that continue a legal move 99.5%' }] },
      { caption: 'A linear probe on the SAE\'s layer reads which of 13 pieces (or empty) stands on every square. Dashed red outlines: the 24 squares where its reading differs from the board, with the piece it reads there; hover a square for its numbers.', view: { pos: dotOf(9), overlay: 'probe' },
        checks: [{ selector: id('legend'), contains: 'differs from the board (24 of 64 squares)' }, { selector: '.chess-overlay-layer .mark', count: 24 }] },
      { caption: 'The features active at this character, strongest first; each is named by the board property it classifies best on the atlas games, or marked "no label" when no property passes the label rules.', view: { pos: dotOf(9), overlay: 'active', panel: 'features' },
        checks: [{ selector: id('features-panel'), contains: `15 of 1024 features active at character ${dotOf(9)} (".")` }, { selector: '.feature-list li', count: 15 }] },
      { caption: 'Coverage and board reconstruction for chess: on the paper\'s board set this SAE reaches coverage 0.064 and reconstruction 0.000, against 0.496 and 0.836 for the paper\'s layer-5 SAE, and no better than the same recipe on the untrained model: this small model\'s SAE has found no board features yet.', view: { pos: dotOf(9), overlay: 'active', panel: 'metrics' },
        checks: [{ selector: id('metric-findings'), contains: 'coverage 0.064 against 0.496 in the paper' }, { selector: id('metric-findings'), contains: 'board reconstruction 0.000 against 0.836' }, { selector: id('metric-findings'), contains: 'this SAE is no better in coverage (−0.012) or reconstruction (+0.000)' }] },
    ],
  },
  {
    id: 'chess-false-friend',
    title: 'Chess: a feature that looks like a rook',
    summary: 'Feature 575 has the best F1 for "white rook on h1" (0.82, below the 0.86 of a feature that always fires), and a counterexample shows it marks where White is to move: how to test what an F1 claims.',
    steps: [
      { caption: 'At the "." of move 5 White has not castled, so the rook still stands on h1 (the piece probe agrees: 91%). The square explorer lists, for each piece that could stand on h1, the SAE features that classify it best on the 200 atlas games.', view: { game: 'chess', model: 'chess-gpt-default', sae: 'standard-c1.0', text: RUY_LOPEZ, pos: dotOf(5), square: 7, panel: 'square', overlay: 'none', feature: null, edits: [] },
        checks: [{ selector: id('square-panel'), contains: 'Square h1' }, { selector: id('square-panel'), contains: 'Piece probe at character 40: white rook 90.8%' }] },
      // F1 0.82, 76%, 0.86 and "10 of its 12" come from the 200-game atlas: tests/workbench-chess.test.ts checks them
      { caption: 'Feature 575 has the best F1 for "white rook on h1" (0.82), and 10 of its 12 top-activating characters show a rook on h1: it looks like a rook feature. Yet the rook stands on h1 at 76% of the atlas\'s "." positions, so a feature that always fired there would score 0.86: the workbench gives 575 no label. Here it fires at 5.71.', view: { feature: 575, overlay: 'feature', panel: 'dashboard' },
        checks: [{ selector: id('current-activation'), contains: 'Now, at character 40 ("."): activation 5.71' }] },
      { caption: 'Test that reading: after 5.O-O the rook stands on f1 and h1 is empty, yet feature 575 fires at the next "." about as strongly as before (5.19 against 5.71).', view: { pos: dotOf(6) },
        checks: [{ selector: id('current-activation'), contains: 'Now, at character 50 ("."): activation 5.19' }] },
      { caption: 'It fires at every "." from move 2 to move 10 of this opening and almost nowhere else, rook or no rook (here 4.63, still the strongest feature): it marks the characters where White is to move, and at most of those in the atlas games the rook simply has not moved yet. F1 found a correlation; a counterexample tells it apart from the board.', view: { pos: dotOf(10) },
        checks: [{ selector: id('current-activation'), contains: 'Now, at character 87 ("."): activation 4.63' }] },
      { caption: 'The piece probe agrees that this small model has not learned the board yet: at its best layer it reads about 73% of squares right, hardly more than the 71% that guessing each square\'s most common piece gets (Karvonen\'s trained model: 99%). Dashed red outlines: the 26 squares where its reading differs from the board.', view: { overlay: 'probe', panel: 'features' },
        checks: [{ selector: id('legend'), contains: 'probe accuracy on held-out games at layer 0: 73.2% of squares (guessing each square\'s most common piece gets 70.7%)' }, { selector: '.chess-overlay-layer .mark', count: 26 },
          { selector: `${id('features-panel')} .feature-list li:first-child`, contains: '#575' }] },
    ],
  },
];

/** The full view of a tour step: each step starts from its game's default view, then the tour's previous steps' fields, then its own. */
export function tourView(tour: Tour, step: number): View {
  let v: View = { ...(tour.steps[0]?.view.game === 'chess' ? CHESS_DEFAULT_VIEW : DEFAULT_VIEW), edits: [] };
  for (let i = 0; i <= step && i < tour.steps.length; i++) v = { ...v, ...tour.steps[i].view };
  return { ...v, pos: Math.min(v.pos, gameLength(v)), tour: tour.id, step };
}
