"""Trains a default model with PyTorch: the same run config, data, schedule, clipping and AdamW as
the WGSL trainer (`npm run cli -- train-model`), at the speed of this machine's BLAS, or on CUDA.

    python3 pytorch/train.py --config configs/othello-default.json --out runs/othello-torch [--resume]
        [--init-from runs/othello-default/model.safetensors] [--recover] [--max-minutes N] [--stop-after STEPS]
    torchrun --standalone --nproc_per_node 2 --redirects 2 --tee 2 pytorch/train.py ...   # data-parallel
        (gloo on CPUs, NCCL on GPUs; each process streams its slice of every step's games, and the
        result equals one process on the whole batch. --redirects/--tee are needed with Debian's
        torch 1.13 on Python 3.11, whose torchrun parses their default "0" to None and crashes.)

Writes to --out: model.safetensors + config.json (TransformerLens layout, loaded by the workbench
unchanged), history.json (loss every 10 steps), curve.json (held-out legality), and the resumable
checkpoint (parameters, AdamW moments, step) in --out/torch-ckpt/, which git ignores. Prints a
progress line (step, loss, tokens/s, ETA); checkpoints every checkpoint_minutes and on
SIGINT/SIGTERM; --resume continues exactly where the checkpoint stands (the batch of step s
depends only on the data seed and s). When the checkpoint folder is lost (a fresh clone), --recover
continues from the committed model.safetensors in --out instead: its step (from the file's metadata),
history.json and curve.json, with fresh AdamW moments and the learning rate warmed up again over
warmup_steps, so the run goes on with the same data stream and schedule.
"""
import argparse
import json
import os
import signal
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import ConfigError, learning_rate, parse_run_config  # noqa: E402
from data import BatchStream, evaluate, make_eval_set  # noqa: E402
from model import GPT, export_weights, load_weights, read_metadata  # noqa: E402

# Keys a resumed run may change (as train-model): the schedule length and the intervals.
RESCHEDULABLE = {'steps', 'checkpoint_minutes', 'curve_minutes'}


def fmt_time(s: float) -> str:
    return f'{int(s // 3600)}h{int(s % 3600 // 60):02d}m' if s >= 3600 else f'{int(s // 60)}m{int(s % 60):02d}s'


def parse_args(argv):
    p = argparse.ArgumentParser(description='Train a board-game GPT with PyTorch.')
    p.add_argument('--config', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--resume', action='store_true')
    p.add_argument('--init-from', help='start from these weights (TransformerLens-layout safetensors) instead of a seeded init')
    p.add_argument('--recover', action='store_true',
                   help='no checkpoint in --out/torch-ckpt: continue from --out/model.safetensors at the step its metadata records')
    p.add_argument('--max-minutes', type=float, default=float('inf'))
    p.add_argument('--stop-after', type=int, default=None, help='stop after this many steps (checkpointed)')
    p.add_argument('--threads', type=int, default=None,
                   help='torch intra-op threads (default: every core with --bf16, whose matmuls run in oneDNN; '
                        'otherwise 1, since OpenBLAS threads the float32 matmuls itself and more threads fight it)')
    p.add_argument('--device', default=None, help='cpu or cuda (default: cuda when present)')
    p.add_argument('--bf16', action='store_true', help='bfloat16 autocast for the matmuls (weights and AdamW stay float32)')
    p.add_argument('--eval-count', type=int, default=200)
    return p.parse_args(argv)


def strip_schedule(c: dict) -> dict:
    return {k: v for k, v in c.items() if k not in RESCHEDULABLE}


def recover_state(out: str, config) -> dict:
    """The step, history and curve of a run whose checkpoint is lost, from what it exported to --out."""
    with open(os.path.join(out, 'config.json')) as f:
        if json.load(f) != config.model.to_json():
            raise ValueError('its config.json is not the model of --config')
    step = int(read_metadata(os.path.join(out, 'model.safetensors')).get('step', '0'))
    if step < 1 or step >= config.steps:
        raise ValueError(f'model.safetensors records step {step}; it must lie in 1..{config.steps - 1}')
    loaded = {}
    for name in ('history.json', 'curve.json'):
        with open(os.path.join(out, name)) as f:
            loaded[name] = [e for e in json.load(f) if e['step'] <= step]
    curve = loaded['curve.json']
    return {'step': step, 'history': loaded['history.json'], 'curve': curve,
            'seconds': curve[-1].get('seconds', 0) if curve else 0}


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        with open(args.config) as f:
            config_json = json.load(f)
        config = parse_run_config(config_json)
    except (OSError, json.JSONDecodeError, ConfigError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    if not (args.max_minutes > 0) or (args.stop_after is not None and args.stop_after < 1):
        print('error: --max-minutes and --stop-after must be positive', file=sys.stderr)
        return 2

    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    if world > 1:
        if config.batch % world:
            print(f'error: batch {config.batch} does not split over {world} processes', file=sys.stderr)
            return 2
        if device.type == 'cuda':
            device = torch.device('cuda', int(os.environ.get('LOCAL_RANK', '0')))
            torch.cuda.set_device(device)
        dist.init_process_group('nccl' if device.type == 'cuda' else 'gloo')
    if device.type == 'cpu':
        # Denormal floats (tiny attention probabilities underflow into them) are slow on x86 cores;
        # flushing them to zero is the usual guard and changes no result that matters here.
        torch.set_flush_denormal(True)
        torch.set_num_threads(args.threads or ((os.cpu_count() or 1) // world if args.bf16 else 1) or 1)
    lead = rank == 0
    say = (lambda *a: print(*a, flush=True)) if lead else (lambda *a: None)

    ck_dir = os.path.join(args.out, 'torch-ckpt')
    ck_path = os.path.join(ck_dir, 'checkpoint.pt')
    ck = None
    recovered = None
    if os.path.exists(ck_path) and args.recover:
        print(f'error: {ck_path} exists; continue it with --resume (--recover is for a lost checkpoint)', file=sys.stderr)
        return 2
    if os.path.exists(ck_path):
        if not args.resume:
            print(f'error: a run already exists in {args.out}; pass --resume to continue it', file=sys.stderr)
            return 2
        ck = torch.load(ck_path, map_location='cpu')
        if strip_schedule(ck['config']) != strip_schedule(config_json):
            print(f'error: --config differs from the config the run in {args.out} was started with '
                  f'(only {", ".join(sorted(RESCHEDULABLE))} may change on --resume)', file=sys.stderr)
            return 2
        if config.steps <= ck['step']:
            print(f'error: --config "steps" ({config.steps}) must be above the step the run reached ({ck["step"]})', file=sys.stderr)
            return 2
    elif args.recover:
        try:
            recovered = recover_state(args.out, config)
        except (OSError, ValueError, json.JSONDecodeError) as e:
            print(f'error: cannot recover the run in {args.out}: {e}', file=sys.stderr)
            return 2
    elif args.resume:
        print(f'error: nothing to resume: {ck_path} does not exist (a run whose checkpoint was lost continues with --recover)',
              file=sys.stderr)
        return 2
    os.makedirs(ck_dir, exist_ok=True)

    model = GPT(config.model)
    if ck:
        model.load_state_dict(ck['model'])
    elif recovered:
        load_weights(model, os.path.join(args.out, 'model.safetensors'))
    elif args.init_from:
        load_weights(model, args.init_from)
    else:
        model.init_weights(config.init_seed)
    model.to(device)
    opt = torch.optim.AdamW(model.decay_groups(config.weight_decay), lr=config.lr,
                            betas=(config.beta1, config.beta2), eps=1e-8)
    if ck:
        opt.load_state_dict(ck['optim'])
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model

    if ck:
        step, history, curve, meta = ck['step'], ck['history'], ck['curve'], ck['meta']
    elif recovered:
        step, history, curve = recovered['step'], recovered['history'], recovered['curve']
        meta = {'started': time.strftime('%Y-%m-%d %H:%M:%S'), 'seconds': recovered['seconds'],
                'recoveries': [{'step': step, 'at': time.strftime('%Y-%m-%d %H:%M:%S')}]}
    else:
        step, history, curve = 0, [], []
        meta = {'init_from': args.init_from, 'started': time.strftime('%Y-%m-%d %H:%M:%S')}
    rewarm_from = meta['recoveries'][-1]['step'] if meta.get('recoveries') else None
    last_step = config.steps if args.stop_after is None else min(config.steps, step + args.stop_after)
    eval_set = make_eval_set(args.config, os.path.join(ck_dir, 'eval-set.json'), count=args.eval_count) if lead else None
    stream = BatchStream(args.config, config.batch, config.model.n_ctx, step + 1, rank, world)
    tokens_per_step = config.batch * config.model.n_ctx
    say(f'{"resuming at step " + str(step) if ck else "recovering at step " + str(step) + " (fresh AdamW moments)" if recovered else "starting"}: {config.steps} steps of {config.batch} games on '
        f'{device}{" x" + str(world) if world > 1 else ""}, {torch.get_num_threads()} torch threads'
        f'{", bf16 autocast" if args.bf16 else ""}')

    stop = {'requested': False}

    def request_stop(*_):
        stop['requested'] = True
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    last_curve = -float('inf')

    def save(final: bool):
        nonlocal last_curve
        if not lead:
            return
        due = final or (time.time() - last_curve) / 60 >= config.curve_minutes
        if due and (not curve or curve[-1]['step'] != step):
            last_curve = time.time()
            m = evaluate(model, eval_set, device)
            m.pop('positions')
            curve.append({'step': step, 'tokens': step * tokens_per_step, 'seconds': round(meta.get('seconds', 0)), **m})
            say(f'step {step}: ' + ', '.join(f'{k} {v:.4f}' for k, v in m.items()) + f' on {args.eval_count} held-out games')
        state = {'step': step, 'model': model.state_dict(), 'optim': opt.state_dict(), 'history': history,
                 'curve': curve, 'config': config_json, 'meta': meta}
        torch.save(state, ck_path + '.tmp')
        os.replace(ck_path + '.tmp', ck_path)
        export_weights(model, os.path.join(args.out, 'model.safetensors'), {'step': step, 'trainer': 'pytorch'})
        with open(os.path.join(args.out, 'config.json'), 'w') as f:
            json.dump(config.model.to_json(), f, indent=2)
        for name, data in (('history.json', history), ('curve.json', curve)):
            with open(os.path.join(args.out, name), 'w') as f:
                json.dump(data, f)

    V = config.model.d_vocab
    start = last_save = window_start = time.time()
    seconds_before = meta.get('seconds', 0)
    window_loss, window_steps = 0.0, 0
    try:
        while step < last_step and (time.time() - start) / 60 < args.max_minutes:
            # Every rank must agree to stop at the same step (a signal reaches them at different times).
            flag = torch.tensor([1.0 if stop['requested'] else 0.0])
            if world > 1:
                dist.all_reduce(flag)
            if flag.item() > 0:
                break
            lr = learning_rate(config, step)
            if rewarm_from is not None and step - rewarm_from < config.warmup_steps:
                # Fresh AdamW moments after a recovery: warm up again, as at the start of a run.
                lr *= (step - rewarm_from + 1) / config.warmup_steps
            for g in opt.param_groups:
                g['lr'] = lr
            tokens, targets = stream.next()
            tokens, targets = tokens.to(device), targets.to(device)
            # The loss is the mean over every rank's targets: each rank divides its sum by the global
            # count (times world, since DDP averages gradients), so DDP equals one big batch exactly.
            count = torch.tensor([float((targets >= 0).sum())], device=device)
            if world > 1:
                dist.all_reduce(count)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
                logits = net(tokens)
            loss_sum = F.cross_entropy(logits.float().view(-1, V), targets.view(-1), ignore_index=-1, reduction='sum')
            loss = loss_sum * (world / count.clamp(min=1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            # Global-norm clipping (the WGSL trainer scales by min(1, clip / norm); torch adds 1e-6 to the norm).
            grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
            opt.step()
            step_loss = float(loss_sum.detach()) / max(1.0, float(count)) * world
            if world > 1:
                t = torch.tensor([step_loss / world], device=device)
                dist.all_reduce(t)
                step_loss = float(t)
            if step_loss != step_loss or step_loss in (float('inf'), -float('inf')):
                raise RuntimeError(f'loss became {step_loss} at step {step + 1}; stopping without overwriting the last checkpoint')
            step += 1
            window_loss += step_loss
            window_steps += 1
            if window_steps == 10 or step == config.steps:
                secs = time.time() - window_start
                rate = window_steps * tokens_per_step / secs
                history.append({'step': step, 'loss': window_loss / window_steps})
                eta = (config.steps - step) * tokens_per_step / rate
                say(f'step {step}/{config.steps}  loss {window_loss / window_steps:.4f}  grad-norm {float(grad_norm):.3f}  '
                    f'lr {lr:.2e}  {rate:.0f} tokens/s  ETA {fmt_time(eta)}')
                window_loss, window_steps, window_start = 0.0, 0, time.time()
            meta['seconds'] = seconds_before + time.time() - start
            if (time.time() - last_save) / 60 >= config.checkpoint_minutes:
                save(False)
                last_save = time.time()
                say(f'checkpoint at step {step}')
        meta['seconds'] = seconds_before + time.time() - start
        save(True)
    finally:
        stream.close()
        if world > 1:
            dist.barrier()
            dist.destroy_process_group()
    say(f'{"finished" if step >= config.steps else "stopped"} at step {step}; model.safetensors and config.json in {args.out}, '
        f'checkpoint in {ck_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
