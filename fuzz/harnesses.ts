// The parsers under fuzzing, with their seeds. Real files come from ../shared/fixtures/ and the
// shipped models; small hand-made ones keep each input cheap so a run covers many.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { readSafetensors, SafetensorsError } from '../src/tensor/safetensors';
import { PickleError } from '../src/tensor/pickle';
import { isTensor, readTorchCheckpoint, TorchFileError, type TorchValue } from '../src/tensor/torch-checkpoint';
import { mutate, type Harness } from './harness';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, '..', 'shared', 'fixtures');

function filesUnder(dir: string, match: RegExp, maxBytes: number): Uint8Array[] {
  if (!existsSync(dir)) return [];
  const out: Uint8Array[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (match.test(n) && statSync(p).size <= maxBytes) out.push(new Uint8Array(readFileSync(p)));
    }
  };
  walk(dir);
  return out;
}

/** Every typed array reachable in a checkpoint's value (shared values visited once). */
function tensorsOf(v: TorchValue, out: ArrayBufferView[] = [], seen = new Set<object>()): ArrayBufferView[] {
  if (typeof v !== 'object' || v === null || seen.has(v)) return out;
  seen.add(v);
  if (isTensor(v)) out.push(v.data);
  else if (Array.isArray(v)) v.forEach((x) => tensorsOf(x, out, seen));
  else Object.values(v).forEach((x) => tensorsOf(x, out, seen));
  return out;
}

export const torchCheckpoint: Harness = {
  name: 'torch-checkpoint',
  seeds: () => filesUnder(FIXTURES, /\.(pt|pth|bin)$/, 1 << 20),
  parse: (b) => tensorsOf(readTorchCheckpoint(b).root),
  clean: (e) => e instanceof TorchFileError || e instanceof PickleError,
  // Mutate data.pkl inside a valid zip, so the pickle reader itself is exercised.
  mutateStructured: (seed, rng) => {
    if (seed[0] !== 0x50) return undefined;
    try {
      const entries = unzipSync(seed);
      const pkl = Object.keys(entries).find((n) => n.endsWith('/data.pkl'));
      if (!pkl) return undefined;
      entries[pkl] = mutate(entries[pkl], rng) as Uint8Array<ArrayBuffer>;
      return zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])));
    } catch {
      return undefined;
    }
  },
};

export const safetensors: Harness = {
  name: 'safetensors',
  seeds: () => [...filesUnder(FIXTURES, /\.safetensors$/, 1 << 20), ...filesUnder(join(ROOT, 'public', 'models'), /\.safetensors$/, 1 << 19)],
  parse: (b) => [...readSafetensors(b).tensors.values()].map((t) => t.data),
  clean: (e) => e instanceof SafetensorsError,
};

export const HARNESSES: Harness[] = [torchCheckpoint, safetensors];
