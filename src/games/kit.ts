// What the game-agnostic pipeline (probes, SAE training, metrics, loss recovered) needs to know
// about a game: how a game becomes model tokens, where properties are scored, its property
// families, its probes, fresh evaluation games and its games-file format.
import type { BspFamily } from '../metrics/bsp';
import { chessEvalGames } from '../train/chess-data';
import { evalGames } from '../train/data';
import { CHESS_BOARD_SET, CHESS_BSP_FAMILIES, CHESS_OCCUPIED, CHESS_STRATEGY_SET } from './chess/bsp';
import { parseChessGamesFile } from './chess/games-file';
import { pieceArray } from './chess/squares';
import { encodeChess } from './chess/tokenizer';
import { chessDotPositions, type ChessPosition } from './chess/transcript';
import { legalMoveBoard, mineTheirsEmpty, OTHELLO_BSP_FAMILIES, OTHELLO_DEFAULT_BSPS, OTHELLO_OCCUPIED, othelloPositions, type OthelloPosition } from './othello/bsp';
import { parseOthelloGamesFile } from './othello/games-file';
import { encodeSquares } from './othello/tokenizer';

export interface ProbeSpec<P> {
  readonly classes: number;
  /** class names in class order, as written into the probe file's metadata */
  readonly classNames: readonly string[];
  /** class per square (64) at an evaluated position */
  labels(position: P): Uint8Array;
}

export interface GameKit<G, P> {
  readonly id: 'othello' | 'chess';
  readonly vocab: number;
  /** the model's input: the first nCtx tokens of the game */
  tokens(game: G, nCtx: number): number[];
  /** positions where properties are scored; rows are token indices into tokens(game) */
  evaluated(game: G, nCtx: number): { rows: number[]; positions: P[] };
  /** fresh games from the evaluation seed range (disjoint from training seeds) */
  evalGames(seed: number, count: number, nCtx: number): G[];
  parseGamesFile(text: string): G[];
  readonly gamesDescription: string;
  readonly families: readonly BspFamily<P>[];
  /** families beyond the paper's that the page's feature labels also score (occupied squares) */
  readonly labelFamilies: readonly BspFamily<P>[];
  /** the families `metrics` scores when --bsp is not given */
  readonly defaultFamilies: readonly string[];
  readonly probes: Readonly<Record<string, ProbeSpec<P>>>;
}

export const OTHELLO_KIT: GameKit<number[], OthelloPosition> = {
  id: 'othello',
  vocab: 61,
  tokens: (g, nCtx) => encodeSquares(g.slice(0, nCtx)),
  evaluated: (g, nCtx) => {
    const positions = othelloPositions(g, nCtx);
    return { rows: positions.map((_, i) => i), positions };
  },
  evalGames: (seed, count) => evalGames(seed, count),
  parseGamesFile: (text) => parseOthelloGamesFile(text),
  gamesDescription: 'seeded random legal Othello games',
  families: OTHELLO_BSP_FAMILIES,
  labelFamilies: [OTHELLO_OCCUPIED],
  defaultFamilies: OTHELLO_DEFAULT_BSPS,
  probes: {
    'mine-theirs-empty': { classes: 3, classNames: ['theirs', 'empty', 'mine'], labels: (p) => mineTheirsEmpty(p.state, p.index) },
    'legal-moves': { classes: 2, classNames: ['not-legal', 'legal'], labels: (p) => legalMoveBoard(p.state) },
  },
};

/** Class = signed piece value + 6: black king 0 ... empty 6 ... white king 12 (python-chess square order). */
export const CHESS_PIECE_CLASSES = ['black king', 'black queen', 'black rook', 'black bishop', 'black knight', 'black pawn', 'empty',
  'white pawn', 'white knight', 'white bishop', 'white rook', 'white queen', 'white king'] as const;

export const CHESS_KIT: GameKit<string, ChessPosition> = {
  id: 'chess',
  vocab: 32,
  tokens: (g, nCtx) => encodeChess(g.slice(0, nCtx)),
  // spec 2.1: only the first 20 '.' characters of the first nCtx characters, White to move there
  evaluated: (g, nCtx) => {
    const positions = chessDotPositions(g, 20, nCtx);
    return { rows: positions.map((p) => p.char), positions };
  },
  evalGames: (seed, count, nCtx) => chessEvalGames(seed, count, nCtx),
  parseGamesFile: (text) => parseChessGamesFile(text),
  gamesDescription: 'seeded generated chess games (random / forcing-move mix)',
  families: CHESS_BSP_FAMILIES,
  labelFamilies: [CHESS_OCCUPIED],
  defaultFamilies: [CHESS_BOARD_SET, ...CHESS_STRATEGY_SET],
  probes: {
    piece: { classes: 13, classNames: CHESS_PIECE_CLASSES, labels: (p) => Uint8Array.from(pieceArray(p.board), (v) => v + 6) },
  },
};

export type AnyGameKit = GameKit<unknown, unknown>;

export function gameKit(id: string): AnyGameKit {
  if (id === 'othello') return OTHELLO_KIT as unknown as AnyGameKit;
  if (id === 'chess') return CHESS_KIT as unknown as AnyGameKit;
  throw new Error(`unknown game "${id}" (othello or chess)`);
}
