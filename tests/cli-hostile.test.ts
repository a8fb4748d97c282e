// The CLI on a set of hostile files (the ones an outside fuzzing run used): each ends in exit code 2
// with one line on stderr, quickly, never "internal error", never a stack trace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../src/tensor/safetensors';
import { cli } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (name: string, data: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, data); return p; };
const model = put('m.safetensors', writeSafetensors([['embed.W_E', { shape: [61, 4], data: new Float32Array(244) }]]));
const header = (h: unknown) => {
  const t = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + t.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(t.length), true);
  out.set(t, 8);
  return out;
};

describe('hostile files through the CLI', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a deeply nested config', () => ['forward', '--model', model, '--config', put('deep.json', `{"n_layers":${'['.repeat(100000)}`), '--game', 'othello', '--tokens', '20', '--out', join(dir, 'o')], /not valid JSON|nested deeper/],
    ['a 70-byte config asking for d_model 134217728', () => ['forward', '--model', model, '--config', put('big.json', '{"n_layers":1,"d_model":134217728,"n_heads":1,"d_vocab":61,"n_ctx":59,"normalization_type":"LNPre"}'), '--game', 'othello', '--tokens', '20', '--out', join(dir, 'o')], /"d_model" is 134217728, above the 16384/],
    ['init-model with a huge model', () => ['init-model', '--config', put('huge.json', '{"n_layers":256,"d_model":16384,"n_heads":256,"d_vocab":61,"n_ctx":59}'), '--seed', '1', '--out', join(dir, 'init')], /parameters, above the/],
    ['eps 1e400', () => ['forward', '--model', model, '--config', put('eps.json', '{"n_layers":1,"d_model":4,"n_heads":1,"d_vocab":61,"n_ctx":59,"eps":1e400}'), '--game', 'othello', '--tokens', '20', '--out', join(dir, 'o')], /"eps" must be a number in \(0, 1\]/],
    ['act_fn "toString"', () => ['forward', '--model', model, '--config', put('act.json', '{"n_layers":1,"d_model":4,"n_heads":1,"d_vocab":61,"n_ctx":59,"act_fn":"toString"}'), '--game', 'othello', '--tokens', '20', '--out', join(dir, 'o')], /act_fn "toString" is not supported/],
    ['a safetensors __metadata__ holding an object', () => ['forward', '--model', put('meta.safetensors', header({ __metadata__: { a: { toString: 1 } } })), '--game', 'othello', '--tokens', '20', '--out', join(dir, 'o')], /__metadata__ "a" is not a string/],
    ['an SAE tensor of shape [2^40, 0]', () => { const d = join(dir, 'sae'); mkdirSync(d, { recursive: true }); writeFileSync(join(d, 'ae.safetensors'), header({ 'encoder.weight': { dtype: 'F32', shape: [2 ** 40, 0], data_offsets: [0, 0] } })); return ['forward', '--model', join(__dirname, '..', 'public', 'models', 'othello-gpt-default', 'model.safetensors'), '--sae', d, '--game', 'othello', '--tokens', '20', '--backend', 'cpu', '--out', join(dir, 'o')]; }, /encoder\.weight.*bad shape/],
    ['a PGN of 120,000 braces', () => ['forward', '--model', model, '--game', 'chess', '--pgn', `1. e4 ${'{'.repeat(120000)}`, '--out', join(dir, 'o')], /./],
    ['an Othello transcript with 100,000 spaces', () => ['forward', '--model', model, '--game', 'othello', '--moves', `d3${' '.repeat(100000)}#`, '--out', join(dir, 'o')], /./],
  ];
  for (const [label, args, message] of cases) {
    it(label, async () => {
      const t0 = performance.now();
      const r = await cli(...args());
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Warning:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(message);
      expect(performance.now() - t0).toBeLessThan(15_000);
    });
  }
});
