// `metrics --probe`: the linear-probe baseline, scored with the SAEs' board-reconstruction F1 on the
// test split (coverage is not defined for a probe).
import type { BspFamily } from '../metrics/bsp';
import { propertyTable } from '../metrics/bsp';
import { predictionF1 } from '../metrics/probe-baseline';
import { probePredict, type ProbeWeights } from '../train/probe-trainer';
import type { HookReader } from '../metrics/sources';
import { othelloPositions, type OthelloPosition } from '../games/othello/bsp';
import { parseProbeFile, ProbeFileError } from '../train/probe-file';
import { UsageError } from './args';
import { readBytes } from './files';

/** How a probe's per-square classes map onto a family's entries, for the families it can predict. */
const PREDICTS: Record<string, Record<string, (sq: number, cls: number, out: number[]) => void>> = {
  'mine-theirs-empty': {
    'mine-yours': (sq, cls, out) => out.push(sq * 3 + cls),
    'mine-yours-blank-mask': (sq, cls, out) => { if (cls !== 1) out.push(sq * 3 + cls); },
  },
  'legal-moves': { 'valid-moves': (sq, cls, out) => { if (cls === 1) out.push(sq); } },
};

export function readProbe(path: string, d: number): { probe: ProbeWeights; kind: string } {
  try {
    return parseProbeFile(readBytes(path, 'probe'), path, d);
  } catch (e) {
    if (e instanceof ProbeFileError) throw new UsageError(`--probe ${e.message}`);
    throw e;
  }
}

export async function probeBaseline(read: HookReader, probe: ProbeWeights, kind: string, families: BspFamily<OthelloPosition>[], test: number[][], nCtx: number) {
  const usable = families.filter((f) => PREDICTS[kind][f.id]);
  if (usable.length === 0) throw new UsageError(`a ${kind} probe predicts only ${Object.keys(PREDICTS[kind]).join(', ')}: pick those with --bsp`);
  const positions: OthelloPosition[] = [];
  const argmax: Uint8Array[] = [];
  for (let s = 0; s < test.length; s += 32) {
    const chunk = test.slice(s, s + 32);
    const { x, n } = await read(chunk);
    argmax.push(probePredict(probe, x, n));
    for (const g of chunk) positions.push(...othelloPositions(g, nCtx));
  }
  const cls = new Uint8Array(positions.length * 64);
  let o = 0;
  for (const a of argmax) { cls.set(a, o); o += a.length; }
  return usable.map((f) => {
    const map = PREDICTS[kind][f.id];
    const r = predictionF1(propertyTable(f, positions), f.classes, (row, out) => { for (let sq = 0; sq < 64; sq++) map(sq, cls[row * 64 + sq], out); });
    return { id: f.id, name: f.name, board_reconstruction: r.f1, counts: r.counts, positions: positions.length };
  });
}
