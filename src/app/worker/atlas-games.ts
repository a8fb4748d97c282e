// The feature atlas's games and the positions where their properties are scored. They depend only
// on (game, seed, count, context), not on the model or SAE, so they are made once per worker:
// generating 200 chess games with chess.js and replaying them takes seconds, and every SAE switch
// would otherwise pay it again.
import { CHESS_KIT, OTHELLO_KIT, type AnyGameKit } from '../../games/kit';
import { randomGames } from '../../games/othello';
import type { GameId } from './workbench';

export interface AtlasGames {
  games: Array<number[] | string>;
  /** per game: the scored rows (token indices within the game) and their positions */
  evaluated: Array<{ rows: number[]; positions: unknown[] }>;
}

const made = new Map<string, AtlasGames>();

export function atlasGames(game: GameId, seed: number, count: number, nCtx: number): AtlasGames {
  const key = `${game}:${seed}:${count}:${nCtx}`;
  let got = made.get(key);
  if (!got) {
    const kit = (game === 'chess' ? CHESS_KIT : OTHELLO_KIT) as unknown as AnyGameKit;
    const games = game === 'chess' ? CHESS_KIT.evalGames(seed, count, nCtx) : randomGames(seed, count);
    got = { games, evaluated: games.map((g) => kit.evaluated(g, nCtx)) };
    if (made.size >= 4) made.delete(made.keys().next().value!); // a few games x context pairs at most
    made.set(key, got);
  }
  return got;
}
