// Feature activation normalisation (spec 3.2). A feature is "on at threshold t" at a position when
// its activation a > t * M_f (strict), with M_f its largest activation on a sample of the train split
// and t in {0, 0.1, ..., 1.0}. Because the thresholds are nested, one number per (position, feature)
// says everything: its level, the highest threshold index at which it is on (-1 when off).
// All arithmetic is float32, as in the paper's torch code, so ties at a threshold resolve the same.

/** torch.arange(0, 1.1, 0.1) in float32. */
export const THRESHOLDS: readonly number[] = Array.from({ length: 11 }, (_, i) => Math.fround(i * 0.1));
export const LEVELS = THRESHOLDS.length;

/** Alive features and their scale M_f from activations [N, F] (fired at least once = alive). */
export function featureScales(acts: Float32Array, N: number, F: number) {
  // M_f = |max a_f| (spec 3.2: the absolute value of the largest activation, not the largest
  // absolute value; they differ for MLP neurons, whose GELU outputs can be negative).
  const max = new Float32Array(F).fill(-Infinity);
  const fired = new Uint8Array(F);
  for (let x = 0; x < N; x++) {
    const row = x * F;
    for (let f = 0; f < F; f++) {
      const a = acts[row + f];
      if (a !== 0) {
        fired[f] = 1;
        if (a > max[f]) max[f] = a;
      }
    }
  }
  const alive: number[] = [];
  for (let f = 0; f < F; f++) if (fired[f]) alive.push(f);
  return { alive: Uint32Array.from(alive), scale: Float32Array.from(alive, (f) => Math.abs(max[f])) };
}

/** Per alive feature, the 11 float32 thresholds t * M_f, laid out [feature][level]. */
export function thresholdTable(scale: Float32Array): Float32Array {
  const out = new Float32Array(scale.length * LEVELS);
  scale.forEach((m, i) => THRESHOLDS.forEach((t, l) => { out[i * LEVELS + l] = Math.fround(t * m); }));
  return out;
}

/**
 * Sparse levels of the alive features at each position, CSR over positions: `feature` holds the
 * alive-list index (not the SAE id), `level` the highest threshold index at which it is on.
 */
export interface FeatureLevels {
  positions: number;
  features: number;
  offsets: Uint32Array;
  feature: Uint32Array;
  level: Uint8Array;
}

/** Builds levels batch by batch: `add` takes activations [n, F] over all SAE features. */
export class LevelsBuilder {
  private readonly thr: Float32Array;
  // Growable typed storage: tens of millions of entries for 1,000 games would not fit as JS arrays.
  private feat = new Uint32Array(1 << 16);
  private lvl = new Uint8Array(1 << 16);
  private used = 0;
  private offs: number[] = [0];

  constructor(private readonly alive: Uint32Array, scale: Float32Array, private readonly F: number) {
    this.thr = thresholdTable(scale);
  }

  /** acts [n, F]; `rows` picks the evaluated positions (all n when omitted). */
  add(acts: Float32Array, n: number, rows?: ArrayLike<number>): void {
    const { alive, thr, F } = this;
    const count = rows ? rows.length : n;
    for (let r = 0; r < count; r++) {
      const x = rows ? rows[r] : r;
      if (!(x >= 0 && x < n)) throw new Error(`evaluated row ${x} outside 0..${n - 1}`);
      const row = x * F;
      for (let i = 0; i < alive.length; i++) {
        const a = acts[row + alive[i]];
        const base = i * LEVELS;
        if (!(a > thr[base])) continue;
        let l = 0;
        while (l + 1 < LEVELS && a > thr[base + l + 1]) l++;
        if (this.used === this.feat.length) this.grow();
        this.feat[this.used] = i;
        this.lvl[this.used++] = l;
      }
      this.offs.push(this.used);
    }
  }

  private grow(): void {
    const feat = new Uint32Array(this.feat.length * 2), lvl = new Uint8Array(this.lvl.length * 2);
    feat.set(this.feat); lvl.set(this.lvl);
    this.feat = feat; this.lvl = lvl;
  }

  build(): FeatureLevels {
    return { positions: this.offs.length - 1, features: this.alive.length, offsets: Uint32Array.from(this.offs), feature: this.feat.slice(0, this.used), level: this.lvl.slice(0, this.used) };
  }
}
