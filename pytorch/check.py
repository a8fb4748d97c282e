"""Runs the PyTorch model once for the cross-check tests (tests/pytorch-trainer.test.ts): logits of a
batch and, with targets, the gradients of the mean next-token loss, written as safetensors with
TransformerLens names (`logits` [B, T, V], `loss` [1], `grad.<name>`).

    python3 pytorch/check.py --weights model.safetensors --config config.json --batch batch.json --out out.safetensors
batch.json: {"tokens": [[...], ...], "targets": [[...], ...] (optional, -1 = no target)}
    python3 pytorch/check.py --weights model.safetensors --config config.json --eval-set set.json
prints the held-out scores of an `npm run cli -- eval-set` file as JSON (as the trainer's learning curve).
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import parse_model_config  # noqa: E402
from data import evaluate  # noqa: E402
from model import GPT, load_weights, save_safetensors  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--weights', required=True)
    p.add_argument('--config', required=True)
    p.add_argument('--batch')
    p.add_argument('--out')
    p.add_argument('--eval-set')
    a = p.parse_args()
    torch.set_num_threads(1)
    with open(a.config) as f:
        model = GPT(parse_model_config(json.load(f)))
    load_weights(model, a.weights)
    if a.eval_set:
        with open(a.eval_set) as f:
            print(json.dumps(evaluate(model, json.load(f))))
        return
    with open(a.batch) as f:
        batch = json.load(f)
    tokens = torch.tensor(batch['tokens'], dtype=torch.long)
    logits = model(tokens)
    out = {'logits': logits.detach()}
    if 'targets' in batch:
        targets = torch.tensor(batch['targets'], dtype=torch.long)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=-1)
        loss.backward()
        out['loss'] = loss.detach().reshape(1)
        out.update({f'grad.{n}': p.grad for n, p in model.named_parameters()})
    save_safetensors(a.out, out)


if __name__ == '__main__':
    main()
