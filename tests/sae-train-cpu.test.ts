// The SAE training reference against finite differences.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/games/othello/generator';
import { randomArray } from '../src/model/random';
import { gatedLossAndGrads, saeLossAndGrads } from '../src/train/sae-cpu';
import { randomSae } from './helpers/sae';

/**
 * Central differences of `loss` at `samples` random entries of each parameter, against the analytic
 * gradient (relative to its largest entry). Kinks (a feature crossing zero, the top-k boundary, a
 * gate switching) make a finite difference meaningless; those entries are skipped. Returns the count checked.
 */
function checkGradients(loss: () => number, params: ReadonlyArray<readonly [string, Float32Array, Float32Array]>, samples: number): number {
  const rng = mulberry32(9);
  let checked = 0;
  for (const [name, param, grad] of params) {
    const scale = Math.max(1e-3, ...Array.from(grad, Math.abs));
    for (let n = 0; n < samples; n++) {
      const i = Math.floor(rng() * param.length), h = 1e-3, old = param[i];
      param[i] = old + h; const up = loss();
      param[i] = old - h; const down = loss();
      param[i] = old;
      const numeric = (up - down) / (2 * h);
      if (Math.abs(up + down - 2 * loss()) > 1e-3) continue;
      expect(Math.abs(numeric - grad[i]) / scale, `${name}[${i}] numeric ${numeric} analytic ${grad[i]}`).toBeLessThan(2e-2);
      checked++;
    }
  }
  return checked;
}

describe('SAE loss gradients', () => {
  for (const [kind, coef, p] of [['relu', 0.3, 1], ['relu', 0.3, 0.5], ['topk', 0, 1]] as const) {
    it(`${kind} with coef ${coef}, p ${p}`, () => {
      const sae = randomSae(kind, 6, 10, 4);
      const x = randomArray(5 * 6, 1, mulberry32(2));
      const g = saeLossAndGrads(sae, x, 5, coef, p);
      const loss = () => { const r = saeLossAndGrads(sae, x, 5, coef, p); return r.recon + r.sparsity; };
      checkGradients(loss, [['wEnc', sae.wEnc, g.dWEnc], ['bEnc', sae.bEnc, g.dBEnc], ['wDec', sae.wDec, g.dWDec], ['bDec', sae.bDec, g.dBDec]], 8);
    });
  }
});

describe('gated SAE loss gradients', () => {
  for (const [coef, p] of [[0.3, 1], [0.5, 0.6]] as const) {
    it(`coef ${coef}, p ${p}`, () => {
      const sae = randomSae('gated', 6, 10, 4);
      sae.bEnc.fill(0);
      const x = randomArray(5 * 6, 1, mulberry32(2));
      const g = gatedLossAndGrads(sae, x, 5, coef, p);
      const frozen = { wDec: sae.wDec.slice(), bDec: sae.bDec.slice() };
      const loss = () => { const r = gatedLossAndGrads(sae, x, 5, coef, p, frozen); return r.recon + r.sparsity + r.aux; };
      const checked = checkGradients(loss, [['wEnc', sae.wEnc, g.dWEnc], ['bGate', sae.bGate!, g.dBGate], ['rMag', sae.rMag!, g.dRMag],
        ['bMag', sae.bMag!, g.dBMag], ['wDec', sae.wDec, g.dWDec], ['bDec', sae.bDec, g.dBDec]], 10);
      expect(checked).toBeGreaterThan(20);
    });
  }
});
