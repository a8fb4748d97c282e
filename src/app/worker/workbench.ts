// What the page's worker computes, independent of how messages arrive (tested in Node): the model
// and SAE forward for a whole game on WebGPU (WGSL) or the CPU reference, probe readings, feature
// interventions, per-feature static views (decoder through the probe, direct logit effect) and the
// feature atlas on a sample of games. Othello games are move lists (outputs per square); chess
// games are transcripts (outputs per character of the 32-character vocabulary).
import { CHESS_KIT, OTHELLO_KIT, type AnyGameKit } from '../../games/kit';
import { tokenVectorToBoard } from '../../games/othello';
import type { GpuContext } from '../../gpu/context';
import { Kernels, type ShaderSource } from '../../gpu/kernels';
import { GpuModel } from '../../gpu/model-runner';
import { GpuSae } from '../../gpu/sae-runner';
import { recordedFit, saeFit, type SaeFit } from './sae-fit';
import { buildAtlas, type FeatureAtlas } from '../../metrics/atlas';
import { cpuForward, softmaxRows } from '../../model/cpu-forward';
import type { Model } from '../../model/weights';
import { cpuSae, saeEncode } from '../../sae/cpu';
import type { Sae } from '../../sae/types';
import { probeDirection, probeProbabilities, type ProbeKind } from '../../train/probe-file';
import { atlasGames } from './atlas-games';
import type { ProbeWeights } from '../../train/probe-trainer';

export type GameId = 'othello' | 'chess';
/** A game as the page holds it: Othello square indices, or a chess transcript. */
export type GameInput = number[] | string;

/** The probe the board overlays read: Othello mine-theirs-empty (3 classes), chess piece (13). */
export const BOARD_PROBE: Record<GameId, ProbeKind> = { othello: 'mine-theirs-empty', chess: 'piece' };
/**
 * Families the page's atlas scores: Othello mine/theirs/empty, occupied and legal moves; chess pieces
 * (empty included), occupied and the flags a user asks about first. Empty and occupied are scored so
 * that a feature about them is named after them, not after the colour or piece that scores best.
 */
export const ATLAS_FAMILIES: Record<GameId, readonly string[]> = {
  othello: ['mine-yours', 'occupied', 'valid-moves'],
  chess: ['piece', 'any-piece', 'check', 'can-check-next', 'has-queen', 'castling-rights', 'pin', 'any-fork', 'can-capture-queen'],
};

/** Fresh games (evaluation seed range) for the SAE fit check: a second on the CPU reference. */
const FIT_SEED = 7070;
const FIT_GAMES: Record<GameId, number> = { othello: 8, chess: 2 };

export interface LoadedAssets {
  game: GameId;
  model: Model;
  hook: string;
  sae?: Sae;
  probes: Array<{ kind: ProbeKind; probe: ProbeWeights }>;
  /** a shipped SAE's fit numbers from its ship script (assets.ts) */
  saeRecorded?: { fve: number; lossRecovered: number; positions: number; l0: number };
}

export interface GameAnalysis {
  /** positions analysed: min(tokens, n_ctx); Othello: position t is the board after move t; chess: character t */
  T: number;
  /** Othello: [T, 64] next-move probabilities by square after each move (NaN on the centre squares); chess: [T, 32] next-character probabilities */
  probs: Float32Array;
  /** SAE width, 0 without an SAE */
  F: number;
  /** [T, F] feature activations */
  acts: Float32Array;
  /** [T, 64, C] board probe probabilities (Othello C = 3: theirs, empty, mine; chess C = 13: signed piece + 6), empty without that probe */
  boardProbe: Float32Array;
  probeClasses: number;
  /** [T, 64] legal-move probe's probability that each square is legal, empty without that probe */
  legalProbe: Float32Array;
  backend: string;
  ms: number;
}

export type Edit = { feature: number; mode: 'ablate' | 'clamp'; value: number };

export interface InterventionResult {
  /** next-move probabilities at the position without and with the edits: Othello [64] by square, chess [32] by character */
  clean: Float32Array;
  patched: Float32Array;
  /** each edited feature's activation before the edit, at the position */
  before: number[];
}

export interface FeatureStatics {
  /** [F, 64, C] change of the board probe's logits per unit of each feature's decoder direction */
  probeDirection: Float32Array;
  probeClasses: number;
  /** direct logit effect per unit activation: Othello [F, 64] on each square's move (centre NaN); chess [F, 32] on each character */
  logitEffect: Float32Array;
  outputs: number;
}

export type Progress = (done: number, total: number) => void;

interface GpuConnection {
  model: GpuModel;
  sae?: GpuSae;
  adapterName: string;
  lost: boolean;
}

export type GpuFactory = () => Promise<GpuContext>;

/** Backend timings already taken in this worker, by model shape, SAE width and adapter. */
const MEASURED = new Map<string, { gpuMs: number; cpuMs: number; note: string }>();

export class Workbench {
  private conn?: GpuConnection;
  backend = 'CPU reference';
  gpuProblem?: string;

  private constructor(readonly assets: LoadedAssets, private readonly gpuFactory: GpuFactory | null, private readonly shaders: ShaderSource) {}

  /** Connects to the GPU when a factory is given; a failure leaves the CPU reference in charge, with the reason kept. */
  static async create(assets: LoadedAssets, gpuFactory: GpuFactory | null, shaders: ShaderSource, opts: { measure?: boolean } = {}): Promise<Workbench> {
    const wb = new Workbench(assets, gpuFactory, shaders);
    if (gpuFactory) {
      try {
        await wb.connect();
      } catch (e) {
        wb.gpuProblem = (e as Error).message;
      }
    } else {
      wb.gpuProblem = 'WebGPU is not available here (no navigator.gpu)';
    }
    if (wb.conn && opts.measure) await wb.measureBackends();
    return wb;
  }

  /** Set by measureBackends: one game's analysis is faster on the CPU reference than on this adapter. */
  private analyseOnCpu = false;
  /** What was measured, in words, for the status line. */
  backendNote?: string;

  /**
   * Times one full-length game's analysis (forward + SAE) on WebGPU (after a warm-up; best of 2)
   * and on the CPU reference (best of 2), and analyses moves on the faster: on a software adapter
   * a small model answers sooner on the CPU. Batches (the feature atlas) stay on the GPU.
   */
  private async measureBackends(): Promise<void> {
    const { nCtx, dVocab } = this.assets.model.config;
    // Measured once per model shape, SAE width and adapter in this worker: switching back and forth
    // between models or SAEs does not pay for it again (a chess-sized measurement takes seconds on a
    // software adapter).
    const key = `${JSON.stringify(this.assets.model.config)}|${this.assets.sae?.dSae ?? 0}|${this.backend}`;
    const known = MEASURED.get(key);
    if (known) { this.analyseOnCpu = known.cpuMs < known.gpuMs; this.backendNote = known.note; return; }
    const tokens = Array.from({ length: nCtx }, (_, i) => 1 + (i * 7) % (dVocab - 1));
    const time = async (cpu: boolean, reps: number) => {
      let best = Infinity;
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        const [{ x }] = await this.hookAndLogits([tokens], cpu);
        if (this.assets.sae) await this.encode(x, nCtx, cpu);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    await time(false, 1); // pipelines
    const gpuMs = await time(false, 2), cpuMs = await time(true, 2);
    this.analyseOnCpu = cpuMs < gpuMs;
    this.backendNote = `one ${nCtx}-token analysis took ${cpuMs.toFixed(0)} ms on the CPU reference and ${gpuMs.toFixed(0)} ms on ${this.backend}, ` +
      `so moves are analysed on ${this.analyseOnCpu ? 'the CPU reference' : this.backend}${this.analyseOnCpu ? ` and the feature atlas (batches) on ${this.backend}` : ''}`;
    MEASURED.set(key, { gpuMs, cpuMs, note: this.backendNote });
  }

  private async connect(): Promise<void> {
    const ctx = await this.gpuFactory!();
    const k = new Kernels(ctx, this.shaders);
    const conn: GpuConnection = { model: new GpuModel(k, this.assets.model), sae: this.assets.sae ? new GpuSae(k, this.assets.sae) : undefined, adapterName: ctx.adapterName, lost: false };
    void ctx.lost.then(() => { conn.lost = true; });
    this.conn = conn;
    this.backend = `WebGPU (${ctx.adapterName})`;
  }

  /** The GPU connection, re-created after a device loss; undefined when only the CPU is left. */
  private async gpu(): Promise<GpuConnection | undefined> {
    if (this.conn?.lost) {
      this.conn = undefined;
      try {
        await this.connect();
        this.gpuProblem = undefined;
      } catch (e) {
        this.backend = 'CPU reference';
        this.gpuProblem = `the GPU device was lost and could not be re-created (${(e as Error).message})`;
      }
    }
    return this.conn;
  }

  /** Model input of a game: its first n_ctx tokens. */
  tokens(game: GameInput): number[] {
    const nCtx = this.assets.model.config.nCtx;
    if (this.assets.game === 'chess') {
      if (typeof game !== 'string') throw new Error('a chess model reads a transcript');
      return CHESS_KIT.tokens(game, nCtx);
    }
    if (typeof game === 'string') throw new Error('an Othello model reads a list of moves');
    return OTHELLO_KIT.tokens(game, nCtx);
  }

  /** Next-token probabilities as the page shows them: by square (Othello) or by character (chess). */
  private outputs(logits: Float32Array): Float32Array {
    const V = this.assets.model.config.dVocab, p = softmaxRows(logits, V);
    return this.assets.game === 'chess' ? p : tokenVectorToBoard(p);
  }

  private async hookAndLogits(tokens: number[][], cpu = false): Promise<Array<{ x: Float32Array; logits: Float32Array }>> {
    const { model, hook } = this.assets;
    const conn = cpu ? undefined : await this.gpu();
    if (conn) {
      const r = await conn.model.forward(tokens, [hook]);
      return tokens.map((_, b) => ({ x: r.hooks.get(hook)![b], logits: r.logits[b] }));
    }
    return tokens.map((t) => {
      const r = cpuForward(model, t, { capture: [hook] });
      return { x: r.hooks.get(hook)!, logits: r.logits };
    });
  }

  private async encode(x: Float32Array, N: number, cpu = false): Promise<Float32Array> {
    const sae = this.assets.sae!;
    const conn = cpu ? undefined : await this.gpu();
    return conn?.sae ? (await conn.sae.run(x, N)).acts : cpuSae(sae, x, N).acts;
  }

  async analyze(game: GameInput): Promise<GameAnalysis> {
    const t0 = performance.now();
    const { model, sae, probes } = this.assets, V = model.config.dVocab, d = model.config.dModel;
    const tokens = this.tokens(game), T = tokens.length;
    const empty = new Float32Array(0);
    const board = probes.find((p) => p.kind === BOARD_PROBE[this.assets.game])?.probe;
    const C = board?.classes ?? 0;
    if (T === 0) return { T: 0, probs: empty, F: sae?.dSae ?? 0, acts: empty, boardProbe: empty, probeClasses: C, legalProbe: empty, backend: this.backend, ms: 0 };
    const [{ x, logits }] = await this.hookAndLogits([tokens], this.analyseOnCpu);
    const W = this.assets.game === 'chess' ? V : 64;
    const probs = new Float32Array(T * W);
    for (let t = 0; t < T; t++) probs.set(this.outputs(logits.subarray(t * V, (t + 1) * V)), t * W);
    const acts = sae ? await this.encode(x, T, this.analyseOnCpu) : empty;
    const legal = probes.find((p) => p.kind === 'legal-moves')?.probe;
    const boardProbe = board ? new Float32Array(T * 64 * C) : empty;
    const legalProbe = legal ? new Float32Array(T * 64) : empty;
    for (let t = 0; t < T; t++) {
      const xt = x.subarray(t * d, (t + 1) * d);
      if (board) boardProbe.set(probeProbabilities(board, xt), t * 64 * C);
      if (legal) {
        const p = probeProbabilities(legal, xt);
        for (let s = 0; s < 64; s++) legalProbe[t * 64 + s] = p[s * legal.classes + legal.classes - 1];
      }
    }
    return { T, probs, F: sae?.dSae ?? 0, acts, boardProbe, probeClasses: C, legalProbe, backend: this.analyseOnCpu ? 'CPU reference, measured faster here' : this.backend, ms: performance.now() - t0 };
  }

  /**
   * Next-move probabilities after move `position` with SAE features edited at every position up to
   * it: the hook keeps the SAE's error term, x' = x + sum over edits of (new - old) * W_dec[f]. The
   * patched forward runs on the CPU reference (4 small layers: milliseconds).
   */
  intervene(game: GameInput, position: number, edits: Edit[]): InterventionResult {
    const { model, sae, hook } = this.assets;
    if (!sae) throw new Error('interventions need an SAE: pick one first');
    for (const e of edits) {
      if (!Number.isInteger(e.feature) || e.feature < 0 || e.feature >= sae.dSae) throw new Error(`feature ${e.feature} is outside 0..${sae.dSae - 1}`);
      if (!Number.isFinite(e.value)) throw new Error(`feature ${e.feature}: the clamp value must be a number`);
    }
    const all = this.tokens(game);
    const T = Math.min(position + 1, all.length);
    if (T <= 0) throw new Error('play a move first: the model predicts from the moves so far');
    const tokens = all.slice(0, T), d = sae.dIn, V = model.config.dVocab;
    let before: number[] = [];
    const patch = (x: Float32Array) => {
      const out = x.slice();
      const acts = saeEncode(sae, x, T);
      for (let t = 0; t < T; t++) {
        for (const e of edits) {
          const old = acts[t * sae.dSae + e.feature];
          const delta = (e.mode === 'ablate' ? 0 : e.value) - old;
          for (let i = 0; i < d; i++) out[t * d + i] += delta * sae.wDec[e.feature * d + i];
        }
      }
      before = edits.map((e) => acts[(T - 1) * sae.dSae + e.feature]);
      return out;
    };
    const last = (logits: Float32Array) => this.outputs(logits.subarray((T - 1) * V, T * V));
    const clean = last(cpuForward(model, tokens).logits);
    const patched = last(cpuForward(model, tokens, { replace: new Map([[hook, patch]]) }).logits);
    return { clean, patched, before };
  }

  /** Per-feature views that need no game: decoder direction through the board probe, direct logit effect. */
  featureStatics(): FeatureStatics | null {
    const { sae, probes, model } = this.assets;
    if (!sae) return null;
    const d = sae.dIn, F = sae.dSae, V = model.config.dVocab, w = model.weights;
    const board = probes.find((p) => p.kind === BOARD_PROBE[this.assets.game])?.probe;
    const C = board?.classes ?? 0, chess = this.assets.game === 'chess', outputs = chess ? V : 64;
    const probeDir = new Float32Array(F * 64 * C);
    const logitEffect = new Float32Array(F * outputs);
    const dir = new Float32Array(d), tok = new Float32Array(V);
    for (let f = 0; f < F; f++) {
      const row = sae.wDec.subarray(f * d, (f + 1) * d);
      if (board) probeDir.set(probeDirection(board, row), f * 64 * C);
      // Final LayerNorm removes the mean and scales by lnF.w; its 1/sigma depends on the position, so the
      // effect is per unit of normalised residual (direct path only).
      let mean = 0;
      for (let i = 0; i < d; i++) mean += row[i];
      mean /= d;
      for (let i = 0; i < d; i++) dir[i] = (row[i] - mean) * w.lnFW[i];
      tok.fill(0);
      for (let i = 0; i < d; i++) for (let v = 0; v < V; v++) tok[v] += dir[i] * w.wU[i * V + v];
      logitEffect.set(chess ? tok : tokenVectorToBoard(tok), f * outputs);
    }
    return { probeDirection: probeDir, probeClasses: C, logitEffect, outputs };
  }

  /** The feature atlas on `count` seeded random games (the metrics' train seed), in batches with progress. */
  async atlas(count: number, seed: number, onProgress: Progress): Promise<{ atlas: FeatureAtlas; games: GameInput[] }> {
    const { sae, model, game } = this.assets;
    if (!sae) throw new Error('the feature atlas needs an SAE');
    const nCtx = model.config.nCtx, F = sae.dSae;
    const { games, evaluated } = atlasGames(game, seed, count, nCtx);
    const tokens = games.map((g) => this.tokens(g));
    const lengths = tokens.map((t) => t.length);
    const N = lengths.reduce((a, b) => a + b, 0);
    const acts = new Float32Array(N * F);
    const batch = 16;
    let row = 0;
    for (let s = 0; s < games.length; s += batch) {
      const part = await this.hookAndLogits(tokens.slice(s, s + batch));
      const n = lengths.slice(s, s + batch).reduce((a, b) => a + b, 0);
      const x = new Float32Array(n * sae.dIn);
      let r = 0;
      for (const p of part) { x.set(p.x, r * sae.dIn); r += p.x.length / sae.dIn; }
      acts.set(await this.encode(x, n), row * F);
      row += n;
      onProgress(Math.min(s + batch, games.length), games.length + 1);
    }
    // properties are scored where the metrics score them: every move (Othello), the '.' characters (chess)
    const kit = (game === 'chess' ? CHESS_KIT : OTHELLO_KIT) as unknown as AnyGameKit;
    const rows: number[] = [], positions: unknown[] = [];
    let offset = 0;
    evaluated.forEach((e, i) => {
      for (const r of e.rows) rows.push(offset + r);
      positions.push(...e.positions);
      offset += lengths[i];
    });
    const known = [...kit.families, ...kit.labelFamilies];
    const families = ATLAS_FAMILIES[game].map((id) => known.find((f) => f.id === id)!);
    const atlas = buildAtlas(acts, N, F, positions, families, rows);
    onProgress(games.length + 1, games.length + 1);
    return { atlas, games };
  }

  /**
   * Whether the SAE belongs to the model (sae-fit.ts): a shipped SAE in its own residual convention
   * by the numbers measured when it was shipped; any other by its reconstruction on a few fresh games.
   */
  saeFit(): SaeFit | undefined {
    const { sae, model, hook, game, saeRecorded } = this.assets;
    if (!sae) return undefined;
    if (saeRecorded) return recordedFit(hook, saeRecorded, sae.dSae);
    const kit = (game === 'chess' ? CHESS_KIT : OTHELLO_KIT) as unknown as AnyGameKit;
    const games = kit.evalGames(FIT_SEED, FIT_GAMES[game], model.config.nCtx) as GameInput[];
    return saeFit(model, sae, hook, games.map((g) => this.tokens(g)), sae.lmName);
  }

  destroy(): void {
    this.conn?.model.destroy();
    this.conn?.sae?.destroy();
  }
}
