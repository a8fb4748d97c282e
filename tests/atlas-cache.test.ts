// The atlas cache key hashes the weights themselves, and a stored atlas comes back from memory (in
// Node there is no IndexedDB: the page's browser test covers the stored copy across visits).
import { describe, expect, it } from 'vitest';
import { cachedAtlas, contentKey, storeAtlas } from '../src/app/worker/atlas-cache';

describe('atlas cache', () => {
  const w = () => ({ config: { dModel: 4 }, weights: { wE: new Float32Array([1, 2, 3, 4]), layers: [{ wQ: new Float32Array([5, 6]) }] } });
  it('keys by content: equal weights give one key, any changed value, hook or game count another', async () => {
    const a = await contentKey('othello', w(), 'blocks.3.hook_resid_post', 200, 2024);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await contentKey('othello', w(), 'blocks.3.hook_resid_post', 200, 2024)).toBe(a);
    const changed = w();
    changed.weights.layers[0].wQ[1] = 6.000001;
    expect(await contentKey('othello', changed, 'blocks.3.hook_resid_post', 200, 2024)).not.toBe(a);
    expect(await contentKey('othello', w(), 'blocks.2.hook_resid_post', 200, 2024)).not.toBe(a);
    expect(await contentKey('othello', w(), 'blocks.3.hook_resid_post', 60, 2024)).not.toBe(a);
    // an array's bytes, not where it sits in a larger buffer
    const buf = new Float32Array([9, 1, 2, 3, 4]);
    const view = { config: { dModel: 4 }, weights: { wE: buf.subarray(1), layers: [{ wQ: new Float32Array([5, 6]) }] } };
    expect(await contentKey('othello', view, 'blocks.3.hook_resid_post', 200, 2024)).toBe(a);
  });

  it('gives back a stored atlas from memory, and nothing for an unknown key', async () => {
    const entry = { atlas: { features: 3 } as never, games: [[19, 18]], ms: 1234 };
    await storeAtlas('k1', entry);
    const got = await cachedAtlas('k1');
    expect(got?.from).toBe('memory');
    expect(got?.ms).toBe(1234);
    expect(got?.games).toEqual([[19, 18]]);
    expect(await cachedAtlas('k2')).toBeUndefined();
  });
});
