// Unsupervised dictionary metrics (spec 3.6) accumulated batch by batch: L0 over every token
// position, and, for dictionaries with a reconstruction, the fraction of variance explained
// (1 - sum_d Var(x - x_hat) / sum_d Var(x)) and the mean l2 ratio |x_hat| / |x|.
import type { EncodedGames } from './suite';

export class ReconstructionStats {
  private active = 0;
  private n = 0;
  private d = 0;
  private sum = new Float64Array(0);
  private sq = new Float64Array(0);
  private sumErr = new Float64Array(0);
  private sqErr = new Float64Array(0);
  private ratio = 0;
  private withRecon = true;

  constructor(private readonly features: number) {}

  add(enc: EncodedGames): void {
    const F = this.features;
    for (let i = 0; i < enc.n * F; i++) if (enc.acts[i] !== 0) this.active++;
    this.n += enc.n;
    if (!enc.x || !enc.recon) { this.withRecon = false; return; }
    const d = enc.x.length / enc.n;
    if (this.d === 0) {
      this.d = d;
      this.sum = new Float64Array(d); this.sq = new Float64Array(d);
      this.sumErr = new Float64Array(d); this.sqErr = new Float64Array(d);
    }
    for (let r = 0; r < enc.n; r++) {
      let nx = 0, nr = 0;
      for (let j = 0; j < d; j++) {
        const x = enc.x[r * d + j], y = enc.recon[r * d + j], e = x - y;
        this.sum[j] += x; this.sq[j] += x * x;
        this.sumErr[j] += e; this.sqErr[j] += e * e;
        nx += x * x; nr += y * y;
      }
      this.ratio += Math.sqrt(nr) / Math.sqrt(nx);
    }
  }

  result(): { l0: number; fve: number | null; l2Ratio: number | null } {
    const l0 = this.active / this.n;
    if (!this.withRecon || this.d === 0) return { l0, fve: null, l2Ratio: null };
    let varX = 0, varE = 0;
    for (let j = 0; j < this.d; j++) {
      varX += this.sq[j] / this.n - (this.sum[j] / this.n) ** 2;
      varE += this.sqErr[j] / this.n - (this.sumErr[j] / this.n) ** 2;
    }
    return { l0, fve: 1 - varE / varX, l2Ratio: this.ratio / this.n };
  }
}
