import { describe, expect, it } from 'vitest';
import { readSafetensors, SafetensorsError, writeSafetensors } from '../src/tensor/safetensors';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '../src/tensor/dtype';

const header = (obj: unknown, data = new Uint8Array(0)) => {
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
};

describe('dtype conversions', () => {
  it('round-trips f16 and bf16 on representable values and rounds to nearest even', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -6.103515625e-5, 2 ** -14, 2 ** -24]) expect(f16ToF32(f32ToF16(v))).toBe(v);
    for (const v of [0, 1, -2, 0.5, 3.140625, -(2 ** 100)]) expect(bf16ToF32(f32ToBf16(v))).toBe(v);
    expect(bf16ToF32(f32ToBf16(1 + 2 ** -8))).toBe(1); // tie rounds to even
    expect(bf16ToF32(f32ToBf16(1 + 3 * 2 ** -9))).toBe(1 + 2 ** -7);
    expect(f16ToF32(f32ToF16(1 + 2 ** -11))).toBe(1); // tie rounds to even
    expect(f16ToF32(f32ToF16(1e6))).toBe(Infinity);
    expect(Number.isNaN(f16ToF32(f32ToF16(NaN)))).toBe(true);
  });
});

describe('safetensors', () => {
  it('writes and reads F32, F16 and BF16 with metadata', () => {
    const a = { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const b = { shape: [4], data: Float32Array.from([0.5, -1, 2, 1024]) };
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const bytes = writeSafetensors([['a', a], ['b', b]], { dtype, metadata: { format: 'pt' } });
      const file = readSafetensors(bytes);
      expect(file.tensors.get('a')).toEqual(a);
      expect(file.tensors.get('b')).toEqual(b);
      expect(file.dtypes.get('a')).toBe(dtype);
      expect(file.metadata).toEqual({ format: 'pt' });
    }
  });

  it('rejects truncated, oversized, non-JSON and inconsistent files with clear errors', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(4), /too short/],
      [(() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 10n ** 12n, true); return b; })(), /header length/],
      [(() => { const b = new Uint8Array(12); new DataView(b.buffer).setBigUint64(0, 4n, true); b.set([0xff, 0xfe, 0x7b, 0x7d], 8); return b; })(), /not valid UTF-8 JSON/],
      [header([1, 2]), /not a JSON object/],
      [header({ x: { dtype: 'F99', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unknown dtype/],
      [header({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), /needs 8/],
      [header({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(4)), /fall outside/],
      [header({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /bad shape/],
      [header({ x: { dtype: 'F32', shape: [1], data_offsets: [4] } }, new Uint8Array(4)), /bad data_offsets/],
      [header({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlap/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
      expect(() => readSafetensors(bytes)).toThrow(message);
    }
  });
});

describe('safetensors: what fuzzing and hostile files showed', () => {
  const file = (header: unknown, data = new Uint8Array(0)) => {
    const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  };
  const refuse = (bytes: Uint8Array, re: RegExp) => {
    let msg = '';
    try { readSafetensors(bytes, 'f'); } catch (e) { msg = (e as Error).message; }
    expect(msg).toMatch(re);
    expect(msg).not.toContain('\n');
  };
  it('deep nesting, huge zero-size shapes, trailing bytes, gaps, non-string metadata, forged names', () => {
    const t0 = performance.now();
    refuse(file(`{"a":${'['.repeat(100_000)}`), /nested deeper than 64/);
    expect(performance.now() - t0).toBeLessThan(500);
    refuse(file({ w: { dtype: 'F32', shape: [2 ** 40, 0], data_offsets: [0, 0] } }), /bad shape/);
    refuse(file({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /4 bytes after the last tensor/);
    refuse(file({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /4 bytes at data offset 0 belong to no tensor/);
    refuse(file({ __metadata__: { step: { toString: 1 } } }), /__metadata__ "step" is not a string/);
    refuse(file({ 'w\nat Object.<anonymous> (/x.js:1:1)': { dtype: 'F99', shape: [], data_offsets: [0, 0] } }), /tensor "w\\nat Object/);
    refuse(file({ w: { dtype: 'F32\nat x'.padEnd(100000, 'x'), shape: [], data_offsets: [0, 0] } }), /unknown dtype "F32\\nat x{70}/);
  });
});
