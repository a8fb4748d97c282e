// safetensors reader and writer (https://huggingface.co/docs/safetensors format):
// 8-byte little-endian header length N, N bytes of UTF-8 JSON {name: {dtype, shape, data_offsets}},
// then the raw little-endian tensor bytes. Every size and offset is checked before use: these
// files come from users.
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './dtype';
import { numel, type Tensor } from './tensor';
import { parseJsonLimited, quote } from './safe-json';

/** Most tensors a header may list, and the largest dimension and rank of one. */
const MAX_TENSORS = 100_000, MAX_DIM = 2 ** 31 - 1, MAX_RANK = 8;

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
// Integer and bool tensors are read too: checkpoints carry buffers such as TransformerLens' bool attn.mask.
const READABLE = new Set(['F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'F64']);
/** Headers above this size are refused (the format's own reference limit is 100 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  /** original dtype per tensor */
  dtypes: Map<string, string>;
  metadata: Record<string, string>;
}

export function readSafetensors(bytes: Uint8Array, what = 'file'): SafetensorsFile {
  const fail = (msg: string): never => { throw new SafetensorsError(`${what}: ${msg}`); };
  if (bytes.byteLength < 8) fail(`too short to be safetensors (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    fail(`header length ${headerLen} does not fit in the file (${bytes.byteLength} bytes)`);
  }
  const n = Number(headerLen);
  let header: unknown;
  try {
    header = parseJsonLimited(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    return fail(`header is not valid UTF-8 JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.byteLength - dataStart;
  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, string>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number]> = [];
  const entries = Object.entries(header as Record<string, unknown>);
  if (entries.length > MAX_TENSORS + 1) fail(`the header lists ${entries.length} tensors, more than the ${MAX_TENSORS} accepted`);
  for (const [key, entry] of entries) {
    if (key === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('__metadata__ is not an object');
      // The format's metadata maps strings to strings; anything else is refused, not stringified.
      for (const [k, v] of Object.entries(entry as object)) if (typeof v !== 'string') fail(`__metadata__ ${quote(k)} is not a string`);
      metadata = Object.fromEntries(Object.entries(entry as Record<string, string>));
      continue;
    }
    const name = quote(key);
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(`entry ${name} is not an object`);
    const { dtype, shape, data_offsets: offs } = e;
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype)) fail(`tensor ${name} has unknown dtype ${typeof dtype === 'string' ? quote(dtype) : typeof dtype}`);
    if (!READABLE.has(dtype as string)) fail(`tensor ${name} has dtype ${dtype}, which this reader does not convert`);
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0 && d <= MAX_DIM)) fail(`tensor ${name} has a bad shape (at most ${MAX_RANK} dimensions of at most ${MAX_DIM})`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor ${name} has bad data_offsets`);
    }
    const [begin, end] = offs as [number, number];
    const count = numel(shape as number[]);
    if (end < begin || end > dataLen) fail(`tensor ${name} data_offsets [${begin}, ${end}] fall outside the ${dataLen} data bytes`);
    if (end - begin !== count * DTYPE_BYTES[dtype as string]) {
      fail(`tensor ${name} has ${end - begin} bytes but shape [${shape}] of ${dtype} needs ${count * DTYPE_BYTES[dtype as string]}`);
    }
    spans.push([begin, end]);
    tensors.set(key, { shape: [...(shape as number[])], data: decode(bytes, dataStart + begin, count, dtype as string) });
    dtypes.set(key, dtype as string);
  }
  // As the format's reference reader: the tensors tile the data section exactly, with no overlap,
  // no gap and nothing after the last one (a file with junk appended is refused, not half-read).
  spans.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [b, e] of spans) {
    if (b < at) fail('tensors overlap in the data section');
    if (b > at) fail(`${b - at} bytes at data offset ${at} belong to no tensor (the format allows no gaps)`);
    at = e;
  }
  if (at !== dataLen) fail(`${dataLen - at} bytes after the last tensor (the format allows nothing there)`);
  return { tensors, dtypes, metadata };
}

function decode(bytes: Uint8Array, start: number, count: number, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * DTYPE_BYTES[dtype]);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      if ((bytes.byteOffset + start) % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset + start, count));
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F16': for (let i = 0; i < count; i++) out[i] = f16ToF32(view.getUint16(i * 2, true)); break;
    case 'BF16': for (let i = 0; i < count; i++) out[i] = bf16ToF32(view.getUint16(i * 2, true)); break;
    case 'F64': for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true); break;
    case 'I32': for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true); break;
    case 'I64': for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true)); break;
    case 'I16': for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true); break;
    case 'I8': for (let i = 0; i < count; i++) out[i] = view.getInt8(i); break;
    default: for (let i = 0; i < count; i++) out[i] = view.getUint8(i); break; // U8, BOOL
  }
  return out;
}

/** Writes tensors in insertion order, each stored as `dtype` (F32 by default). */
export function writeSafetensors(
  tensors: Iterable<[string, Tensor]>,
  options: { dtype?: SafetensorsDtype | ((name: string) => SafetensorsDtype); metadata?: Record<string, string> } = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  const parts: Array<{ t: Tensor; dtype: SafetensorsDtype; offset: number }> = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.data.length !== numel(t.shape)) throw new SafetensorsError(`tensor "${name}": ${t.data.length} values for shape [${t.shape}]`);
    const dtype = typeof options.dtype === 'function' ? options.dtype(name) : options.dtype ?? 'F32';
    const size = t.data.length * DTYPE_BYTES[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    parts.push({ t, dtype, offset });
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8); // align data to 8 bytes
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const base = 8 + headerBytes.length;
  for (const { t, dtype, offset: o } of parts) {
    const d = t.data;
    if (dtype === 'F32') for (let i = 0; i < d.length; i++) view.setFloat32(base + o + i * 4, d[i], true);
    else if (dtype === 'F16') for (let i = 0; i < d.length; i++) view.setUint16(base + o + i * 2, f32ToF16(d[i]), true);
    else for (let i = 0; i < d.length; i++) view.setUint16(base + o + i * 2, f32ToBf16(d[i]), true);
  }
  return out;
}
