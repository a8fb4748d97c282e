// Board-state property (BSP) families (spec 2): a function from a position to a 0/1 tensor of shape
// (R, R, C), flattened as index ((row * R) + col) * C + class. Metric code only ever sees the sparse
// list of positive entries per evaluated position, which is what makes counting cheap.

export interface BspFamily<P> {
  /** the paper's function name, e.g. games_batch_to_valid_moves_BLRRC */
  readonly name: string;
  /** short name used in the UI and on the command line */
  readonly id: string;
  readonly rows: 1 | 8;
  readonly classes: number;
  /** a class channel that is always zero (the paper keeps it in the coverage denominator) */
  readonly maskedClass?: number;
  /**
   * Every square has exactly one class set (before masking). Counting then skips class `exclude`
   * and derives it from the others (its count is "on" minus theirs); families with the same `base`
   * and `exclude` share one count.
   */
  readonly oneHot?: { exclude: number; base?: string };
  /** pushes the flat indices of the entries that are 1 at this position, in increasing order */
  positives(position: P, out: number[]): void;
}

export const familySize = (f: BspFamily<unknown>) => f.rows * f.rows * f.classes;

/** Positive entries of one family at every evaluated position, in CSR form. */
export interface PropertyTable {
  readonly family: string;
  readonly size: number;
  /** number of evaluated positions */
  readonly positions: number;
  /** [positions + 1] start of each position's run in `indices` */
  readonly offsets: Uint32Array;
  readonly indices: Uint16Array;
  /** [size] N(phi): positions where the entry is 1 */
  readonly totals: Uint32Array;
}

/** `skipClass`: leave out the entries of this class (the one-hot counting shortcut). */
export function propertyTable<P>(family: BspFamily<P>, positions: readonly P[], skipClass = -1): PropertyTable {
  const size = familySize(family as BspFamily<unknown>);
  const offsets = new Uint32Array(positions.length + 1);
  const all: number[] = [];
  const scratch: number[] = [];
  positions.forEach((p, x) => {
    scratch.length = 0;
    family.positives(p, scratch);
    for (const i of scratch) {
      if (!(i >= 0 && i < size)) throw new Error(`${family.name}: entry ${i} outside 0..${size - 1}`);
      if (i % family.classes !== skipClass) all.push(i);
    }
    offsets[x + 1] = all.length;
  });
  const indices = Uint16Array.from(all);
  const totals = new Uint32Array(size);
  for (const i of indices) totals[i]++;
  return { family: family.name, size, positions: positions.length, offsets, indices, totals };
}

/** Dense 0/1 matrix [positions, size]: the form the reference implementation loops over. */
export function denseProperties(t: PropertyTable): Uint8Array {
  const out = new Uint8Array(t.positions * t.size);
  for (let x = 0; x < t.positions; x++) for (let k = t.offsets[x]; k < t.offsets[x + 1]; k++) out[x * t.size + t.indices[k]] = 1;
  return out;
}
