// `npm run fuzz [-- <harness,...>] [--count 100000] [--seed 1]`: mutation fuzzing of the parsers of
// untrusted input (fuzz/harnesses.ts). Prints a table (inputs, clean rejections, accepted, crashes,
// hangs over 1 s, blow-ups) and saves every crashing, hanging or blowing-up input to
// fuzz/corpus/<harness>/, which the tests replay. Exits 1 when anything but accepted/rejected occurred.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runHarness } from './harness';
import { HARNESSES } from './harnesses';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const count = flag('count', 100_000), seed = flag('seed', 1);
const names = args[0] && !args[0].startsWith('--') ? args[0].split(',') : HARNESSES.map((h) => h.name);
const unknown = names.filter((n) => !HARNESSES.some((h) => h.name === n));
if (unknown.length) {
  console.error(`error: unknown harness ${unknown.join(', ')} (available: ${HARNESSES.map((h) => h.name).join(', ')})`);
  process.exit(2);
}

console.log('| parser | inputs | clean rejections | accepted | crashes | hangs > 1 s | blow-ups | slowest |');
console.log('|---|---|---|---|---|---|---|---|');
let bad = 0;
for (const h of HARNESSES.filter((x) => names.includes(x.name))) {
  const t0 = performance.now();
  // A watchdog thread saves an input that hangs for 5 s and stops the run (a synchronous parser cannot be interrupted).
  const shared = new SharedArrayBuffer(8 + (16 << 20));
  const dog = new Worker(new URL('./watchdog.mjs', import.meta.url), { workerData: { shared, dir: join(dirname(fileURLToPath(import.meta.url)), 'corpus', h.name), limitMs: 5000 }});
  await new Promise((r) => dog.once('message', r));
  const r = runHarness(h, count, seed, (done) => { if (done % 10_000 === 0) process.stderr.write(`${h.name}: ${done}/${count} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`); },
    { head: new Int32Array(shared, 0, 2), bytes: new Uint8Array(shared, 8) });
  await dog.terminate();
  const c = r.counts;
  console.log(`| ${h.name} | ${r.inputs} | ${c.rejected} | ${c.accepted} | ${c.crash} | ${c.hang} | ${c.blowup} | ${r.slowestMs.toFixed(0)} ms |`);
  for (const f of r.findings) {
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'corpus', h.name);
    mkdirSync(dir, { recursive: true });
    const name = `${f.outcome}-${createHash('sha256').update(f.input).digest('hex').slice(0, 16)}`;
    writeFileSync(join(dir, name), f.input);
    console.error(`${h.name}: ${f.outcome}: ${f.message.slice(0, 200)} (saved fuzz/corpus/${h.name}/${name})`);
  }
  bad += c.crash + c.hang + c.blowup;
}
process.exitCode = bad ? 1 : 0;
