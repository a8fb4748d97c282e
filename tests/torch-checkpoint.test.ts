// The safe PyTorch checkpoint reader on files torch really wrote (../shared/fixtures/), and on
// hostile ones built here: other globals, unknown opcodes, bombs, lies about sizes. A refusal is one
// clear line and nothing of the file is run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isTensor, readTorchCheckpoint, tensorDict, TorchFileError, type TorchValue } from '../src/tensor/torch-checkpoint';
import { readSafetensors } from '../src/tensor/safetensors';
import type { Tensor } from '../src/tensor/tensor';

const FIX = join(__dirname, '..', '..', 'shared', 'fixtures');
const TW = join(FIX, 'torch-written');
const read = (path: string) => readTorchCheckpoint(new Uint8Array(readFileSync(path)), path);
const dict = (v: TorchValue) => tensorDict(v)!;

function sameTensors(a: Map<string, Tensor>, b: Map<string, Tensor>) {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, t] of a) {
    expect(t.shape, k).toEqual(b.get(k)!.shape);
    expect(Array.from(t.data), k).toEqual(Array.from(b.get(k)!.data));
  }
}

describe('PyTorch checkpoints written by torch.save', () => {
  it('reads the minGPT state dict, zip and legacy alike, buffers included', () => {
    const zip = read(join(TW, 'mingpt-othello-small/final.pth'));
    const legacy = read(join(TW, 'mingpt-othello-small/final_legacy.pth'));
    expect(zip.container).toBe('zip');
    expect(legacy.container).toBe('legacy');
    const a = dict(zip.root), b = dict(legacy.root);
    sameTensors(a, b);
    expect(a.get('pos_emb')!.shape).toEqual([1, 59, 64]);
    expect(a.get('blocks.1.attn.query.weight')!.shape).toEqual([64, 64]);
    // the causal mask buffer is a real tensor of the file (lower triangle of ones)
    const mask = a.get('blocks.0.attn.mask')!;
    expect(mask.shape).toEqual([1, 1, 59, 59]);
    expect(mask.data[0]).toBe(1);
    expect(mask.data[1]).toBe(0);
    expect(mask.data[59]).toBe(1);
  });

  it('reads the nanoGPT checkpoint: nested dict, model_args, floats, a 0-d tensor, and wte / lm_head sharing one storage', () => {
    for (const f of ['lichess_2layers_ckpt_no_optimizer.pt', 'ckpt_no_optimizer_legacy.pt']) {
      const root = read(join(TW, 'nanogpt-chess-small', f)).root as Record<string, TorchValue>;
      expect(root.model_args).toMatchObject({ n_layer: 2, n_head: 4, n_embd: 64, block_size: 128, bias: false, vocab_size: 32 });
      expect(typeof root.iter_num).toBe('number');
      expect(isTensor(root.best_val_loss) && (root.best_val_loss as Tensor).shape).toEqual([]);
      const config = root.config as Record<string, TorchValue>;
      expect(Object.values(config).some((v) => typeof v === 'number' && !Number.isInteger(v))).toBe(true);
      const sd = dict(root.model);
      const wte = sd.get('_orig_mod.transformer.wte.weight')!, head = sd.get('_orig_mod.lm_head.weight')!;
      expect(head.data).toEqual(wte.data);
      // read once: the same memory, not a copy
      expect(head.data.buffer).toBe(wte.data.buffer);
      expect(head.data.byteOffset).toBe(wte.data.byteOffset);
    }
  });

  it('pytorch_model.bin holds exactly the tensors of the model.safetensors beside it', () => {
    const bin = dict(read(join(TW, 'hf-gpt2-chess-small/pytorch_model.bin')).root);
    const st = readSafetensors(new Uint8Array(readFileSync(join(TW, 'hf-gpt2-chess-small/model.safetensors')))).tensors;
    const common = new Map([...bin].filter(([k]) => st.has(k)));
    expect(common.size).toBe(st.size);
    sameTensors(common, st);
  });

  it('reads the TransformerLens dict with its bool mask and scalar IGNORE buffers', () => {
    const sd = dict(read(join(TW, 'tl-othello-small/synthetic_model.pth')).root);
    expect(sd.get('blocks.0.attn.W_Q')!.shape).toEqual([4, 64, 16]);
    expect(sd.get('blocks.0.attn.mask')!.shape).toEqual([59, 59]);
    expect(sd.get('blocks.0.attn.IGNORE')!.shape).toEqual([]);
  });

  it('reads the dictionary_learning SAEs (int64 k buffer included) and Nanda\'s probe', () => {
    const dl = join(TW, 'dl-saes-othello');
    const std = dict(read(join(dl, 'othello-trained_model-layer_1-standard/trainer0/ae.pt')).root);
    sameTensors(std, dict(read(join(dl, 'othello-trained_model-layer_1-standard/trainer0/ae_legacy.pt')).root));
    expect(std.get('encoder.weight')!.shape).toEqual([256, 64]);
    const topk = dict(read(join(dl, 'othello-trained_model-layer_1-topk_2024-12/trainer0/ae.pt')).root);
    expect(Array.from(topk.get('k')!.data)).toEqual([8]);
    const probe = read(join(FIX, 'nanda-othello-probe/main_linear_probe.pth')).root as Tensor;
    expect(isTensor(probe) && probe.shape).toEqual([3, 512, 8, 8, 3]);
  });
});

// --- hostile files ---------------------------------------------------------------------------

/** A protocol-2 pickle from opcodes; strings are encoded as BINUNICODE. */
class P {
  bytes: number[] = [0x80, 0x02];
  op(...b: number[]) { this.bytes.push(...b); return this; }
  str(s: string) { const e = new TextEncoder().encode(s); this.op(0x58, ...le32(e.length), ...e); return this; }
  int(n: number) {
    if (n < 2 ** 31) return this.op(0x4a, ...le32(n));
    const b: number[] = [];
    for (let v = BigInt(n), i = 0; i < 8; i++, v >>= 8n) b.push(Number(v & 255n));
    return this.op(0x8a, 8, ...b); // LONG1
  }
  global(mod: string, name: string) { return this.op(0x63, ...new TextEncoder().encode(`${mod}\n${name}\n`)); }
  stop() { this.op(0x2e); return Uint8Array.from(this.bytes); }
}
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];

/** A torch zip file around a data.pkl (and storages). */
function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}, level = 0): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = { 'archive/data.pkl': [pkl, { level: 0 }], 'archive/version': [new TextEncoder().encode('3\n'), { level: 0 }] };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = [v, { level: level as 0 | 6 }];
  return zipSync(files);
}

/** The proper tensor-dict pickle: {'w': _rebuild_tensor_v2((pid, offset, size, stride, False, OrderedDict()))}. */
function goodTensor(numel: number, shape: number[], stride: number[], offset = 0): Uint8Array {
  const p = new P().op(0x7d).str('w').global('torch._utils', '_rebuild_tensor_v2').op(0x28);
  p.op(0x28).str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(numel).op(0x74, 0x51);
  p.int(offset);
  p.op(0x28); for (const d of shape) p.int(d); p.op(0x74);
  p.op(0x28); for (const s of stride) p.int(s); p.op(0x74);
  p.op(0x89).global('collections', 'OrderedDict').op(0x29, 0x52);
  p.op(0x74, 0x52, 0x73); // TUPLE, REDUCE, SETITEM
  return p.stop();
}

const floats = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

function refusal(bytes: Uint8Array): string {
  try {
    readTorchCheckpoint(bytes, 'f.pt');
  } catch (e) {
    expect(e).toBeInstanceOf(TorchFileError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('the file was accepted');
}

describe('hostile PyTorch files are refused with one line, and nothing runs', () => {
  it('a hand-built tensor reads with its offset and strides (the builder is right)', () => {
    const t = dict(readTorchCheckpoint(torchZip(goodTensor(6, [2, 2], [1, 3], 1), { 0: floats(0, 1, 2, 3, 4, 5) })).root).get('w')!;
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([1, 4, 2, 5]); // transposed view of 1..5 from offset 1
  });

  it('a global such as os.system or builtins.eval', () => {
    for (const [mod, name] of [['os', 'system'], ['builtins', 'eval'], ['posix', 'system'], ['torch', 'load'], ['__builtin__', 'getattr']]) {
      const pkl = new P().global(mod, name).op(0x28).str('echo pwned').op(0x74, 0x52).stop();
      expect(refusal(torchZip(pkl))).toMatch(new RegExp(`refused: the file asks for the Python global "${mod}\\.${name}"`));
    }
  });

  it('opcodes torch never writes (INST, OBJ, NEWOBJ, STACK_GLOBAL, EXT1)', () => {
    for (const op of [0x69, 0x6f, 0x81, 0x93, 0x82]) expect(refusal(torchZip(new P().op(op, 0, 0, 0).stop()))).toMatch(/refused: pickle opcode/);
  });

  it('calling an allowed storage class, or REDUCE of a non-function', () => {
    expect(refusal(torchZip(new P().global('torch', 'FloatStorage').op(0x29, 0x52).stop()))).toMatch(/refused: calling "torch.FloatStorage"/);
    expect(refusal(torchZip(new P().str('x').op(0x29, 0x52).stop()))).toMatch(/REDUCE of something that is not an allowed function/);
  });

  it('recursion and size bombs end fast', () => {
    // 200,000 nested empty lists via APPEND: deep nesting is refused when the value is walked
    const deep = new P();
    for (let i = 0; i < 200_000; i++) deep.op(0x5d);
    for (let i = 0; i < 199_999; i++) deep.op(0x61);
    const t0 = performance.now();
    expect(refusal(torchZip(deep.stop()))).toMatch(/nesting deeper than 64/);
    // "billion laughs": each list holds the previous one twice, 60 deep (2^60 values if expanded)
    const laughs = new P().op(0x5d, 0x71, 0x00);
    for (let i = 1; i <= 60; i++) laughs.op(0x5d, 0x28, 0x68, i - 1, 0x68, i - 1, 0x65, 0x71, i); // [], MARK, memo[i-1] twice, APPENDS, memo[i] =
    expect(() => readTorchCheckpoint(torchZip(laughs.stop()))).not.toThrow();
    // a list that contains itself
    expect(refusal(torchZip(new P().op(0x5d, 0x71, 0x00, 0x68, 0x00, 0x61).stop()))).toMatch(/contains itself/);
    // an endless stream of MARKs: the operation bound
    const marks = new Uint8Array(6_000_000).fill(0x28);
    marks.set([0x80, 0x02]);
    expect(refusal(torchZip(marks))).toMatch(/stack too deep|more than 5000000 operations/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('sizes that lie: a 2^40-value storage, a storage shorter than its numel, a tensor past its storage, an expanded view', () => {
    expect(refusal(torchZip(goodTensor(2 ** 40, [2 ** 40], [1]), { 0: floats(1) }))).toMatch(/storage "0" holds 4 bytes, its 1099511627776 float32 values need/);
    expect(refusal(torchZip(goodTensor(4, [2, 3], [3, 1]), { 0: floats(1, 2, 3, 4) }))).toMatch(/has more values than its storage of 4/);
    expect(refusal(torchZip(goodTensor(4, [2, 2], [2, 1], 1), { 0: floats(1, 2, 3, 4) }))).toMatch(/reaches past its storage/);
    expect(refusal(torchZip(goodTensor(1, [2 ** 20, 2 ** 20], [0, 0]), { 0: floats(1) }))).toMatch(/has more values than its storage of 1/);
    expect(refusal(torchZip(goodTensor(4, [4], [1]), {}))).toMatch(/storage "0" is missing from the zip/);
  });

  it('a compressed entry (a zip bomb\'s shape) is refused before it is inflated', () => {
    const bomb = torchZip(goodTensor(1 << 24, [1 << 24], [1]), { 0: new Uint8Array(1 << 26) }, 6);
    expect(bomb.length).toBeLessThan(1 << 20);
    expect(refusal(bomb)).toMatch(/is compressed \(method 8\)/);
  });

  it('truncated files, non-torch files, and text that would forge lines', () => {
    const good = readFileSync(join(TW, 'mingpt-othello-small/final_legacy.pth'));
    expect(refusal(new Uint8Array(good.subarray(0, good.length - 100)))).toMatch(/truncated|runs past the end/);
    expect(refusal(new TextEncoder().encode('{"not": "torch"}'))).toMatch(/not a PyTorch checkpoint/);
    const forged = new P().global('os\nat Object.<anonymous> (/x.js:1:1)', 'system').stop();
    expect(refusal(torchZip(forged))).toMatch(/malformed GLOBAL|refused/);
  });
});
