// PyTorch checkpoints (`torch.save`) read safely: the zip format (torch >= 1.6: `<name>/data.pkl`,
// `<name>/data/<key>` storages stored uncompressed, `<name>/version`) and the legacy format (a
// sequence of pickles, then each storage as an 8-byte element count and its raw bytes). The pickles
// go through the restricted reader in pickle.ts; storages are checked against the file's size before
// any allocation; tensors honour offset and stride, share storages (tied weights are read once), and
// come out as float32 (float16 / bfloat16 / integers / bools converted).
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { bf16ToF32, f16ToF32 } from './dtype';
import { DTYPE_BYTES, PickleError, PyDict, PyTuple, quote, readPickle, storageFromPid, StorageRef, TensorRef, type PyValue, type TorchDtype } from './pickle';
import type { Tensor } from './tensor';

export class TorchFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TorchFileError';
  }
}

/** A checkpoint's content: plain values (dicts as objects, tuples as arrays) with tensors in place. */
export type TorchValue = null | boolean | number | bigint | string | Tensor | TorchValue[] | { [key: string]: TorchValue };

export interface TorchCheckpoint {
  /** the unpickled object, tensors materialised */
  root: TorchValue;
  /** 'zip' or 'legacy' */
  container: 'zip' | 'legacy';
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
/** Most tensors (and so distinct storages) a checkpoint may hold: far above any real one. */
const MAX_STORAGES = 100_000;

export const isTorchZip = (b: Uint8Array) => b.length >= 4 && ZIP_MAGIC.every((v, i) => b[i] === v);
/** A legacy torch file starts with a pickle (PROTO 2) of the LONG1 magic number. */
export const isTorchLegacy = (b: Uint8Array) => b.length >= 4 && b[0] === 0x80 && b[1] === 0x02 && b[2] === 0x8a && b[3] === 0x0a;

export function readTorchCheckpoint(bytes: Uint8Array, what = 'checkpoint'): TorchCheckpoint {
  const fail = (msg: string): never => { throw new TorchFileError(`${what}: ${msg}`); };
  try {
    if (isTorchZip(bytes)) return { root: readZip(bytes, what, fail), container: 'zip' };
    if (isTorchLegacy(bytes)) return { root: readLegacy(bytes, what, fail), container: 'legacy' };
  } catch (e) {
    if (e instanceof PickleError) throw new TorchFileError(e.message);
    throw e;
  }
  return fail('not a PyTorch checkpoint (neither a torch zip file nor the legacy format)');
}

/**
 * The zip's end-of-central-directory records, read as fflate reads them, checked before fflate
 * walks the directory: a forged entry count (zip64 allows 2^32) would otherwise make it loop for
 * hours over nothing. Every central-directory entry takes at least 46 bytes of the file.
 */
function checkZipDirectory(b: Uint8Array, fail: (m: string) => never): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (o: number) => (o >= 0 && o + 4 <= b.length ? view.getUint32(o, true) : -1);
  let e = b.length - 22;
  while (e > 0 && u32(e) !== 0x06054b50 && b.length - e <= 65558) e--;
  if (e <= 0 || u32(e) !== 0x06054b50) fail('not a readable zip file (no end-of-central-directory record)');
  let count = view.getUint16(e + 8, true), offset = u32(e + 16);
  if (u32(e - 20) === 0x07064b50) {
    const z = u32(e - 12);
    if (u32(z) === 0x06064b50) {
      count = u32(z + 32);
      offset = u32(z + 48);
      if (u32(z + 36) !== 0 || u32(z + 52) !== 0) fail('zip64 sizes beyond 4 GiB');
    }
  }
  if (count < 0 || offset < 0 || offset > b.length || count * 46 > b.length - offset) fail(`the zip directory claims ${count} entries, more than the file can hold`);
}

function readZip(bytes: Uint8Array, what: string, fail: (m: string) => never): TorchValue {
  let entries: Record<string, Uint8Array>;
  checkZipDirectory(bytes, fail);
  try {
    entries = unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        // torch stores every entry uncompressed; refusing compression rules out zip bombs.
        if (f.compression !== 0) fail(`zip entry ${quote(f.name)} is compressed (method ${f.compression}); torch files store entries uncompressed`);
        if (f.originalSize > bytes.length) fail(`zip entry ${quote(f.name)} claims ${f.originalSize} bytes, more than the file holds`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof TorchFileError) throw e;
    return fail(`not a readable zip file (${(e as Error).message})`);
  }
  const names = Object.keys(entries);
  if (names.length > MAX_STORAGES + 16) fail(`${names.length} zip entries`);
  const pkl = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkl.length !== 1) fail(pkl.length ? 'more than one data.pkl in the zip' : 'no <name>/data.pkl in the zip: not a PyTorch checkpoint');
  const prefix = pkl[0].slice(0, -'data.pkl'.length);
  const order = entries[`${prefix}byteorder`];
  if (order && new TextDecoder().decode(order).trim() !== 'little') fail('the file was written on a big-endian machine; only little-endian checkpoints are read');
  const storages = new Map<string, { ref: StorageRef; bytes: Uint8Array }>();
  const load = (pid: PyValue): PyValue => {
    const s = storageFromPid(pid, fail);
    const known = storages.get(s.key);
    if (known) {
      if (known.ref.dtype !== s.dtype) fail(`storage ${quote(s.key)} is read with two dtypes`);
      return known.ref;
    }
    if (storages.size >= MAX_STORAGES) fail('too many storages');
    const data = entries[`${prefix}data/${s.key}`];
    if (!data) fail(`storage ${quote(s.key)} is missing from the zip`);
    if (data.length !== s.numel * DTYPE_BYTES[s.dtype]) fail(`storage ${quote(s.key)} holds ${data.length} bytes, its ${s.numel} ${s.dtype} values need ${s.numel * DTYPE_BYTES[s.dtype]}`);
    const ref = new StorageRef(s.key, s.dtype, s.numel);
    storages.set(s.key, { ref, bytes: data });
    return ref;
  };
  const { value } = readPickle(entries[pkl[0]], 0, load, `${what}: data.pkl`);
  return materialise(value, (ref) => storages.get(ref.key)!.bytes, fail);
}

function readLegacy(bytes: Uint8Array, what: string, fail: (m: string) => never): TorchValue {
  let pos = 0;
  const next = (load?: (pid: PyValue) => PyValue) => {
    const r = readPickle(bytes, pos, load, what);
    pos = r.end;
    return r.value;
  };
  const magic = next();
  if (magic !== Number(LEGACY_MAGIC) && magic !== LEGACY_MAGIC) fail('legacy magic number is wrong');
  const protocol = next();
  if (protocol !== 1001) fail(`legacy protocol version ${String(protocol)} is not 1001`);
  const sysInfo = next();
  if (sysInfo instanceof PyDict && sysInfo.map.get('little_endian') === false) fail('the file was written on a big-endian machine');
  const refs = new Map<string, StorageRef>();
  const load = (pid: PyValue): PyValue => {
    if (pid instanceof PyTuple && pid.items.length > 5 && pid.items[5] !== null) fail('storage views are not supported');
    const s = storageFromPid(pid, fail);
    const known = refs.get(s.key);
    if (known) return known;
    if (refs.size >= MAX_STORAGES) fail('too many storages');
    // Checked against the file before anything is allocated: the data follows the pickles.
    if (s.numel * DTYPE_BYTES[s.dtype] > bytes.length) fail(`storage ${quote(s.key)} claims ${s.numel} ${s.dtype} values, more than the file holds`);
    const ref = new StorageRef(s.key, s.dtype, s.numel);
    refs.set(s.key, ref);
    return ref;
  };
  const value = next(load);
  const keys = next();
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) fail('the legacy storage key list is malformed');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  for (const key of keys as string[]) {
    const ref = refs.get(key);
    if (!ref) fail(`storage ${quote(key)} is listed but never used`);
    if (pos + 8 > bytes.length) fail(`storage ${quote(key)} is truncated`);
    const count = view.getBigInt64(pos, true);
    if (count !== BigInt(ref!.numel)) fail(`storage ${quote(key)} holds ${count} values, the pickle says ${ref!.numel}`);
    const n = ref!.numel * DTYPE_BYTES[ref!.dtype];
    if (pos + 8 + n > bytes.length) fail(`storage ${quote(key)} runs past the end of the file`);
    data.set(key, bytes.subarray(pos + 8, pos + 8 + n));
    pos += 8 + n;
  }
  for (const key of refs.keys()) if (!data.has(key)) fail(`storage ${quote(key)} has no data`);
  return materialise(value, (ref) => data.get(ref.key)!, fail);
}

/** Decodes a whole storage to float32 once; tensors sharing it are views or strided copies of that. */
function decodeStorage(bytes: Uint8Array, dtype: TorchDtype): Float32Array {
  const n = bytes.length / DTYPE_BYTES[dtype];
  if (dtype === 'float32') {
    // Zero-copy when aligned (fflate gives every entry its own buffer at offset 0).
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
    return new Float32Array(bytes.slice().buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'float64': out[i] = view.getFloat64(8 * i, true); break;
      case 'float16': out[i] = f16ToF32(view.getUint16(2 * i, true)); break;
      case 'bfloat16': out[i] = bf16ToF32(view.getUint16(2 * i, true)); break;
      case 'int64': out[i] = Number(view.getBigInt64(8 * i, true)); break;
      case 'int32': out[i] = view.getInt32(4 * i, true); break;
      case 'int16': out[i] = view.getInt16(2 * i, true); break;
      case 'int8': out[i] = view.getInt8(i); break;
      default: out[i] = bytes[i]; break; // uint8, bool
    }
  }
  return out;
}

function materialise(value: PyValue, storageBytes: (ref: StorageRef) => Uint8Array, fail: (m: string) => never): TorchValue {
  const decoded = new Map<string, Float32Array>();
  const tensor = (t: TensorRef): Tensor => {
    let n = 1;
    for (const d of t.shape) {
      n *= d;
      // Views never hold more values than their storage; more means overlapping (expanded) strides.
      if (n > t.storage.numel && t.shape.every((x) => x > 0)) fail(`a tensor of shape [${t.shape.join(', ')}] has more values than its storage of ${t.storage.numel}`);
    }
    if (n > 0) {
      let last = t.offset;
      t.shape.forEach((d, i) => { last += (d - 1) * t.stride[i]; });
      if (last >= t.storage.numel) fail(`a tensor of shape [${t.shape.join(', ')}] reaches past its storage of ${t.storage.numel} values`);
    }
    let all = decoded.get(t.storage.key);
    if (!all) {
      all = decodeStorage(storageBytes(t.storage), t.storage.dtype);
      decoded.set(t.storage.key, all);
    }
    // Contiguous row-major: a view; otherwise gather by strides.
    let contiguous = true, expect = 1;
    for (let i = t.shape.length - 1; i >= 0; i--) {
      if (t.shape[i] !== 1 && t.stride[i] !== expect) contiguous = false;
      expect *= t.shape[i];
    }
    if (contiguous || n === 0) return { shape: t.shape, data: all.subarray(t.offset, t.offset + n) };
    const out = new Float32Array(n);
    const idx = new Array(t.shape.length).fill(0);
    for (let k = 0; k < n; k++) {
      let src = t.offset;
      for (let i = 0; i < idx.length; i++) src += idx[i] * t.stride[i];
      out[k] = all[src];
      for (let i = idx.length - 1; i >= 0; i--) {
        if (++idx[i] < t.shape[i]) break;
        idx[i] = 0;
      }
    }
    return { shape: t.shape, data: out };
  };
  // Shared references convert once and stay shared (a pickle of lists holding the same list twice,
  // nested 64 deep, would otherwise expand to 2^64 values); a value that contains itself is refused.
  const inProgress = new Set<object>(), done = new Map<object, TorchValue>();
  let values = 0;
  const walk = (v: PyValue, depth: number): TorchValue => {
    if (depth > 64) fail('nesting deeper than 64 levels');
    if (++values > 10_000_000) fail('more than 10,000,000 values');
    if (v instanceof TensorRef) {
      if (!done.has(v)) done.set(v, tensor(v));
      return done.get(v)!;
    }
    if (v === null || typeof v !== 'object') return v as TorchValue;
    if (done.has(v)) return done.get(v)!;
    if (inProgress.has(v)) fail('a value that contains itself');
    inProgress.add(v);
    let out: TorchValue;
    if (Array.isArray(v)) out = v.map((x) => walk(x, depth + 1));
    else if (v instanceof PyTuple) out = v.items.map((x) => walk(x, depth + 1));
    else if (v instanceof PyDict) {
      const o: { [key: string]: TorchValue } = Object.create(null);
      for (const [k, x] of v.map) o[String(k)] = walk(x, depth + 1);
      out = o;
    } else return fail('a storage or a function where data was expected');
    inProgress.delete(v);
    done.set(v, out);
    return out;
  };
  return walk(value, 0);
}

export const isTensor = (v: TorchValue): v is Tensor => typeof v === 'object' && v !== null && !Array.isArray(v) && (v as Tensor).data instanceof Float32Array && Array.isArray((v as Tensor).shape);

/** The tensors of a dict (a state dict), or undefined when it holds anything else but tensors. */
export function tensorDict(v: TorchValue | undefined): Map<string, Tensor> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isTensor(v)) return undefined;
  const entries = Object.entries(v);
  if (entries.length === 0 || !entries.every(([, t]) => isTensor(t))) return undefined;
  return new Map(entries as Array<[string, Tensor]>);
}
