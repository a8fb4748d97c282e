// Mutation fuzzing of the parsers of untrusted files. Each harness names its seeds (real files and
// small hand-made ones), its parse function and which errors are clean refusals. Every input is
// classified: accepted, cleanly rejected, crash (any other exception), hang (over 1 s), or blow-up
// (more output memory than 16x the input plus 1 MiB). Crashing and hanging inputs are saved to
// fuzz/corpus/<harness>/ where tests/fuzz-corpus.test.ts replays them.
import { mulberry32 } from '../src/games/othello/generator';

export interface Harness {
  name: string;
  seeds: () => Uint8Array[];
  /** parses one input; returns the typed arrays it produced (for the memory bound) */
  parse: (bytes: Uint8Array) => ArrayBufferView[];
  /** a refusal with a clear message, as opposed to a crash */
  clean: (e: unknown) => boolean;
  /** a parser that reports problems without throwing (the link reader): every input is accepted */
  neverThrows?: boolean;
  /** optional structure-aware mutation (e.g. mutate the pickle inside a zip and zip it again) */
  mutateStructured?: (seed: Uint8Array, rng: () => number) => Uint8Array | undefined;
}

export type Outcome = 'accepted' | 'rejected' | 'crash' | 'hang' | 'blowup';

export interface FuzzReport {
  harness: string;
  inputs: number;
  counts: Record<Outcome, number>;
  slowestMs: number;
  findings: Array<{ outcome: Outcome; message: string; input: Uint8Array }>;
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 40, -1];

/** One random mutation of a byte string. */
export function mutate(src: Uint8Array, rng: () => number): Uint8Array {
  const r = (n: number) => Math.floor(rng() * n);
  let b: Uint8Array = src.slice();
  const rounds = 1 + r(4);
  for (let k = 0; k < rounds; k++) {
    if (b.length === 0) b = new Uint8Array([r(256)]);
    const at = r(b.length);
    switch (r(8)) {
      case 0: b[at] ^= 1 << r(8); break; // bit flip
      case 1: b[at] = [0, 0xff, 0x7f, 0x80, 0x0a, 0x2e, 0x28][r(7)]; break; // interesting byte
      case 2: { // interesting 32/64-bit little-endian value
        const v = INTERESTING[r(INTERESTING.length)];
        const big = BigInt.asUintN(64, BigInt(Math.trunc(v)));
        for (let i = 0; i < (r(2) ? 4 : 8) && at + i < b.length; i++) b[at + i] = Number((big >> BigInt(8 * i)) & 255n);
        break;
      }
      case 3: b = b.slice(0, at); break; // truncate
      case 4: { const n = 1 + r(64); b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + n))); break; } // delete
      case 5: { const n = 1 + r(64); const from = r(b.length); b = concat(b.subarray(0, at), b.subarray(from, from + n), b.subarray(at)); break; } // duplicate a chunk
      case 6: { const n = 1 + r(16); b = concat(b.subarray(0, at), Uint8Array.from({ length: n }, () => r(256)), b.subarray(at)); break; } // insert random
      default: { const n = 1 + r(4096); b = concat(b.subarray(0, at), new Uint8Array(n).fill(b[at]), b.subarray(at)); break; } // long run of one byte
    }
  }
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Shared memory a watchdog thread reads (see watchdog.ts): a counter, the input's length, the input. */
export interface WatchdogSlot { head: Int32Array; bytes: Uint8Array }

export function runHarness(h: Harness, count: number, seed: number, onProgress?: (done: number) => void, watchdog?: WatchdogSlot): FuzzReport {
  const rng = mulberry32(seed);
  const seeds = h.seeds();
  const counts: Record<Outcome, number> = { accepted: 0, rejected: 0, crash: 0, hang: 0, blowup: 0 };
  const findings: FuzzReport['findings'] = [];
  let slowestMs = 0;
  for (let i = 0; i < count; i++) {
    const base = seeds[Math.floor(rng() * seeds.length)];
    // A tenth of the inputs are the seeds' structured mutations, a few pure noise, the rest byte mutations.
    const pick = rng();
    const input = (pick < 0.1 && h.mutateStructured?.(base, rng)) || (pick > 0.98 ? Uint8Array.from({ length: Math.floor(rng() * 512) }, () => Math.floor(rng() * 256)) : mutate(base, rng));
    if (watchdog && input.length <= watchdog.bytes.length) {
      watchdog.bytes.set(input);
      Atomics.store(watchdog.head, 1, input.length);
      Atomics.add(watchdog.head, 0, 1);
    }
    const t0 = performance.now();
    let outcome: Outcome, message = '';
    try {
      const out = h.parse(input);
      const buffers = new Set(out.map((v) => v.buffer));
      const bytes = [...buffers].reduce((n, b) => n + b.byteLength, 0);
      outcome = bytes > 16 * input.length + (1 << 20) ? 'blowup' : 'accepted';
      if (outcome === 'blowup') message = `${bytes} bytes of output from ${input.length} bytes of input`;
    } catch (e) {
      outcome = h.clean(e) ? 'rejected' : 'crash';
      message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      // A clean refusal is still one line and quotes at most ~200 characters of anything.
      if (outcome === 'rejected' && (message.includes('\n') || message.length > 400)) { outcome = 'crash'; message = `not a one-line error: ${JSON.stringify(message.slice(0, 200))}`; }
    }
    const ms = performance.now() - t0;
    slowestMs = Math.max(slowestMs, ms);
    if (ms > 1000 && outcome !== 'crash') { outcome = 'hang'; message = `${ms.toFixed(0)} ms`; }
    counts[outcome]++;
    if ((outcome === 'crash' || outcome === 'hang' || outcome === 'blowup') && findings.length < 50) findings.push({ outcome, message, input });
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
  }
  return { harness: h.name, inputs: count, counts, slowestMs, findings };
}
