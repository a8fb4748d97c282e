// Everything about the selected feature: its activation at the current position, histogram,
// top-activating positions and examples from four activation ranges (small boards with the feature's
// squares outlined, the side to move and the activation; click to open), its best-matching
// board-state properties, its direct effect on next-move logits (board, legend and table), and the
// user's name and note for it.
import { useMemo } from 'react';
import { transcriptBoards } from '../../games/chess/boards';
import { CHESS_VOCAB } from '../../games/chess/tokenizer';
import { replay, squareLabel } from '../../games/othello';
import { ChessBoard } from '../board/ChessBoard';
import { chessSquareName } from '../board/chess-styles';
import { Legend } from '../board/Legend';
import { HISTOGRAM_BINS, RANGE_EXAMPLES, RANGE_GROUPS, TOP_POSITIONS } from '../../metrics/atlas';
import { OthelloBoard } from '../board/OthelloBoard';
import { entryName, featureMeaning } from '../state/features';
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
  // the squares the feature is about: those whose best entry passes the label rules
  const squares = (featureMeaning(atlas, f) ?? []).flatMap((m, sq) => (m.labelled ? [sq] : []));
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
    if (typeof game === 'string') return <ChessMini key={key} text={game} at={move} act={act} squares={squares} label={`atlas game ${g + 1}`} onOpen={() => open(x)} />;
    const state = replay(game.slice(0, move + 1)).at(-1)!;
    const toMove = state.next === 1 ? 'black' : 'white';
    return (
      <button key={key} className="mini-pos" onClick={() => open(x)} title={`atlas game ${g + 1}, after move ${move + 1} (${squareLabel(game[move])}), ${toMove} to move; activation ${act.toFixed(3)}`}>
        <OthelloBoard cells={state.cells} lastMove={game[move]} size="mini" highlight={squares} />
        <span className="mini-caption"><span className={`to-move ${toMove}`} title={`${toMove} to move`} />{act.toFixed(2)}</span>
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
      <CurrentActivation feature={f} max={i >= 0 ? atlas.scale[i] : 0} />
      {i >= 0 && <p className="small" data-testid="feature-squares">{squares.length
        ? <>Dashed orange outline on the small boards: {squares.length === 1 ? 'the square' : `the ${squares.length} squares`} whose best board property passes the label rules ({squares.map((sq) => (chess ? chessSquareName(sq) : squareLabel(sq))).join(', ')}). Dot: the side to move; number: the activation.</>
        : <>No square's board property passes the label rules, so no square is outlined. Dot on the small boards: the side to move; number: the activation.</>}</p>}
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
                {xs.length ? xs.map((x, k) => mini(x, atlas.rangeActs[(i * RANGE_GROUPS + g) * RANGE_EXAMPLES + atlas.rangeExamples.subarray((i * RANGE_GROUPS + g) * RANGE_EXAMPLES, (i * RANGE_GROUPS + g + 1) * RANGE_EXAMPLES).indexOf(x)], `r${g}-${k}`)) : <span className="small">none</span>}
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
          <p className="small">Per unit activation, through the final LayerNorm's weights and the unembedding (direct path only); the centre squares are never moves.</p>
          <div className="effect">
            <div>
              <OthelloBoard cells={new Int8Array(64)} size="mini" label="logit effect" overlay={{ kind: 'diverging', values: Array.from(effect, (v) => v / effMax), tips: [] }} />
              <Legend testId="logit-effect-legend" spec={{ title: '', kind: 'diverging', low: `lowers ${(-effMax).toFixed(2)}`, high: `raises +${effMax.toFixed(2)}` }} />
            </div>
            <table className="num" data-testid="logit-effect">
              <thead><tr><th>raises</th><th>logit</th><th>lowers</th><th>logit</th></tr></thead>
              <tbody>
                {Array.from({ length: 5 }, (_, k) => {
                  const up = ranked[k], down = ranked[ranked.length - 1 - k];
                  return <tr key={k}><td>{squareLabel(up)}</td><td>{signed(effect[up])}</td><td>{squareLabel(down)}</td><td>{signed(effect[down])}</td></tr>;
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** A top-activating chess character: the board there and the transcript around it. */
function ChessMini({ text, at, act, squares, label, onOpen }: { text: string; at: number; act: number; squares: readonly number[]; label: string; onOpen(): void }) {
  const fen = useMemo(() => { const b = transcriptBoards(text); return b.fens[b.completed[at]]; }, [text, at]);
  const toMove = fen.split(' ')[1] === 'b' ? 'black' : 'white';
  const from = Math.max(0, at - 12);
  return (
    <button className="mini-pos chess-mini" onClick={onOpen} title={`${label}, character ${at + 1} ("${text[at]}"), ${toMove} to move on the board shown; activation ${act.toFixed(3)}`}>
      <ChessBoard fen={fen} width={132} highlight={squares} />
      <span className="snippet">{from > 0 ? '…' : ''}{text.slice(from, at)}<b>{text[at] === ' ' ? '␣' : text[at]}</b>{text.slice(at + 1, at + 4)}</span>
      <span className="mini-caption"><span className={`to-move ${toMove}`} title={`${toMove} to move`} />{act.toFixed(2)}</span>
    </button>
  );
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

/** The feature's activation at the position on the board, beside its maximum on the atlas games. */
function CurrentActivation({ feature, max }: { feature: number; max: number }) {
  const view = useView((s) => s.view);
  const a = useSession((s) => s.analysis);
  const t = view.pos - 1;
  const where = view.game === 'chess' ? `at character ${view.pos} ("${view.text[t] === ' ' ? '␣' : view.text[t]}")` : `after move ${view.pos}`;
  if (t < 0) return <p className="small" data-testid="current-activation">Now: step into the game to see this feature's activation.</p>;
  if (!a || t >= a.T) return <p className="small" data-testid="current-activation">Now: {a ? `past the model's ${a.T}-token context` : 'computing…'}</p>;
  const act = a.acts[t * a.F + feature];
  return (
    <p className="current-activation" data-testid="current-activation" data-value={act}>
      Now, {where}: activation <strong>{act.toFixed(2)}</strong>{max > 0 ? ` (${Math.round((100 * act) / max)}% of its maximum ${max.toFixed(2)} on the atlas games)` : ''}
    </p>
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
