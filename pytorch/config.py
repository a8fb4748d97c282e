"""The training-run config: the same JSON file and the same rules as src/train/run-config.ts
(HookedTransformerConfig field names under "model"), checked in full before any work starts."""
import json
import math
from dataclasses import dataclass, asdict


class ConfigError(ValueError):
    pass


ACT_FNS = ('gelu', 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh')
VOCAB = {'othello': 61, 'chess': 32}


@dataclass(frozen=True)
class ModelConfig:
    n_layers: int
    d_model: int
    n_heads: int
    d_head: int
    d_mlp: int
    d_vocab: int
    n_ctx: int
    act_fn: str = 'gelu'
    normalization_type: str = 'LN'
    eps: float = 1e-5

    def to_json(self) -> dict:
        """The HookedTransformerConfig the workbench reads (src/model/config.ts)."""
        d = asdict(self)
        d['act_fn'] = 'gelu' if self.act_fn == 'gelu' else 'gelu_new'
        return d


@dataclass(frozen=True)
class RunConfig:
    game: str
    model: ModelConfig
    init_seed: int
    data_seed: int
    batch: int
    steps: int
    lr: float
    warmup_steps: int
    min_lr_ratio: float
    weight_decay: float
    beta1: float
    beta2: float
    clip_norm: float
    checkpoint_minutes: float
    curve_minutes: float


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


def parse_model_config(j) -> ModelConfig:
    if not isinstance(j, dict):
        raise ConfigError('model config is not a JSON object')

    def pos_int(key, fallback=None):
        v = j.get(key, fallback)
        if not _is_int(v) or v <= 0 or v > 2**31:
            raise ConfigError(f'model config: "{key}" must be a positive integer (got {json.dumps(j.get(key))})')
        return v

    d_model, n_heads = pos_int('d_model'), pos_int('n_heads')
    act = j.get('act_fn', 'gelu')
    if act not in ACT_FNS:
        raise ConfigError(f'model config: act_fn {json.dumps(act)} is not supported (use one of {", ".join(ACT_FNS)})')
    norm = j.get('normalization_type', 'LN')
    if norm != 'LN':
        raise ConfigError('training needs normalization_type "LN" (LayerNorm with weights)')
    eps = j.get('eps', 1e-5)
    if not _is_num(eps) or eps <= 0:
        raise ConfigError('model config: "eps" must be a positive number')
    return ModelConfig(
        n_layers=pos_int('n_layers'), d_model=d_model, n_heads=n_heads,
        d_head=pos_int('d_head', d_model // n_heads if 'd_head' not in j and d_model % n_heads == 0 else None),
        d_mlp=pos_int('d_mlp', 4 * d_model if 'd_mlp' not in j else None),
        d_vocab=pos_int('d_vocab'), n_ctx=pos_int('n_ctx'), act_fn=act, normalization_type=norm, eps=float(eps))


def parse_run_config(j) -> RunConfig:
    if not isinstance(j, dict):
        raise ConfigError('training config is not a JSON object')

    def num(key, ok, what, fallback=None, integer=False):
        v = j.get(key, fallback)
        if not _is_num(v) or (integer and not _is_int(v)) or not ok(v):
            raise ConfigError(f'training config: "{key}" must be {what} (got {json.dumps(j.get(key))})')
        return v

    try:
        model = parse_model_config(j.get('model'))
    except ConfigError as e:
        raise ConfigError(f'training config "model": {e}') from None
    game = j.get('game', 'othello')
    if game not in VOCAB:
        raise ConfigError(f'training config: "game" must be "othello" or "chess" (got {json.dumps(game)})')
    if model.d_vocab != VOCAB[game]:
        raise ConfigError(f'training config: a {game} model needs d_vocab {VOCAB[game]} (got {model.d_vocab})')
    c = RunConfig(
        game=game, model=model,
        init_seed=num('init_seed', lambda v: v >= 0, 'a non-negative integer', 0, True),
        data_seed=num('data_seed', lambda v: v >= 0, 'a non-negative integer', 1, True),
        batch=num('batch', lambda v: 1 <= v <= 1024, 'an integer in 1..1024', None, True),
        steps=num('steps', lambda v: v >= 1, 'a positive integer', None, True),
        lr=num('lr', lambda v: 0 < v < 1, 'in (0, 1)'),
        warmup_steps=num('warmup_steps', lambda v: v >= 0, 'a non-negative integer', 0, True),
        min_lr_ratio=num('min_lr_ratio', lambda v: 0 <= v <= 1, 'in [0, 1]', 0.1),
        weight_decay=num('weight_decay', lambda v: 0 <= v < 1, 'in [0, 1)', 0),
        beta1=num('beta1', lambda v: 0 <= v < 1, 'in [0, 1)', 0.9),
        beta2=num('beta2', lambda v: 0 <= v < 1, 'in [0, 1)', 0.999),
        clip_norm=num('clip_norm', lambda v: v > 0, 'positive', 1),
        checkpoint_minutes=num('checkpoint_minutes', lambda v: 0 < v <= 10, 'in (0, 10]', 5),
        curve_minutes=num('curve_minutes', lambda v: v >= 0, 'a non-negative number', 0),
    )
    if c.warmup_steps >= c.steps:
        raise ConfigError('training config: warmup_steps must be below steps')
    return c


def learning_rate(c: RunConfig, step: int) -> float:
    """Linear warm-up, then cosine decay to min_lr_ratio of the peak (src/train/schedule.ts); `step` counts from 0."""
    if step < c.warmup_steps:
        return c.lr * (step + 1) / c.warmup_steps
    progress = min(1.0, (step - c.warmup_steps) / max(1, c.steps - c.warmup_steps))
    return c.lr * (c.min_lr_ratio + (1 - c.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))
