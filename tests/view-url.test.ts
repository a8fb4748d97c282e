// Shareable views: every field survives a round trip through the URL; malformed or hostile links
// give the default view plus plain messages, and nothing in them is evaluated.
import { describe, expect, it } from 'vitest';
import { CHESS_DEFAULT_VIEW, DEFAULT_VIEW, hashToView, viewToHash, type View } from '../src/app/state/view';
import { parseTranscript } from '../src/games/othello';

describe('view <-> URL', () => {
  it('round-trips a full view', () => {
    const moves = parseTranscript('d3 c5 f6 f5 e6 e3');
    const v: View = { ...DEFAULT_VIEW, model: 'othello-random-init', sae: 'topk-k32', moves, pos: 4, feature: 731, square: 19, overlay: 'feature', panel: 'dashboard',
      edits: [{ feature: 3, mode: 'ablate', value: 0 }, { feature: 9, mode: 'clamp', value: 2.5 }], tour: 'board-tracking', step: 2 };
    const hash = viewToHash(v);
    expect(hash).toContain('moves=d3c5f6f5e6e3');
    const back = hashToView(`#${hash}`);
    expect(back.problems).toEqual([]);
    expect(back.view).toEqual(v);
    const none = { ...DEFAULT_VIEW, sae: 'none', layer: 1 };
    expect(hashToView(viewToHash(none)).view).toEqual(none);
    expect(hashToView('').view).toEqual(DEFAULT_VIEW);
  });

  it('answers the default and a message for malformed or hostile links', () => {
    const cases: Array<[string, RegExp]> = [
      ['#moves=d3zz', /moves in the link were not used/],
      ['#moves=d3d3', /moves in the link were not used/],
      ['#pos=99&moves=d3', /position "99"/],
      ['#feature=-1', /not a feature number/],
      ['#feature=1e9', /not a feature number/],
      ['#square=k9', /not a square/],
      ['#overlay=<script>alert(1)</script>', /overlay .* is unknown/],
      ['#sae=../../etc/passwd', /not a valid id/],
      ['#model=javascript:alert(1)', /not a valid id/],
      ['#edits=1:ablate,foo', /intervention "foo"/],
      ['#constructor=1&__proto__=2', /unknown link field/],
      ['#game=go', /not available/],
      ['#game=chess&pgn=1.e4 e5 2.Ke3', /chess game in the link was not used: move 2\. "Ke3" is not legal/],
      ['#game=chess&moves=d3', /"moves" is an Othello field/],
      ['#game=chess&square=d9', /not a chess square/],
      [`#moves=${'d3'.repeat(5000)}`, /ignored/],
    ];
    for (const [hash, message] of cases) {
      const { view, problems } = hashToView(hash);
      expect(problems.join('; '), hash).toMatch(message);
      expect(view.overlay).toMatch(/^[a-z]+$/);
      expect(view.model).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(view.sae).toMatch(/^[A-Za-z0-9._-]+$/);
    }
    expect(hashToView('#pos=99&moves=d3').view.pos).toBe(1);
    expect(hashToView('#edits=1:ablate,foo').view.edits).toEqual([{ feature: 1, mode: 'ablate', value: 0 }]);
    expect(Object.prototype.hasOwnProperty.call({}, 'polluted')).toBe(false);
  });

  it('round-trips a chess view: transcript, character, square in chess numbering', () => {
    const v: View = { ...CHESS_DEFAULT_VIEW, text: ';1.e4 e5 2.Nf3 Nc6', pos: 9, feature: 12, square: 21, overlay: 'feature', panel: 'square', edits: [{ feature: 3, mode: 'ablate', value: 0 }] };
    const hash = viewToHash(v);
    expect(hash).toMatch(/^game=chess&/);
    expect(hash).toContain('square=f3'); // python-chess numbering: f3 = 2*8 + 5
    const back = hashToView(`#${hash}`);
    expect(back.problems).toEqual([]);
    expect(back.view).toEqual(v);
    // PGN in a link is read as the canonical transcript
    expect(hashToView('#game=chess&pgn=1. e4 {book} e5 2. Nf3').view).toMatchObject({ game: 'chess', text: ';1.e4 e5 2.Nf3', pos: 14, model: 'chess-gpt-default' });
    expect(hashToView(viewToHash(CHESS_DEFAULT_VIEW)).view).toEqual(CHESS_DEFAULT_VIEW);
  });
});

describe('chess tour', () => {
  it('its views are chess views at the characters its captions describe', async () => {
    const { TOURS, tourView } = await import('../src/app/tours/tours');
    const { legalNextChars, transcriptBoards } = await import('../src/games/chess/boards');
    const tour = TOURS.find((t) => t.id === 'chess-reading')!;
    const views = tour.steps.map((_, i) => tourView(tour, i));
    for (const v of views) {
      expect(v).toMatchObject({ game: 'chess', model: 'chess-gpt-default' });
      expect(() => transcriptBoards(v.text)).not.toThrow();
      expect(hashToView(viewToHash(v)).problems).toEqual([]);
    }
    expect(views[0].text[views[0].pos - 1]).toBe('.'); // "At each '.' White is to move"
    expect(legalNextChars(views[1].text, views[1].pos)).not.toBeNull(); // inside a move
    expect(views[2].text[views[2].pos - 1]).toBe('.');
    expect(views.map((v) => v.overlay)).toEqual(['none', 'none', 'probe', 'active', 'active']);
  });
});
