// A restricted pickle reader for PyTorch checkpoints. It reads the data a `torch.save` of a state
// dict (or a dict holding one) writes, and nothing else: an allow-list of opcodes (protocol 2, the
// ones torch emits) and of globals (OrderedDict, tensor rebuilding, typed storages). It never calls
// anything: "calling" an allowed global builds a plain description (a dict, a tensor view), and any
// other global or opcode stops the read with a clear error, before anything of the file is used.
// Every count is bounded (operations, stack, memo, string and integer sizes), so hostile input ends
// quickly in an error.

export class PickleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PickleError';
  }
}

/** A Python tuple (kept apart from lists: the tensor-rebuild arguments are tuples). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict (OrderedDict included); keys are strings or numbers. */
export class PyDict {
  readonly map = new Map<string | number, PyValue>();
}

/** A global the allow-list accepts, before it is called. */
export class PyGlobal {
  constructor(readonly name: string) {}
}

/** A storage the pickle refers to by persistent id: its bytes live outside the pickle. */
export class StorageRef {
  constructor(readonly key: string, readonly dtype: TorchDtype, readonly numel: number) {}
}

/** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...) as data. */
export class TensorRef {
  constructor(readonly storage: StorageRef, readonly offset: number, readonly shape: number[], readonly stride: number[]) {}
}

export type PyValue = null | boolean | number | bigint | string | PyValue[] | PyTuple | PyDict | PyGlobal | StorageRef | TensorRef;

export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const DTYPE_BYTES: Record<TorchDtype, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

const STORAGES: Record<string, TorchDtype> = {
  'torch.FloatStorage': 'float32', 'torch.DoubleStorage': 'float64', 'torch.HalfStorage': 'float16', 'torch.BFloat16Storage': 'bfloat16',
  'torch.LongStorage': 'int64', 'torch.IntStorage': 'int32', 'torch.ShortStorage': 'int16', 'torch.CharStorage': 'int8',
  'torch.ByteStorage': 'uint8', 'torch.BoolStorage': 'bool',
};
const CALLABLE = new Set(['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2']);

/** Limits: far above any real checkpoint's pickle, far below what would hurt. */
export const PICKLE_LIMITS = { ops: 5_000_000, stack: 1_000_000, memo: 1_000_000, longBytes: 16, depth: 64 };

export { quote } from './safe-json';
import { quote } from './safe-json';

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

export type PersistentLoad = (pid: PyValue) => PyValue;

/**
 * Reads one pickle starting at `start`; returns the value and the offset after its STOP.
 * `persistentLoad` turns a persistent id (BINPERSID) into a value; without it they are refused.
 */
export function readPickle(bytes: Uint8Array, start: number, persistentLoad?: PersistentLoad, what = 'pickle'): { value: PyValue; end: number } {
  const fail = (msg: string): never => { throw new PickleError(`${what}: ${msg}`); };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  let pos = start, ops = 0;
  const need = (n: number) => { if (pos + n > bytes.length) fail(`truncated at byte ${pos} (needs ${n} more)`); };
  const u8 = () => { need(1); return bytes[pos++]; };
  const u16 = () => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const push = (v: Slot) => { if (stack.length >= PICKLE_LIMITS.stack) fail('stack too deep'); stack.push(v); };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail('stack underflow (malformed pickle)');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail('stack underflow (malformed pickle)');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i] !== MARK) i--;
    if (i < 0) fail('no MARK on the stack (malformed pickle)');
    const items = stack.splice(i) as PyValue[];
    items.shift();
    return items;
  };
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const text = (n: number) => {
    need(n);
    try {
      const s = utf8.decode(bytes.subarray(pos, pos + n));
      pos += n;
      return s;
    } catch {
      return fail(`invalid UTF-8 text at byte ${pos}`);
    }
  };
  const setItem = (d: PyValue, k: PyValue, v: PyValue) => {
    if (!(d instanceof PyDict)) fail('SETITEM on something that is not a dict');
    if (typeof k !== 'string' && typeof k !== 'number') fail('a dict key that is not a string or a number');
    (d as PyDict).map.set(k as string | number, v);
  };
  const memoPut = (i: number) => {
    if (memo.size >= PICKLE_LIMITS.memo && !memo.has(i)) fail('memo too large');
    memo.set(i, top());
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) fail(`memo entry ${i} is not defined`);
    push(memo.get(i)!);
  };

  for (;;) {
    if (++ops > PICKLE_LIMITS.ops) fail(`more than ${PICKLE_LIMITS.ops} operations`);
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) fail(`pickle protocol ${v} is not supported`);
        break;
      }
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x28: push(MARK); break; // MARK
      case 0x58: push(text(u32())); break; // BINUNICODE
      case 0x8c: push(text(u8())); break; // SHORT_BINUNICODE (protocol 4; harmless)
      case 0x4a: push(i32()); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x8a: { // LONG1
        const n = u8();
        if (n > PICKLE_LIMITS.longBytes) fail(`an integer of ${n} bytes`);
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i]);
        if (n > 0 && bytes[pos + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: { need(8); push(view.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT (big-endian)
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4e: push(null); break; // NONE
      case 0x63: { // GLOBAL "module\nname\n"
        const readLine = () => {
          const end = bytes.indexOf(0x0a, pos);
          if (end < 0 || end - pos > 200) fail(`malformed GLOBAL at byte ${at}`);
          const s = new TextDecoder().decode(bytes.subarray(pos, end));
          pos = end + 1;
          return s;
        };
        const name = `${readLine()}.${readLine()}`;
        if (!(name in STORAGES) && !CALLABLE.has(name)) {
          fail(`refused: the file asks for the Python global ${quote(name)}; only tensors and plain data (dicts, lists, numbers, strings) can be read, and nothing in a file is ever run`);
        }
        push(new PyGlobal(name));
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!persistentLoad) fail('a persistent id where none is expected');
        push(persistentLoad!(pid));
        break;
      }
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x52: { // REDUCE
        const args = pop(), fn = pop();
        if (!(fn instanceof PyGlobal) || !(args instanceof PyTuple)) fail(`REDUCE of something that is not an allowed function at byte ${at}`);
        push(call((fn as PyGlobal).name, (args as PyTuple).items, fail));
        break;
      }
      case 0x62: { // BUILD: OrderedDict's _metadata attribute; the state is dropped
        const state = pop();
        const obj = top();
        if (!(obj instanceof PyDict) || !(state instanceof PyDict || state instanceof PyTuple || state === null)) fail(`BUILD on something other than a dict at byte ${at}`);
        break;
      }
      case 0x73: { const v = pop(), k = pop(); setItem(top(), k, v); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        if (items.length % 2) fail('SETITEMS with an odd number of items');
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail('APPENDS on something that is not a list');
        if ((l as PyValue[]).length + items.length > PICKLE_LIMITS.stack) fail('list too long');
        for (const it of items) (l as PyValue[]).push(it);
        break;
      }
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) fail('APPEND on something that is not a list'); (l as PyValue[]).push(v); break; } // APPEND
      case 0x71: memoPut(u8()); break; // BINPUT
      case 0x72: memoPut(u32()); break; // LONG_BINPUT
      case 0x68: memoGet(u8()); break; // BINGET
      case 0x6a: memoGet(u32()); break; // LONG_BINGET
      case 0x2e: { // STOP
        const value = pop();
        return { value, end: pos };
      }
      default:
        fail(`refused: pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at} is not one a PyTorch checkpoint uses`);
    }
  }
}

const int = (v: PyValue, what: string, fail: (m: string) => never): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${what} is not a non-negative integer`);
  return v as number;
};

function call(name: string, args: PyValue[], fail: (m: string) => never): PyValue {
  if (name === 'collections.OrderedDict') {
    if (args.length !== 0) fail('OrderedDict called with arguments');
    return new PyDict();
  }
  if (name === 'torch._utils._rebuild_tensor_v2') {
    if (args.length < 4) fail('_rebuild_tensor_v2 with too few arguments');
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof StorageRef)) fail('_rebuild_tensor_v2 of something that is not a storage');
    if (!(size instanceof PyTuple) || !(stride instanceof PyTuple) || size.items.length !== stride.items.length || size.items.length > 8) {
      fail('_rebuild_tensor_v2 with a malformed size or stride');
    }
    const shape = (size as PyTuple).items.map((v) => int(v, 'a tensor dimension', fail));
    const strides = (stride as PyTuple).items.map((v) => int(v, 'a tensor stride', fail));
    return new TensorRef(storage as StorageRef, int(offset, 'a storage offset', fail), shape, strides);
  }
  return fail(`refused: calling ${quote(name)}`);
}

/** Reads the persistent id torch writes for a storage: ('storage', StorageClass, key, location, numel[, view]). */
export function storageFromPid(pid: PyValue, fail: (m: string) => never): { key: string; dtype: TorchDtype; numel: number } {
  if (!(pid instanceof PyTuple) || pid.items.length < 5 || pid.items[0] !== 'storage') fail('a persistent id that is not a storage');
  const [, cls, key, , numel] = (pid as PyTuple).items;
  if (!(cls instanceof PyGlobal) || !(cls.name in STORAGES)) fail('a storage of an unknown type');
  if (typeof key !== 'string' || key.length > 100) fail('a storage key that is not a short string');
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) fail('a storage size that is not a non-negative integer');
  return { key: key as string, dtype: STORAGES[(cls as PyGlobal).name], numel: numel as number };
}
