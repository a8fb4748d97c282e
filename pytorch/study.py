"""Scaling study: short time-boxed runs of several model sizes for one game, each with a cosine
schedule sized to its time box, recording held-out legality against tokens and wall time.

    python3 pytorch/study.py --game othello --minutes 10 --out runs/study [--sizes 4x128,6x256,8x256] [--bf16]

Writes --out/<game>/<size>/ (each a train.py run), --out/<game>-study.json (the table) and
--out/<game>-study.svg (legality against tokens and against minutes). A later call with the same
--out skips sizes already done, so a killed study resumes.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from config import parse_run_config  # noqa: E402
from model import GPT  # noqa: E402

BASE = {
    'othello': {'game': 'othello', 'd_vocab': 61, 'n_ctx': 59, 'batch': 64, 'metric': 'legal_top1'},
    'chess': {'game': 'chess', 'd_vocab': 32, 'n_ctx': 256, 'batch': 32, 'metric': 'legal_greedy'},
}


def run_config(game: str, layers: int, d: int, steps: int) -> dict:
    b = BASE[game]
    return {
        'game': game,
        'model': {'n_layers': layers, 'd_model': d, 'n_heads': max(4, d // 64), 'd_head': min(64, d // 4), 'd_mlp': 4 * d,
                  'd_vocab': b['d_vocab'], 'n_ctx': b['n_ctx'], 'act_fn': 'gelu', 'normalization_type': 'LN', 'eps': 1e-5},
        'init_seed': 0, 'data_seed': 1, 'batch': b['batch'], 'steps': steps,
        'lr': 2e-3 if d <= 128 else 1e-3, 'warmup_steps': min(200, steps // 10), 'min_lr_ratio': 0.1,
        'weight_decay': 0.01, 'beta1': 0.9, 'beta2': 0.99, 'clip_norm': 1.0,
        'checkpoint_minutes': 2, 'curve_minutes': 1.5,
    }


def measure_rate(cfg: dict, bf16: bool) -> float:
    """Tokens/s of a few training steps on random tokens (the time box sets the schedule from it)."""
    c = parse_run_config(cfg)
    torch.set_num_threads((os.cpu_count() or 1) if bf16 else 1)
    m = GPT(c.model)
    m.init_weights(0)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
    B, T, V = c.batch, c.model.n_ctx, c.model.d_vocab
    x, y = torch.randint(1, V, (B, T)), torch.randint(1, V, (B, T))
    for i in range(7):
        if i == 2:
            t = time.time()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            logits = m(x)
        loss = F.cross_entropy(logits.float().view(-1, V), y.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return 5 * B * T / (time.time() - t)


def svg(game: str, rows: list, metric: str) -> str:
    """Two panels: the metric against tokens (log) and against wall minutes, one line per size."""
    W, H, pad = 360, 240, 44
    colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e']
    pts = [(r, p) for r in rows for p in r['curve']]
    if not pts:
        return ''
    import math
    tmax = max(p['tokens'] for _, p in pts)
    tmin = min(p['tokens'] for _, p in pts)
    smax = max(p['seconds'] for _, p in pts) / 60
    lo = min(p[metric] for _, p in pts)
    lo = max(0.0, math.floor(lo * 10) / 10)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 20}" height="{H + 40}" font-family="sans-serif" font-size="11">',
           f'<text x="10" y="14" font-size="13">{game} scaling study: held-out {metric.replace("_", " ")} (fraction)</text>']
    for panel, (xlab, fx, xmax) in enumerate((('tokens (log)', lambda p: math.log10(p['tokens']), math.log10(tmax)),
                                             ('wall minutes on this machine', lambda p: p['seconds'] / 60, smax))):
        ox = panel * (W + 20)
        xmin = math.log10(tmin) if panel == 0 else 0
        X = lambda v: ox + pad + (v - xmin) / max(1e-9, xmax - xmin) * (W - pad - 10)
        Y = lambda v: 24 + (1 - (v - lo) / max(1e-9, 1 - lo)) * (H - 40)
        out.append(f'<rect x="{ox + pad}" y="24" width="{W - pad - 10}" height="{H - 40}" fill="none" stroke="#999"/>')
        out.append(f'<text x="{ox + pad}" y="{H + 4}">{xlab}</text>')
        for v in (lo, (lo + 1) / 2, 1):
            out.append(f'<text x="{ox + 4}" y="{Y(v) + 4:.1f}">{v:.2f}</text>')
        if panel == 0:
            for e in range(math.ceil(xmin), math.floor(xmax) + 1):
                out.append(f'<text x="{X(e) - 8:.1f}" y="{H - 4}">1e{e}</text>')
        else:
            out.append(f'<text x="{X(xmax) - 10:.1f}" y="{H - 4}">{xmax:.0f}</text>')
        for i, r in enumerate(rows):
            if not r['curve']:
                continue
            path = ' '.join(f'{X(fx(p)):.1f},{Y(p[metric]):.1f}' for p in r['curve'])
            out.append(f'<polyline fill="none" stroke="{colours[i % 5]}" stroke-width="2" points="{path}"/>')
            if panel == 1:
                out.append(f'<text x="{ox + W - 120}" y="{H - 20 - 14 * i}" fill="{colours[i % 5]}">{r["size"]}</text>')
    out.append('</svg>')
    return '\n'.join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--game', choices=list(BASE), required=True)
    p.add_argument('--minutes', type=float, default=10)
    p.add_argument('--sizes', default='4x128,6x256,8x256')
    p.add_argument('--out', default='runs/study')
    p.add_argument('--bf16', action='store_true')
    p.add_argument('--rates', default='', help='size=tokens/s pairs measured on a quiet machine, e.g. 6x256=13625 '
                   '(a rate measured while other work runs would shrink that size\'s schedule)')
    a = p.parse_args()
    given = dict((k, float(v)) for k, v in (kv.split('=') for kv in a.rates.split(',') if kv))
    metric = BASE[a.game]['metric']
    rows = []
    for size in a.sizes.split(','):
        layers, d = (int(v) for v in size.split('x'))
        folder = os.path.join(a.out, a.game, size)
        os.makedirs(folder, exist_ok=True)
        cfg_path = os.path.join(folder, 'run-config.json')
        if not os.path.exists(cfg_path):
            probe = run_config(a.game, layers, d, 1000)
            rate = given.get(size) or measure_rate(probe, a.bf16)
            # The schedule ends with the time box: the real loop (data from Node, evaluation, checkpoints)
            # ran at ~0.65 of the measured rate in a first try, so 0.6 leaves a margin.
            steps = max(50, int(a.minutes * 60 * rate * 0.6 / (probe['batch'] * probe['model']['n_ctx'])))
            cfg = run_config(a.game, layers, d, steps)
            with open(cfg_path, 'w') as f:
                json.dump(cfg, f, indent=2)
            print(f'{a.game} {size}: {rate:.0f} tokens/s measured, {steps} steps planned', flush=True)
        done = os.path.exists(os.path.join(folder, 'curve.json')) and json.load(open(os.path.join(folder, 'curve.json'))) and \
            json.load(open(os.path.join(folder, 'curve.json')))[-1]['step'] >= json.load(open(cfg_path))['steps']
        if not done:
            cmd = [sys.executable, os.path.join(HERE, 'train.py'), '--config', cfg_path, '--out', folder,
                   ] + (['--bf16'] if a.bf16 else [])
            if os.path.exists(os.path.join(folder, 'torch-ckpt', 'checkpoint.pt')):
                cmd.append('--resume')
            subprocess.run(cmd, check=True)
        curve = json.load(open(os.path.join(folder, 'curve.json')))
        cfg = json.load(open(cfg_path))
        params = sum(p.numel() for p in GPT(parse_run_config(cfg).model).parameters())
        last = curve[-1]
        rows.append({'size': size, 'n_layers': layers, 'd_model': d, 'params': params, 'steps': cfg['steps'],
                     'tokens': last['tokens'], 'minutes': round(last['seconds'] / 60, 1),
                     'tokens_per_s': round(last['tokens'] / max(1, last['seconds'])), metric: last[metric], 'curve': curve})
        print(f'{a.game} {size}: {metric} {last[metric]:.4f} after {last["tokens"]} tokens, {last["seconds"] / 60:.1f} min', flush=True)
    with open(os.path.join(a.out, f'{a.game}-study.json'), 'w') as f:
        json.dump({'game': a.game, 'minutes_each': a.minutes, 'bf16': a.bf16, 'metric': metric, 'rows': rows}, f, indent=1)
    with open(os.path.join(a.out, f'{a.game}-study.svg'), 'w') as f:
        f.write(svg(a.game, rows, metric))


if __name__ == '__main__':
    main()
