"""The workbench's GPT in PyTorch, with TransformerLens parameter names and layouts.

One model file, nanoGPT-style. Parameters carry exactly the names and shapes of a TransformerLens
state dict (embed.W_E [V, d], blocks.{l}.attn.W_Q [H, d, dh], ...), so `state_dict()` written as
safetensors is a file the workbench loads unchanged (src/model/adapters.ts, fromTransformerLens),
and the math is the project's CPU reference (src/model/cpu-forward.ts): pre-LayerNorm blocks with
biased variance, causal softmax attention scaled by 1/sqrt(d_head), exact-erf or tanh GELU.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

from config import ModelConfig


class LayerNorm(nn.Module):
    def __init__(self, d: int, eps: float):
        super().__init__()
        self.eps = eps
        self.w = nn.Parameter(torch.ones(d))
        self.b = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return F.layer_norm(x, (x.shape[-1],), self.w, self.b, self.eps)


class Attention(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        H, d, dh = c.n_heads, c.d_model, c.d_head
        self.W_Q = nn.Parameter(torch.empty(H, d, dh))
        self.W_K = nn.Parameter(torch.empty(H, d, dh))
        self.W_V = nn.Parameter(torch.empty(H, d, dh))
        self.W_O = nn.Parameter(torch.empty(H, dh, d))
        self.b_Q = nn.Parameter(torch.zeros(H, dh))
        self.b_K = nn.Parameter(torch.zeros(H, dh))
        self.b_V = nn.Parameter(torch.zeros(H, dh))
        self.b_O = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        B, T, d = x.shape
        H, _, dh = self.W_Q.shape
        # One matmul for Q, K and V: [d, 3*H*dh] with head h of Q in columns h*dh.. (canonical layout).
        w = torch.cat([self.W_Q, self.W_K, self.W_V], 0).permute(1, 0, 2).reshape(d, 3 * H * dh)
        b = torch.cat([self.b_Q, self.b_K, self.b_V], 0).reshape(3 * H * dh)
        qkv = torch.addmm(b, x.reshape(B * T, d), w).view(B, T, 3, H, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # [B, H, T, dh]
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(dh))
        mask = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
        pattern = scores.masked_fill(mask, float('-inf')).softmax(-1)
        z = (pattern @ v).transpose(1, 2).reshape(B * T, H * dh)
        return torch.addmm(self.b_O, z, self.W_O.reshape(H * dh, d)).view(B, T, d)


class MLP(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.W_in = nn.Parameter(torch.empty(c.d_model, c.d_mlp))
        self.b_in = nn.Parameter(torch.zeros(c.d_mlp))
        self.W_out = nn.Parameter(torch.empty(c.d_mlp, c.d_model))
        self.b_out = nn.Parameter(torch.zeros(c.d_model))
        self.approximate = 'none' if c.act_fn == 'gelu' else 'tanh'

    def forward(self, x):
        B, T, d = x.shape
        h = F.gelu(torch.addmm(self.b_in, x.reshape(B * T, d), self.W_in), approximate=self.approximate)
        return torch.addmm(self.b_out, h, self.W_out).view(B, T, d)


class Block(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.ln1 = LayerNorm(c.d_model, c.eps)
        self.attn = Attention(c)
        self.ln2 = LayerNorm(c.d_model, c.eps)
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Embed(nn.Module):
    def __init__(self, V: int, d: int):
        super().__init__()
        self.W_E = nn.Parameter(torch.empty(V, d))


class PosEmbed(nn.Module):
    def __init__(self, n_ctx: int, d: int):
        super().__init__()
        self.W_pos = nn.Parameter(torch.empty(n_ctx, d))


class Unembed(nn.Module):
    def __init__(self, d: int, V: int):
        super().__init__()
        self.W_U = nn.Parameter(torch.empty(d, V))
        self.b_U = nn.Parameter(torch.zeros(V))


class GPT(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.config = c
        self.embed = Embed(c.d_vocab, c.d_model)
        self.pos_embed = PosEmbed(c.n_ctx, c.d_model)
        self.blocks = nn.ModuleList([Block(c) for _ in range(c.n_layers)])
        self.ln_final = LayerNorm(c.d_model, c.eps)
        self.unembed = Unembed(c.d_model, c.d_vocab)

    def init_weights(self, seed: int):
        """Fan-in-scaled normal init (GPT-2-like), seeded; biases zero, LayerNorm identity."""
        g = torch.Generator().manual_seed(seed)
        c = self.config
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith(('.w',)):
                    p.fill_(1.0)
                elif name.split('.')[-1].startswith('b'):
                    p.zero_()
                elif name == 'embed.W_E' or name == 'pos_embed.W_pos':
                    p.copy_(torch.randn(p.shape, generator=g) * 0.02)
                else:
                    fan_in = {'W_Q': c.d_model, 'W_K': c.d_model, 'W_V': c.d_model, 'W_O': c.n_heads * c.d_head,
                              'W_in': c.d_model, 'W_out': c.d_mlp, 'W_U': c.d_model}[name.split('.')[-1]]
                    std = 1.0 / math.sqrt(fan_in)
                    if name.endswith(('W_O', 'W_out')):
                        std /= math.sqrt(2 * c.n_layers)  # residual writers scaled down as in GPT-2
                    p.copy_(torch.randn(p.shape, generator=g) * std)

    def forward(self, tokens):
        """tokens [B, T] (int64) -> logits [B, T, V]."""
        T = tokens.shape[1]
        x = self.embed.W_E[tokens] + self.pos_embed.W_pos[:T]
        for block in self.blocks:
            x = block(x)
        x = self.ln_final(x)
        B, _, d = x.shape
        return torch.addmm(self.unembed.b_U, x.reshape(B * T, d), self.unembed.W_U).view(B, T, -1)

    def decay_groups(self, weight_decay: float):
        """Weight decay on the matrices (embeddings included), none on biases and LayerNorm, as the WGSL trainer."""
        decay = [p for n, p in self.named_parameters() if n.split('.')[-1].startswith('W_')]
        rest = [p for n, p in self.named_parameters() if not n.split('.')[-1].startswith('W_')]
        return [{'params': decay, 'weight_decay': weight_decay}, {'params': rest, 'weight_decay': 0.0}]


# --- safetensors, written and read by hand (Debian has no python3-safetensors) -------------------

_DTYPES = {'F32': (torch.float32, 4), 'F16': (torch.float16, 2), 'BF16': (torch.bfloat16, 2)}


def save_safetensors(path: str, tensors: dict, metadata: dict | None = None):
    """Writes float32 tensors in the safetensors format (8-byte header length, JSON header, data)."""
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().to('cpu', torch.float32).contiguous()
        data = t.numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * (-len(head) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def load_safetensors(path: str) -> dict:
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    if n > len(raw) - 8:
        raise ValueError(f'{path}: header length {n} does not fit the file')
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        dtype, size = _DTYPES[info['dtype']]
        a, b = info['data_offsets']
        count = math.prod(info['shape'])
        if b - a != count * size or base + b > len(raw):
            raise ValueError(f'{path}: tensor {name} does not fit its offsets')
        out[name] = torch.frombuffer(bytearray(raw[base + a:base + b]), dtype=dtype).reshape(info['shape']).float()
    return out


def read_metadata(path: str) -> dict:
    """The `__metadata__` of a safetensors file (string values), reading only its header."""
    with open(path, 'rb') as f:
        head = f.read(8)
        if len(head) != 8:
            raise ValueError(f'{path}: not a safetensors file')
        (n,) = struct.unpack('<Q', head)
        if n > os.path.getsize(path) - 8 or n > 100_000_000:
            raise ValueError(f'{path}: header length {n} does not fit the file')
        meta = json.loads(f.read(n)).get('__metadata__', {})
    return meta if isinstance(meta, dict) else {}


def export_weights(model: GPT, path: str, metadata: dict | None = None):
    save_safetensors(path, dict(model.state_dict()), metadata)


def load_weights(model: GPT, path: str):
    """Loads a TransformerLens-layout safetensors (the workbench's own model files) into the model."""
    tensors = load_safetensors(path)
    own = model.state_dict()
    missing = [k for k in own if k not in tensors]
    if missing:
        raise ValueError(f'{path} lacks {missing[0]} (and {len(missing) - 1} more)' if len(missing) > 1 else f'{path} lacks {missing[0]}')
    for k, t in own.items():
        if tuple(tensors[k].shape) != tuple(t.shape):
            raise ValueError(f'{path}: {k} has shape {list(tensors[k].shape)}, the config needs {list(t.shape)}')
    model.load_state_dict({k: tensors[k] for k in own})
