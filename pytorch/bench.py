"""Training-step throughput of the PyTorch trainer for a run config, for `npm run bench -- train`.
Prints one JSON line: tokens/s of the float32 step (1 torch thread; OpenBLAS threads itself) and of
the bfloat16-autocast step (every core, oneDNN), each the mean of `--steps` real training steps
(forward, backward, clipping, AdamW) on the run's own batches after two warm-up steps.

    python3 pytorch/bench.py --config configs/othello-default.json [--steps 8]
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import parse_run_config  # noqa: E402
from data import BatchStream  # noqa: E402
from model import GPT  # noqa: E402


def measure(c, batches, bf16: bool, threads: int) -> float:
    torch.set_num_threads(threads)
    model = GPT(c.model)
    model.init_weights(c.init_seed)
    opt = torch.optim.AdamW(model.decay_groups(c.weight_decay), lr=c.lr, betas=(c.beta1, c.beta2), eps=1e-8)
    V = c.model.d_vocab
    for i, (tokens, targets) in enumerate(batches):
        if i == 2:
            start = time.perf_counter()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            logits = model(tokens)
        loss = F.cross_entropy(logits.float().view(-1, V), targets.view(-1), ignore_index=-1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), c.clip_norm)
        opt.step()
    return (len(batches) - 2) * c.batch * c.model.n_ctx / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--config', required=True)
    p.add_argument('--steps', type=int, default=8)
    a = p.parse_args()
    with open(a.config) as f:
        c = parse_run_config(json.load(f))
    stream = BatchStream(a.config, c.batch, c.model.n_ctx, 1)
    batches = [stream.next() for _ in range(a.steps + 2)]
    stream.close()
    cores = os.cpu_count() or 1
    print(json.dumps({'fp32_tokens_per_s': measure(c, batches, False, 1),
                      'bf16_tokens_per_s': measure(c, batches, True, cores), 'cores': cores,
                      'torch': torch.__version__}))


if __name__ == '__main__':
    main()
