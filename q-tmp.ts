import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
const b = new Uint8Array(readFileSync('fuzz/corpus/torch-checkpoint/hang-watchdog-1796231528026'));
const t0 = performance.now();
try { const e = unzipSync(b, { filter: (f) => { console.log('entry', JSON.stringify(f.name).slice(0,60), f.compression, f.originalSize, f.size); return false; } }); console.log('ok', Object.keys(e).length); } catch (e) { console.log('err', (e as Error).message); }
console.log(performance.now() - t0);
