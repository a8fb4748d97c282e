// Command-line entry point: `npm run cli -- <command> ...`. A user's mistake prints one line to
// stderr and exits with code 2; anything else is an internal error (exit 1), still one line.
import { IllegalMoveError } from '../games/othello/board';
import { NotationError } from '../games/othello/notation';
import { TokenError } from '../games/othello/tokenizer';
import { WeightFormatError } from '../model/adapters';
import { ConfigError } from '../model/config';
import { ForwardInputError } from '../model/cpu-forward';
import { SaeFormatError } from '../sae/types';
import { SafetensorsError } from '../tensor/safetensors';
import { UsageError } from './args';
import { FORWARD_USAGE, runForward } from './forward';
import { runTrainModel, TRAIN_MODEL_USAGE } from './train-model';
import { EVAL_USAGE, runEval } from './eval';
import { runTrainProbe, TRAIN_PROBE_USAGE } from './train-probe';
import { runTrainSae, TRAIN_SAE_USAGE } from './train-sae';
import { MODEL_CARD_USAGE, runModelCard } from './model-card';
import { METRICS_USAGE, runMetrics } from './metrics';
import { INIT_MODEL_USAGE, runInitModel } from './init-model';
import { GamesFileError } from '../games/othello/games-file';
import { RunConfigError } from '../train/run-config';
import { TorchFileError } from '../tensor/torch-checkpoint';
import { CheckpointError } from '../train/checkpoint';
import { BATCHES_USAGE, EVAL_SET_USAGE, runBatches, runEvalSet } from './torch-data';

const USER_ERRORS = [UsageError, IllegalMoveError, NotationError, TokenError, WeightFormatError, ConfigError, ForwardInputError, SaeFormatError, SafetensorsError, RunConfigError, GamesFileError, TorchFileError, CheckpointError];

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<string> }> = {
  forward: { usage: FORWARD_USAGE, run: runForward },
  'train-model': { usage: TRAIN_MODEL_USAGE, run: runTrainModel },
  'init-model': { usage: INIT_MODEL_USAGE, run: runInitModel },
  eval: { usage: EVAL_USAGE, run: runEval },
  'train-probe': { usage: TRAIN_PROBE_USAGE, run: runTrainProbe },
  'train-sae': { usage: TRAIN_SAE_USAGE, run: runTrainSae },
  metrics: { usage: METRICS_USAGE, run: runMetrics },
  'model-card': { usage: MODEL_CARD_USAGE, run: runModelCard },
  batches: { usage: BATCHES_USAGE, run: runBatches },
  'eval-set': { usage: EVAL_SET_USAGE, run: runEvalSet },
};

function usage(): string {
  return ['usage: npm run cli -- <command> [options]', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(usage());
    return command === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[command];
  if (!cmd) {
    console.error(`error: unknown command "${command}"\n${usage()}`);
    return 2;
  }
  try {
    const message = await cmd.run(rest);
    if (message) console.log(message);
    return 0;
  } catch (e) {
    if (USER_ERRORS.some((E) => e instanceof E)) {
      console.error(`error: ${(e as Error).message}`);
      return 2;
    }
    console.error(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
