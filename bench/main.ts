// `npm run bench [-- <suite>] [options]`: performance measurements, never part of the tests.
import { benchFit } from './fit';
import { benchForward } from './forward';
import { benchLabels } from './labels';
import { benchMetrics } from './metrics';
import { benchOpen } from './open';
import { benchTrain } from './train';
import { benchUi } from './ui';

const SUITES: Record<string, (args: string[]) => Promise<void>> = { forward: benchForward, train: benchTrain, metrics: benchMetrics, ui: benchUi, open: benchOpen, labels: benchLabels, fit: benchFit };

const [first, ...rest] = process.argv.slice(2);
const suite = first && !first.startsWith('--') ? first : 'forward';
const args = first && !first.startsWith('--') ? rest : process.argv.slice(2);
const run = SUITES[suite];
if (!run) {
  console.error(`error: unknown benchmark "${suite}" (available: ${Object.keys(SUITES).join(', ')})`);
  process.exitCode = 2;
} else {
  run(args).catch((e) => { console.error(`error: ${(e as Error).message}`); process.exitCode = 1; });
}
