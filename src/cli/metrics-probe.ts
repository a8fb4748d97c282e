// `metrics --probe`: the linear-probe baseline, scored with the SAEs' board-reconstruction F1 on the
// test split (coverage is not defined for a probe).
import type { BspFamily } from '../metrics/bsp';
import { propertyTable } from '../metrics/bsp';
import { predictionF1 } from '../metrics/probe-baseline';
import { probePredict, type ProbeWeights } from '../train/probe-trainer';
import type { HookReader } from '../metrics/sources';
import { Chess } from 'chess.js';
import { pieceArray } from '../games/chess/squares';
import { parseProbeFile, ProbeFileError } from '../train/probe-file';
import { UsageError } from './args';
import { readBytes } from './files';

/** How a probe's per-square classes map onto a family's entries, for the families it can predict. */
export const PROBE_PREDICTS: Record<string, Record<string, (sq: number, cls: number, out: number[]) => void>> = {
  'mine-theirs-empty': {
    'mine-yours': (sq, cls, out) => out.push(sq * 3 + cls),
    'mine-yours-blank-mask': (sq, cls, out) => { if (cls !== 1) out.push(sq * 3 + cls); },
  },
  'legal-moves': { 'valid-moves': (sq, cls, out) => { if (cls === 1) out.push(sq); } },
  // chess piece classes are signed piece + 6; empty (6) is the masked class, and the main set also
  // masks a piece on its own starting square
  piece: {
    piece: (sq, cls, out) => out.push(sq * 13 + cls),
    'piece-masked-blank': (sq, cls, out) => { if (cls !== 6) out.push(sq * 13 + cls); },
    'piece-masked-blank-and-initial': (sq, cls, out) => { if (cls !== 6 && cls - 6 !== INITIAL[sq]) out.push(sq * 13 + cls); },
  },
};
const INITIAL = pieceArray(new Chess());

export function readProbe(path: string, d: number): { probe: ProbeWeights; kind: string } {
  try {
    return parseProbeFile(readBytes(path, 'probe'), path, d);
  } catch (e) {
    if (e instanceof ProbeFileError) throw new UsageError(`--probe ${e.message}`);
    throw e;
  }
}

/** `evaluated` picks the scored token rows of a game and their positions (all moves in Othello, the '.' characters in chess). */
export async function probeBaseline<G, P>(read: HookReader<G>, probe: ProbeWeights, kind: string, families: readonly BspFamily<P>[], test: G[],
  evaluated: (game: G) => { rows: number[]; positions: P[] }) {
  const usable = families.filter((f) => PROBE_PREDICTS[kind][f.id]);
  if (usable.length === 0) throw new UsageError(`a ${kind} probe predicts only ${Object.keys(PROBE_PREDICTS[kind]).join(', ')}: pick those with --bsp`);
  const positions: P[] = [];
  const argmax: Uint8Array[] = [];
  const d = probe.d;
  for (let s = 0; s < test.length; s += 32) {
    const chunk = test.slice(s, s + 32);
    const { x, lengths } = await read(chunk);
    const picked: number[] = [];
    let offset = 0;
    chunk.forEach((g, i) => {
      const e = evaluated(g);
      for (const r of e.rows) picked.push(offset + r);
      positions.push(...e.positions);
      offset += lengths[i];
    });
    const xs = new Float32Array(picked.length * d);
    picked.forEach((r, j) => xs.set(x.subarray(r * d, (r + 1) * d), j * d));
    argmax.push(probePredict(probe, xs, picked.length));
  }
  const cls = new Uint8Array(positions.length * 64);
  let o = 0;
  for (const a of argmax) { cls.set(a, o); o += a.length; }
  return usable.map((f) => {
    const map = PROBE_PREDICTS[kind][f.id];
    const r = predictionF1(propertyTable(f, positions), f.classes, (row, out) => { for (let sq = 0; sq < 64; sq++) map(sq, cls[row * 64 + sq], out); });
    return { id: f.id, name: f.name, board_reconstruction: r.f1, counts: r.counts, positions: positions.length };
  });
}
