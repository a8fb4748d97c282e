// A watchdog thread for the fuzzer (plain JavaScript: worker threads do not get the tsx loader): the main thread parses synchronously, so a parser that hangs
// cannot be interrupted from inside. Before each input the main thread copies it into shared memory
// and bumps a counter; when the counter stands still for `limitMs`, this thread saves the input to
// fuzz/corpus/<harness>/ and kills the process, so the hang is found, kept and reported.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { shared, dir, limitMs } = workerData;
const head = new Int32Array(shared, 0, 2); // [counter, input length]
const bytes = new Uint8Array(shared, 8);
let last = -1, since = Date.now();
setInterval(() => {
  const now = Atomics.load(head, 0);
  if (now !== last) { last = now; since = Date.now(); return; }
  if (now === 0 || Date.now() - since < limitMs) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `hang-watchdog-${Date.now()}`);
  writeFileSync(file, bytes.slice(0, Atomics.load(head, 1)));
  process.stderr.write(`watchdog: input ${now} ran over ${limitMs} ms; saved ${file}; stopping\n`);
  process.kill(process.pid, 'SIGKILL');
}, 250);
parentPort?.postMessage('ready');
