// Classroom tours, written as data: each step is a view (the same fields a shared link holds) and a
// caption. Feature numbers refer to the shipped standard-c1.0 SAE of the default model; they were
// picked from its metrics file (best F1 per board entry) and checked on these games.
import { parseTranscript } from '../../games/othello';
import { DEFAULT_VIEW, type View } from '../state/view';

export interface TourStep {
  caption: string;
  view: Partial<View>;
}

export interface Tour {
  id: string;
  title: string;
  summary: string;
  steps: TourStep[];
}

// Random legal games from the project's generator (randomGame(mulberry32(seed))), seeds 7 and 1.
const GAME_A = parseTranscript('d3c3e6d6c5b4b5e3b3f6e2f1e7f5b2c4f3a5d2f8f2d7a6d1e1c2c6b6b1a7c7g4f7e8g5d8b8a1g1a3h3c1a2g7f4h4h6c8g8a4g6h2g3h1a8h5b7h7g2h8');
const GAME_B = parseTranscript('f5f4e3f6g6e2e6f7f3h7g4h4e1f2c3b2h3d1d3c6b3d2a1b4c5d6g3f1c7g5h6g2e8h5b6g8h2e7g1a3b5c4c1b7a8a2a4b1f8c8d7d8h8a5a6g7b8a7c2h1');

export const TOURS: readonly Tour[] = [
  {
    id: 'board-tracking',
    title: 'The model tracks the board',
    summary: 'A model that only ever saw move lists predicts legal moves, and a linear probe can read the board from its activations.',
    steps: [
      { caption: 'Othello-GPT sees only the list of moves, never the board. Yet after 20 moves almost all of its next-move probability sits on legal squares (white dots).', view: { moves: GAME_A, pos: 20, overlay: 'predictions', panel: 'features', sae: 'standard-c1.0' } },
      { caption: 'Deep into the game the legal moves are few and scattered; the model still finds them.', view: { moves: GAME_A, pos: 44, overlay: 'predictions' } },
      { caption: 'A linear probe on layer 3 reads every square as mine, theirs or empty. Dashed discs: what the probe reads; red rings: where it is wrong.', view: { moves: GAME_A, pos: 44, overlay: 'probe', square: null } },
      { caption: 'Click any square to see how sure the probe is and which SAE features encode that square.', view: { moves: GAME_A, pos: 44, overlay: 'probe', panel: 'square', square: 42 } },
      { caption: 'The same architecture before training: its predictions ignore the rules. The board knowledge was learned.', view: { model: 'othello-random-init', sae: 'standard-c1.0', moves: GAME_A, pos: 20, overlay: 'predictions', panel: 'features', square: null } },
    ],
  },
  {
    id: 'square-feature',
    title: 'A feature for one square',
    summary: 'Feature 565 of the standard SAE fires when d3 holds a disc of the player who just moved.',
    steps: [
      { caption: 'Move 19 was d3 (black). Open the square explorer for d3: the features listed are the best classifiers of each of its states.', view: { model: 'othello-gpt-default', sae: 'standard-c1.0', moves: GAME_B, pos: 19, square: 19, panel: 'square', overlay: 'predictions', feature: null } },
      { caption: 'Feature 565 is the best match for "d3 is mine". Its best F1 per square is concentrated on d3.', view: { moves: GAME_B, pos: 19, square: 19, feature: 565, overlay: 'feature', panel: 'dashboard' } },
      { caption: 'Its decoder direction, read through the probe, pushes d3 toward "mine".', view: { moves: GAME_B, pos: 19, feature: 565, overlay: 'decoder', panel: 'dashboard' } },
      { caption: 'Ablate it: the model\'s next-move predictions shift, compared side by side with the clean run.', view: { moves: GAME_B, pos: 19, feature: 565, overlay: 'predictions', panel: 'intervene', edits: [{ feature: 565, mode: 'ablate', value: 0 }] } },
    ],
  },
  {
    id: 'measuring-saes',
    title: 'How coverage and reconstruction measure an SAE',
    summary: 'The supervised metrics of Karvonen et al. 2024 on the SAEs trained here, against baselines and the paper.',
    steps: [
      { caption: 'Coverage: for each board property, the best F1 any single feature reaches as its classifier, averaged. Reconstruction: how well the features\' labels rebuild the whole board.', view: { model: 'othello-gpt-default', sae: 'standard-c1.0', panel: 'metrics', moves: GAME_A, pos: 30, overlay: 'active', feature: null, edits: [] } },
      { caption: 'The board overlay shows which squares the active features are about at this position: the raw material of board reconstruction.', view: { panel: 'metrics', moves: GAME_A, pos: 30, overlay: 'active' } },
      { caption: 'Compare trainers: a sparser p-annealing SAE, and the same recipe on the untrained model (the random-init baseline in the table).', view: { sae: 'p-anneal-c3.0', panel: 'metrics', moves: GAME_A, pos: 30, overlay: 'active' } },
      { caption: 'Feature 645 is the best single classifier of "f4 is a legal move" (valid-moves coverage).', view: { sae: 'standard-c1.0', feature: 645, overlay: 'feature', panel: 'dashboard', moves: GAME_A, pos: 30 } },
    ],
  },
];

/** The full view of a tour step: each step starts from the default view, then the tour's previous steps' fields, then its own. */
export function tourView(tour: Tour, step: number): View {
  let v: View = { ...DEFAULT_VIEW, edits: [] };
  for (let i = 0; i <= step && i < tour.steps.length; i++) v = { ...v, ...tour.steps[i].view };
  return { ...v, pos: Math.min(v.pos, v.moves.length), tour: tour.id, step };
}
