// Everything about the selected feature: histogram, top-activating positions and examples from four
// activation ranges (drawn as small boards, click to open), its direct effect on next-move logits,
// its best-matching board-state properties, and the user's name and note for it.
import { useMemo } from 'react';
import { transcriptBoards } from '../../games/chess/boards';
import { CHESS_VOCAB } from '../../games/chess/tokenizer';
import { replay, squareLabel } from '../../games/othello';
import { ChessBoard } from '../board/ChessBoard';
import { HISTOGRAM_BINS, RANGE_EXAMPLES, RANGE_GROUPS, TOP_POSITIONS } from '../../metrics/atlas';
import { OthelloBoard } from '../board/OthelloBoard';
import { entryName } from '../state/features';
import { judgedMatches, MIN_SKILL, MIN_SUPPORT } from '../../metrics/labels';
import { useSession, useView } from '../state/store';
import { Histogram } from './Histogram';
import { NoteEditor } from './NoteEditor';

export function FeatureDashboard() {
  const view = useView((s) => s.view);
  const atlasR = useSession((s) => s.atlas);
  const statics = useSession((s) => s.loaded?.statics ?? null);
  const nCtx = useSession((s) => s.loaded?.nCtx ?? 59);
  const chess = view.game === 'chess';
  const loadMoves = useView((s) => s.replaceView);
  const f = view.feature;
  const starts = useMemo(() => {
    if (!atlasR) return [];
    const out: number[] = [];
    let o = 0;
    for (const g of atlasR.games) { out.push(o); o += Math.min(g.length, nCtx); }
    return out;
  }, [atlasR, nCtx]);
  if (f === null) return <p className="small">Select a feature (from "Features here", the square explorer, or type its number below).</p>;
  if (!atlasR) return <p className="small">The feature atlas is still being computed.</p>;
  const { atlas, games } = atlasR;
  if (f < 0 || f >= atlas.features) return <p className="error">Feature {f} does not exist: this SAE has {atlas.features} features.</p>;
  const i = atlas.aliveIndex[f];
  const where = (x: number) => {
    let g = 0;
    while (g + 1 < starts.length && starts[g + 1] <= x) g++;
    return { g, move: x - starts[g] };
  };
  const open = (x: number) => {
    const { g, move } = where(x);
    const game = games[g];
    loadMoves(typeof game === 'string' ? { ...view, text: game, pos: move + 1, panel: 'dashboard' } : { ...view, moves: game, pos: move + 1, panel: 'dashboard' });
  };
  const mini = (x: number, act: number, key: string) => {
    const { g, move } = where(x);
    const game = games[g];
    if (typeof game === 'string') return <ChessMini key={key} text={game} at={move} act={act} label={`atlas game ${g + 1}`} onOpen={() => open(x)} />;
    const state = replay(game.slice(0, move + 1)).at(-1)!;
    return (
      <button key={key} className="mini-pos" onClick={() => open(x)} title={`atlas game ${g + 1}, after move ${move + 1} (${squareLabel(game[move])}); activation ${act.toFixed(3)}`}>
        <OthelloBoard cells={state.cells} lastMove={game[move]} size="mini" />
        {!Number.isNaN(act) && <span>{act.toFixed(2)}</span>}
      </button>
    );
  };
  // Many random games share their first moves: show each distinct position once.
  const distinct = (xs: number[]) => {
    const seen = new Set<string>();
    return xs.filter((x) => {
      const { g, move } = where(x);
      const game = games[g];
      const key = typeof game === 'string' ? game.slice(0, move + 1) : game.slice(0, move + 1).join(',');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const effect = !chess ? statics?.logitEffect.subarray(f * 64, (f + 1) * 64) : undefined;
  const charEffect = chess && statics ? statics.logitEffect.subarray(f * statics.outputs, (f + 1) * statics.outputs) : undefined;
  const effMax = effect ? Math.max(1e-9, ...Array.from(effect).filter((v) => !Number.isNaN(v)).map(Math.abs)) : 1;
  const ranked = effect ? Array.from({ length: 64 }, (_, s) => s).filter((s) => !Number.isNaN(effect[s])).sort((a, b) => effect[b] - effect[a]) : [];
  return (
    <div data-testid="dashboard">
      <h3>Feature #{f}</h3>
      <NoteEditor feature={f} />
      {i < 0 ? <p className="small">This feature never fired on the {games.length} atlas games (dead on this sample).</p> : (
        <>
          <h4>Activations on {games.length} random games ({atlas.positions.toLocaleString('en-US')} positions)</h4>
          <Histogram counts={atlas.histogram.subarray(i * HISTOGRAM_BINS, (i + 1) * HISTOGRAM_BINS)} maxAct={atlas.scale[i]} density={atlas.density[i]} />
          <h4>Top-activating {chess ? 'characters (the board after the last completed move; the character in bold)' : 'positions'}</h4>
          <div className="mini-grid" data-testid="top-positions">
            {distinct(Array.from({ length: TOP_POSITIONS }, (_, k) => atlas.topPositions[i * TOP_POSITIONS + k]).filter((x) => x >= 0))
              .map((x, k) => mini(x, atlas.topActs[i * TOP_POSITIONS + Array.from(atlas.topPositions.subarray(i * TOP_POSITIONS, (i + 1) * TOP_POSITIONS)).indexOf(x)], `t${k}`))}
          </div>
          <h4>Examples by activation range</h4>
          {Array.from({ length: RANGE_GROUPS }, (_, g) => RANGE_GROUPS - 1 - g).map((g) => {
            const xs = distinct(Array.from({ length: RANGE_EXAMPLES }, (_, e) => atlas.rangeExamples[(i * RANGE_GROUPS + g) * RANGE_EXAMPLES + e]).filter((x) => x >= 0));
            return (
              <div key={g} className="range-row">
                <span className="small">{g * 25}–{(g + 1) * 25}% of max</span>
                {xs.length ? xs.map((x, k) => mini(x, NaN, `r${g}-${k}`)) : <span className="small">none</span>}
              </div>
            );
          })}
          <h4>Best-matching board properties <span className="small">({chess ? "scored at the '.' characters, White to move" : 'scored after every move'}; on {atlas.scored.toLocaleString()} positions)</span></h4>
          <p className="small">Always-on: the F1 of a feature that fires at every position (2p / (1 + p) for an entry true at a fraction p of positions). Skill: (F1 − always-on) / (1 − always-on). A property names the feature when skill ≥ {MIN_SKILL} with ≥ {MIN_SUPPORT} true positives.</p>
          <table className="num" data-testid="best-matches">
            <thead><tr><th>property</th><th>F1</th><th>always-on</th><th>skill</th><th>precision</th><th>recall</th><th>true pos.</th><th>threshold</th></tr></thead>
            <tbody>
              {judgedMatches(atlas, f, 6).map((m) => (
                <tr key={`${m.family}${m.entry}`} className={m.labelled ? 'labelled' : 'unlabelled'}><td>{entryName(m.family, m.entry)}{m.labelled ? '' : ' ✗'}</td><td>{m.f1.toFixed(3)}</td><td>{m.alwaysOn.toFixed(3)}</td><td>{m.skill.toFixed(2)}</td><td>{m.precision.toFixed(3)}</td><td>{m.recall.toFixed(3)}</td><td>{m.support}</td><td>{m.threshold.toFixed(1)}·max</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {charEffect && <CharEffect effect={charEffect} />}
      {effect && (
        <>
          <h4>Direct effect on next-move logits</h4>
          <div className="effect">
            <OthelloBoard cells={new Int8Array(64)} size="mini" label="logit effect" overlay={{ kind: 'diverging', values: Array.from(effect, (v) => v / effMax), tips: [] }} />
            <p className="small">Per unit activation, through the final LayerNorm's weights and the unembedding (direct path only). Raises most: {ranked.slice(0, 3).map((s) => `${squareLabel(s)} ${effect[s].toFixed(2)}`).join(', ')}; lowers most: {ranked.slice(-3).reverse().map((s) => `${squareLabel(s)} ${effect[s].toFixed(2)}`).join(', ')}.</p>
          </div>
        </>
      )}
    </div>
  );
}

/** A top-activating chess character: the board there and the transcript around it. */
function ChessMini({ text, at, act, label, onOpen }: { text: string; at: number; act: number; label: string; onOpen(): void }) {
  const fen = useMemo(() => { const b = transcriptBoards(text); return b.fens[b.completed[at]]; }, [text, at]);
  const from = Math.max(0, at - 12);
  return (
    <button className="mini-pos chess-mini" onClick={onOpen} title={`${label}, character ${at + 1} ("${text[at]}")${Number.isNaN(act) ? '' : `; activation ${act.toFixed(3)}`}`}>
      <ChessBoard fen={fen} width={132} />
      <span className="snippet">{from > 0 ? '…' : ''}{text.slice(from, at)}<b>{text[at] === ' ' ? '␣' : text[at]}</b>{text.slice(at + 1, at + 4)}</span>
      {!Number.isNaN(act) && <span>{act.toFixed(2)}</span>}
    </button>
  );
}

/** Chess: the feature's direct effect on next-character logits (per unit activation, direct path). */
function CharEffect({ effect }: { effect: Float32Array }) {
  const ranked = Array.from(effect, (v, i) => ({ c: CHESS_VOCAB[i] === ' ' ? '␣' : CHESS_VOCAB[i], v })).sort((a, b) => b.v - a.v);
  return (
    <>
      <h4>Direct effect on next-character logits</h4>
      <p className="small" data-testid="char-effect">Per unit activation, through the final LayerNorm's weights and the unembedding (direct path only). Raises most: {ranked.slice(0, 4).map((r) => `${r.c} ${r.v.toFixed(2)}`).join(', ')}; lowers most: {ranked.slice(-4).reverse().map((r) => `${r.c} ${r.v.toFixed(2)}`).join(', ')}.</p>
    </>
  );
}
