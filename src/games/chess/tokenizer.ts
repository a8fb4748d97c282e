// Karvonen's character-level chess vocabulary (spec 1.3): 32 characters sorted by ASCII, ids 0..31.
// A transcript starts with ';' (it acts as BOS).
export const CHESS_VOCAB = ' #+-.0123456789;=BKNOQRabcdefghx';
export const CHESS_VOCAB_SIZE = CHESS_VOCAB.length;

export class ChessTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChessTokenError';
  }
}

export function encodeChess(text: string): number[] {
  return Array.from(text, (ch, i) => {
    const id = CHESS_VOCAB.indexOf(ch);
    if (id < 0) throw new ChessTokenError(`character ${JSON.stringify(ch)} at position ${i} is not in the chess vocabulary (${CHESS_VOCAB.trim()} and space)`);
    return id;
  });
}

export function decodeChess(ids: readonly number[]): string {
  return ids.map((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= CHESS_VOCAB_SIZE) throw new ChessTokenError(`token ${id} at position ${i} is outside 0..${CHESS_VOCAB_SIZE - 1}`);
    return CHESS_VOCAB[id];
  }).join('');
}
