"""Training batches and the held-out set, both made by the project's own game generators in Node
(`npm run cli -- batches` / `eval-set`, src/cli/torch-data.ts), so the rules exist once. The batch of
step s depends only on the run's data seed and s, so a resumed run reads exactly the batches it
would have read, and training and evaluation seeds are disjoint (src/train/data.ts)."""
import json
import os
import subprocess

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args: str) -> list[str]:
    """The project's CLI as a command line (node with tsx, as `npm run cli` runs it)."""
    return ['node', '--import', 'tsx', os.path.join(ROOT, 'src', 'cli', 'main.ts'), *args]


class BatchStream:
    """Reads the batches of steps from_step, from_step+1, ... (this rank's slice) from a Node process."""

    def __init__(self, config_path: str, batch: int, n_ctx: int, from_step: int, rank: int = 0, world: int = 1):
        self.B, self.T = batch // world, n_ctx
        self.proc = subprocess.Popen(
            cli('batches', '--config', os.path.abspath(config_path), '--from-step', str(from_step),
                '--rank', str(rank), '--world', str(world)),
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 20)

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        n = self.B * self.T * 4
        raw = self.proc.stdout.read(2 * n)
        if len(raw) != 2 * n:
            err = self.proc.stderr.read().decode(errors='replace').strip()
            raise RuntimeError(f'the batch stream ended early: {err or "no message"}')
        both = torch.frombuffer(bytearray(raw), dtype=torch.int32).view(2, self.B, self.T).long()
        return both[0], both[1]  # tokens, targets (-1 = no target)

    def close(self):
        self.proc.kill()
        self.proc.wait()


def make_eval_set(config_path: str, out: str, seed: int = 4242, count: int = 200) -> dict:
    subprocess.run(cli('eval-set', '--config', os.path.abspath(config_path), '--out', out, '--seed', str(seed),
                       '--count', str(count)), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


@torch.no_grad()
def evaluate(model, eval_set: dict, device='cpu') -> dict:
    """The learning-curve numbers of `train-model` (src/train/eval.ts, src/train/chess-eval.ts)."""
    model.eval()
    try:
        return _othello(model, eval_set, device) if eval_set['game'] == 'othello' else _chess(model, eval_set, device)
    finally:
        model.train()


def _othello(model, s, device):
    """Top-1 legal rate and mean legal probability mass over positions with a legal next move."""
    V = model.config.d_vocab
    positions = top1 = 0
    mass = 0.0
    games = s['games']
    for start in range(0, len(games), 64):
        chunk = games[start:start + 64]
        T = max(len(g['tokens']) for g in chunk)
        toks = torch.zeros(len(chunk), T, dtype=torch.long)
        for b, g in enumerate(chunk):
            toks[b, :len(g['tokens'])] = torch.tensor(g['tokens'])
        probs = model(toks.to(device)).float().softmax(-1).cpu()
        for b, g in enumerate(chunk):
            for i, legal in enumerate(g['legal']):
                if not legal:
                    continue
                p = probs[b, i]
                positions += 1
                top1 += int(int(p.argmax()) in legal)
                mass += float(p[legal].sum())
    return {'legal_top1': top1 / positions, 'legal_mass': mass / positions, 'positions': positions}


def _stripped(san: str) -> str:
    """chess.js's strippedSan: drop the first '=' and a trailing '+' or '#' (the vocabulary has no ?!)."""
    san = san.replace('=', '', 1)
    return san[:-1] if san.endswith(('+', '#')) else san


def _chess(model, s, device):
    """Greedy next-move legality at held-out move boundaries: write characters until a space."""
    vocab, n_ctx, space = s['vocab'], model.config.n_ctx, s['vocab'].index(' ')
    items = s['boundaries']
    legal = 0
    order = sorted(range(len(items)), key=lambda i: len(items[i]['prefix']))
    for start in range(0, len(order), 32):
        part = order[start:start + 32]
        seqs = [list(items[i]['prefix']) for i in part]
        done, moves = [False] * len(part), [''] * len(part)
        for _ in range(s['max_len']):
            live = [j for j in range(len(part)) if not done[j] and len(seqs[j]) < n_ctx]
            if not live:
                break
            T = max(len(seqs[j]) for j in live)
            toks = torch.zeros(len(live), T, dtype=torch.long)
            for r, j in enumerate(live):
                toks[r, :len(seqs[j])] = torch.tensor(seqs[j])
            logits = model(toks.to(device)).float().cpu()
            for r, j in enumerate(live):
                best = int(logits[r, len(seqs[j]) - 1].argmax())
                if best == space:
                    done[j] = True
                else:
                    seqs[j].append(best)
                    moves[j] += vocab[best]
        for j, i in enumerate(part):
            m = _stripped(moves[j])
            legal += int(moves[j] != '' and m != '--' and m in items[i]['legal'])
    return {'legal_greedy': legal / len(items), 'positions': len(items)}
