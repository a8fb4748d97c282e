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
import { parseJsonLimited } from '../src/tensor/safe-json';
import { ConfigError, parseModelConfig } from '../src/model/config';
import { fromHfGpt2Config, isHfGpt2Config } from '../src/model/infer-config';
import { parseRunConfig, RunConfigError } from '../src/train/run-config';
import { ManifestError, parseManifest } from '../src/model/manifest';
import { PgnError, pgnToTranscript } from '../src/games/chess/pgn';
import { ChessTokenError } from '../src/games/chess/tokenizer';
import { NotationError, parseTranscript, replay } from '../src/games/othello/notation';
import { IllegalMoveError } from '../src/games/othello/board';
import { hashToView } from '../src/app/state/view';
import { GamesFileError, parseOthelloGamesFile } from '../src/games/othello/games-file';
import { ChessGamesFileError, parseChessGamesFile } from '../src/games/chess/games-file';
import { loadSaeFiles } from '../src/sae/formats';
import { SaeFormatError } from '../src/sae/types';
import { loadModelFile } from '../src/model/model-file';
import { WeightFormatError } from '../src/model/adapters';
import { NotesFileError, parseNotesFile } from '../src/app/panels/notes';

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

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (t: string) => new TextEncoder().encode(t);
/** JSON from bytes with the project's limits; a syntax error is a clean refusal like any other. */
class JsonInputError extends Error {}
function json(b: Uint8Array): unknown {
  try {
    return parseJsonLimited(text(b));
  } catch (e) {
    throw new JsonInputError((e as Error).message);
  }
}
const jsonFiles = (dir: string, match: RegExp) => filesUnder(dir, match, 1 << 20);

export const modelConfig: Harness = {
  name: 'model-config',
  seeds: () => [...jsonFiles(join(FIXTURES, 'torch-written'), /config\.json$/), ...jsonFiles(join(ROOT, 'public', 'models'), /^config\.json$/)],
  parse: (b) => { const j = json(b); if (isHfGpt2Config(j)) fromHfGpt2Config(j); else parseModelConfig(j); return []; },
  clean: (e) => e instanceof ConfigError || e instanceof JsonInputError,
};

export const runConfig: Harness = {
  name: 'run-config',
  seeds: () => jsonFiles(join(ROOT, 'configs'), /\.json$/),
  parse: (b) => { parseRunConfig(json(b)); return []; },
  clean: (e) => e instanceof RunConfigError || e instanceof JsonInputError,
};

export const manifest: Harness = {
  name: 'manifest',
  seeds: () => [new Uint8Array(readFileSync(join(ROOT, 'public', 'models', 'index.json')))],
  parse: (b) => { parseManifest(json(b)); return []; },
  clean: (e) => e instanceof ManifestError || e instanceof ConfigError || e instanceof JsonInputError,
};

export const pgn: Harness = {
  name: 'pgn',
  seeds: () => ['[Event "x"]\n[Site "y"]\n\n1. e4 {clock 0:01} e5 (1... c5 2. Nf3 (2. c3)) 2. Nf3 $1 Nc6 ; note\n3. Bb5 a6 4. Ba4 Nf6 5. O-O Be7 1-0',
    '1.d4 d5 2.c4 e6 3.Nc3 Nf6 4.Bg5 Be7 5.e3 O-O', ';1.e4 e5 2.Nf3 Nc6 3.Bc4 Bc5 4.c3 Nf6 5.d4 exd4 6.cxd4 Bb4+'].map(enc),
  parse: (b) => { pgnToTranscript(text(b)); return []; },
  clean: (e) => e instanceof PgnError || e instanceof ChessTokenError,
};

export const othelloMoves: Harness = {
  name: 'othello-moves',
  seeds: () => ['d3 c5 f6 f5 e6 e3 d6 c4', 'd3,c3,c4,e3,f4,c5', 'f5d6c3d3c4f4f6f3e6e7d7c5b6d8c6c7'].map(enc),
  parse: (b) => { replay(parseTranscript(text(b))); return []; },
  clean: (e) => e instanceof NotationError || e instanceof IllegalMoveError,
};

export const viewLink: Harness = {
  name: 'view-link',
  seeds: () => ['model=othello-gpt-default&sae=standard-c1.0&moves=d3c5f6&pos=2&feature=12&square=e6&overlay=feature&panel=dashboard&edits=3:ablate,5:2.5',
    'game=chess&pgn=1.e4%20e5%202.Nf3&pos=8&residual=raw&modelUrl=https%3A%2F%2Fexample.org%2Fm.pth', 'tour=square-feature&step=2'].map(enc),
  // hashToView never throws: every problem becomes a notice. Any exception is a crash.
  parse: (b) => { hashToView(text(b)); return []; },
  clean: () => false,
  neverThrows: true,
};

export const notesImport: Harness = {
  name: 'notes-import',
  seeds: () => [JSON.stringify({ notes: { 'othello-gpt-default/standard-c1.0/492': 'fires when e6 is legal', 'chess-gpt-default/topk-k16/575': 'rook on h1' } })].map(enc),
  parse: (b) => { parseNotesFile(text(b)); return []; },
  clean: (e) => e instanceof NotesFileError,
};

/** Several named files in one input: a length-prefixed bundle, so byte mutations reach every file. */
function bundle(files: Array<[string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of files) {
    const n = enc(name), head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, n.length, true);
    new DataView(head.buffer).setUint32(4, data.length, true);
    parts.push(head, n, data);
  }
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}
function unbundle(b: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>(), view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 0; at + 8 <= b.length && out.size < 8;) {
    const n = view.getUint32(at, true), len = view.getUint32(at + 4, true);
    if (at + 8 + n + len > b.length) break;
    out.set(text(b.subarray(at + 8, at + 8 + n)), b.subarray(at + 8 + n, at + 8 + n + len));
    at += 8 + n + len;
  }
  return out;
}
const small = (p: string) => existsSync(p) && statSync(p).size < (1 << 20);

export const saeFiles: Harness = {
  name: 'sae-files',
  seeds: () => {
    const folders = [join(FIXTURES, 'saelens-othello-6L128', 'L1_x8_512000'), ...['standard', 'gated', 'topk_2024-12'].map((k) => join(FIXTURES, 'torch-written', 'dl-saes-othello', `othello-trained_model-layer_1-${k}`, 'trainer0'))];
    return folders.filter(existsSync).map((f) => bundle(['cfg.json', 'sae_weights.safetensors', 'ae.pt', 'config.json'].filter((n) => small(join(f, n))).map((n) => [n, new Uint8Array(readFileSync(join(f, n)))])));
  },
  parse: (b) => { const s = loadSaeFiles(unbundle(b)); return [s.wEnc, s.wDec, s.bEnc, s.bDec]; },
  clean: (e) => e instanceof SaeFormatError || e instanceof SafetensorsError || e instanceof TorchFileError || e instanceof PickleError,
};

export const modelFiles: Harness = {
  name: 'model-files',
  seeds: () => ['mingpt-othello-small/final.pth', 'tl-othello-small/synthetic_model.pth', 'nanogpt-chess-small/lichess_2layers_ckpt_no_optimizer.pt', 'hf-gpt2-chess-small/model.safetensors']
    .map((f) => join(FIXTURES, 'torch-written', f)).filter(existsSync).map((f) => new Uint8Array(readFileSync(f))),
  parse: (b) => { const m = loadModelFile(b, { nHeads: 4 }); return [m.weights.wE, m.weights.wU]; },
  clean: (e) => e instanceof WeightFormatError || e instanceof ConfigError || e instanceof SafetensorsError || e instanceof TorchFileError || e instanceof PickleError,
  mutateStructured: torchCheckpoint.mutateStructured,
};

export const gamesFiles: Harness = {
  name: 'games-files',
  // Othello games files (moves or token ids, one game a line) and chess games files (PGN games or transcripts).
  seeds: () => ['d3 c5 f6 f5 e6 e3\nf5 d6 c3 d3 c4\n20,21,34,33\n', '[Event "a"]\n\n1. e4 e5 2. Nf3 Nc6 1-0\n\n[Event "b"]\n\n1. d4 d5 0-1\n', ';1.e4 e5 2.Nf3\n;1.d4 Nf6 2.c4\n'].map(enc),
  parse: (b) => { const t = text(b); (t.includes('.') ? parseChessGamesFile : parseOthelloGamesFile)(t, 10_000); return []; },
  clean: (e) => e instanceof GamesFileError || e instanceof ChessGamesFileError,
};

export const HARNESSES: Harness[] = [torchCheckpoint, safetensors, modelConfig, runConfig, manifest, pgn, othelloMoves, viewLink, notesImport, saeFiles, modelFiles, gamesFiles];
