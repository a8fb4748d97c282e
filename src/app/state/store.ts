// The page's state: the view (everything a link restores) and the session (what the worker has
// computed for it). Views change only through these actions, so the URL can follow them.
import { create } from 'zustand';
import { appendMove } from '../../games/chess/boards';
import { chessGame } from '../../train/chess-data';
import { legalMoves, mulberry32, randomGame, replay, type OthelloState } from '../../games/othello';
import type { FeatureAtlas } from '../../metrics/atlas';
import type { ManifestModel } from '../../model/manifest';
import type { Loaded } from '../worker/protocol';
import type { GameAnalysis, GameInput } from '../worker/workbench';
import { CHESS_DEFAULT_VIEW, DEFAULT_VIEW, gameLength, type View } from './view';

export interface Job { label: string; done: number; total: number }

interface ViewStore {
  view: View;
  states: OthelloState[];
  set(patch: Partial<View>): void;
  replaceView(view: View): void;
  play(square: number): void;
  step(delta: number): void;
  goTo(pos: number): void;
  newGame(): void;
  randomGame(seed: number): void;
  loadMoves(moves: number[]): void;
  /** chess: plays a move (SAN) after the characters read so far, dropping what followed */
  playSan(san: string): void;
  loadText(text: string): void;
  /** switches game: the view of that game's default model with an empty game */
  setGame(game: View['game'], model?: string, sae?: string): void;
}

export const useView = create<ViewStore>((set, get) => ({
  view: DEFAULT_VIEW,
  states: replay([]),
  set(patch) {
    set({ view: { ...get().view, ...patch } });
  },
  replaceView(view) {
    set({ view, states: replay(view.moves) });
  },
  play(square) {
    const { view, states } = get();
    if (!legalMoves(states[view.pos]).includes(square)) return;
    const moves = [...view.moves.slice(0, view.pos), square]; // playing from an earlier position drops the later moves
    set({ view: { ...view, moves, pos: moves.length }, states: replay(moves) });
  },
  step(delta) {
    const { view } = get();
    set({ view: { ...view, pos: Math.max(0, Math.min(gameLength(view), view.pos + delta)) } });
  },
  goTo(pos) {
    const { view } = get();
    set({ view: { ...view, pos: Math.max(0, Math.min(gameLength(view), pos)) } });
  },
  newGame() {
    set({ view: { ...get().view, moves: [], text: '', pos: 0 }, states: replay([]) });
  },
  randomGame(seed) {
    const { view } = get();
    if (view.game === 'chess') {
      // a generated game as the model was trained on, cut at the model's context; opens at the '.' of move 11 (White to move)
      const text = chessGame(seed, 255);
      const at = text.indexOf(' 11.');
      set({ view: { ...view, text, pos: at > 0 ? at + 4 : text.length } });
      return;
    }
    const moves = randomGame(mulberry32(seed));
    // open mid-game: the end of a 60-move game is past the model's 59-move context
    set({ view: { ...get().view, moves, pos: Math.min(30, moves.length) }, states: replay(moves) });
  },
  loadMoves(moves) {
    set({ view: { ...get().view, moves, pos: moves.length }, states: replay(moves) });
  },
  playSan(san) {
    const { view } = get();
    // playing from an earlier character drops the rest of the game, back to the last whole move
    const kept = view.text.slice(0, view.pos).replace(/ ?[^ ]*$/, (m) => (view.pos === view.text.length ? m : ''));
    const text = appendMove(kept, san);
    set({ view: { ...view, text, pos: text.length } });
  },
  loadText(text) {
    set({ view: { ...get().view, text, pos: text.length } });
  },
  setGame(game, model, sae) {
    const base = game === 'chess' ? CHESS_DEFAULT_VIEW : DEFAULT_VIEW;
    set({ view: { ...base, model: model ?? base.model, sae: sae ?? base.sae, edits: [] }, states: replay([]) });
  },
}));

interface SessionStore {
  manifest: ManifestModel[] | null;
  loaded: Loaded | null;
  /** key of the model/SAE choice the loaded session belongs to, and that choice */
  loadedKey: string;
  loadedView: { model: string; sae: string; layer: number } | null;
  analysis: (GameAnalysis & { key: string }) | null;
  atlas: { atlas: FeatureAtlas; games: GameInput[]; ms: number; from?: 'memory' | 'browser'; key: string } | null;
  jobs: Record<string, Job>;
  error: string | null;
  notice: string[];
  /** bumped on every file the user opens, so the same choice reloads */
  uploadVersion: number;
  patch(p: Partial<Omit<SessionStore, 'patch' | 'setJob'>>): void;
  setJob(id: string, job: Job | null): void;
}

export const useSession = create<SessionStore>((set, get) => ({
  manifest: null, loaded: null, loadedKey: '', loadedView: null, analysis: null, atlas: null, jobs: {}, error: null, notice: [], uploadVersion: 0,
  patch(p) {
    set(p);
  },
  setJob(id, job) {
    const jobs = { ...get().jobs };
    if (job) jobs[id] = job; else delete jobs[id];
    set({ jobs });
  },
}));
