// A short run of every fuzz harness (the full runs are `npm run fuzz`, 100,000 inputs each), and
// every saved crashing or hanging input of earlier runs (fuzz/corpus/) replayed: each must now end
// in a clean one-line refusal or be accepted, quickly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHarness } from '../fuzz/harness';
import { HARNESSES } from '../fuzz/harnesses';

describe('fuzz harnesses (smoke run)', () => {
  for (const h of HARNESSES) {
    it(`${h.name}: 400 mutated inputs, no crash, hang or blow-up`, () => {
      const r = runHarness(h, 400, 7);
      expect(r.findings.map((f) => `${f.outcome}: ${f.message}`)).toEqual([]);
      expect(r.counts.rejected + r.counts.accepted).toBe(400);
      // the mutations reach both outcomes, so the harness exercises the parser and not only its front door
      if (!h.neverThrows) expect(r.counts.rejected).toBeGreaterThan(0);
      expect(r.counts.accepted).toBeGreaterThan(0);
    });
  }
});

describe('fuzz corpus (regressions)', () => {
  for (const h of HARNESSES) {
    const dir = join(__dirname, '..', 'fuzz', 'corpus', h.name);
    const files = existsSync(dir) ? readdirSync(dir) : [];
    it(`${h.name}: ${files.length} saved inputs end cleanly`, () => {
      for (const f of files) {
        const t0 = performance.now();
        try {
          h.parse(new Uint8Array(readFileSync(join(dir, f))));
        } catch (e) {
          expect(h.clean(e), `${f}: ${(e as Error).message}`).toBe(true);
          expect((e as Error).message).not.toContain('\n');
        }
        expect(performance.now() - t0, f).toBeLessThan(1000);
      }
    });
  }
});
