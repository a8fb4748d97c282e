// The board column: overlay choice and legend, the live board (click to play or to inspect a
// square), game controls, a timeline, the transcript (paste your own), board export, and the
// model's top next moves.
import { useMemo, useRef, useState } from 'react';
import { countDiscs, formatTranscript, NotationError, replay, squareLabel } from '../../games/othello';
import { parseMovesOrTokens } from '../../games/othello/games-file';
import { useSession, useView } from '../state/store';
import { OVERLAYS, type Overlay } from '../state/view';
import { exportBoard } from './export';
import { Legend } from './Legend';
import { ModelQuality, probeQualityNote } from './ModelQuality';
import { OthelloBoard } from './OthelloBoard';
import { buildOverlay } from './overlays';

const OVERLAY_TITLES: Record<Overlay, string> = {
  predictions: 'Next-move probabilities', probe: 'Probe vs true board', feature: 'Feature: meaning per square',
  decoder: 'Feature: decoder via probe', active: 'Active features: squares', none: 'No overlay',
};

export function BoardArea({ legal, presenting = false, size }: { legal: number[]; presenting?: boolean; size?: number }) {
  const { view, states, set, play, step, goTo, newGame, randomGame, loadMoves } = useView();
  const analysis = useSession((s) => s.analysis);
  const atlas = useSession((s) => s.atlas?.atlas ?? null);
  const statics = useSession((s) => s.loaded?.statics ?? null);
  const info = useSession((s) => s.manifest?.find((m) => m.id === view.model));
  const [mode, setMode] = useState<'play' | 'inspect'>('play');
  const [text, setText] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);
  const boardRef = useRef<HTMLDivElement>(null);
  const state = states[view.pos];
  // Overlays are rebuilt only when what they read changes, not on every render (the "active" one loops over features).
  const layer = useSession((s) => s.loaded?.layer);
  const probeNote = probeQualityNote(info, 'mine-theirs-empty', layer);
  const result = useMemo(() => buildOverlay(view.overlay, { pos: view.pos, cells: state.cells, analysis, atlas, statics, feature: view.feature, probeNote }),
    [view.overlay, view.pos, state, analysis, atlas, statics, view.feature, probeNote]);
  const overlay = result && 'overlay' in result ? result : null;
  const discs = countDiscs(state.cells);
  const onSquare = (s: number, isLegal: boolean) => {
    if (mode === 'play' && isLegal) play(s);
    else set({ square: s, panel: 'square' });
  };
  const loadText = () => {
    try {
      const moves = parseMovesOrTokens(text); // moves, or token ids as the CLI and games files take them
      replay(moves);
      loadMoves(moves);
      setPasteError(null);
    } catch (e) {
      setPasteError(e instanceof NotationError || e instanceof Error ? e.message : String(e));
    }
  };
  const board = (
    <div ref={boardRef} className="board-wrap">
      <OthelloBoard cells={state.cells} legal={legal} overlay={overlay?.overlay} lastMove={view.pos > 0 ? view.moves[view.pos - 1] : undefined} selected={view.square} onSquare={onSquare} />
    </div>
  );
  const legend = overlay ? <Legend spec={overlay.legend} /> : result && 'unavailable' in result ? <p className="small legend" data-testid="legend">{OVERLAY_TITLES[view.overlay]}: {result.unavailable}</p> : null;
  // Presenter mode: the board and its legend only, sized to the screen; the predictions go beside the panel.
  if (presenting) {
    return (
      <section className="board-area" style={{ width: size }}>
        <span className="small"><span data-testid="position">move {view.pos} / {view.moves.length}</span> · <span data-testid="side-to-move">{state.next === 1 ? 'Black' : 'White'} to move · {legal.length} legal move{legal.length === 1 ? '' : 's'}</span></span>
        {board}{legend}
      </section>
    );
  }
  return (
    <section className="board-area">
      <div className="row">
        <label>Overlay <select aria-label="overlay" value={view.overlay} onChange={(e) => set({ overlay: e.target.value as Overlay })}>
          {OVERLAYS.map((o) => <option key={o} value={o}>{OVERLAY_TITLES[o]}</option>)}
        </select></label>
        <span className="mode" role="radiogroup" aria-label="click mode">
          <label><input type="radio" checked={mode === 'play'} onChange={() => setMode('play')} /> click plays</label>
          <label><input type="radio" checked={mode === 'inspect'} onChange={() => setMode('inspect')} /> click inspects</label>
        </span>
      </div>
      {board}
      {legend}
      <div className="controls">
        <button onClick={() => randomGame(Math.floor(Math.random() * 2 ** 31))}>Random game</button>
        <button onClick={newGame}>New game</button>
        <button onClick={() => step(-view.pos)} disabled={view.pos === 0} aria-label="first position">«</button>
        <button onClick={() => step(-1)} disabled={view.pos === 0} aria-label="previous move">◀</button>
        <span className="pos" data-testid="position">move {view.pos} / {view.moves.length}</span>
        <button onClick={() => step(1)} disabled={view.pos === view.moves.length} aria-label="next move">▶</button>
        <button onClick={() => step(view.moves.length - view.pos)} disabled={view.pos === view.moves.length} aria-label="last position">»</button>
      </div>
      <input className="timeline" type="range" aria-label="timeline" min={0} max={view.moves.length} value={view.pos} onChange={(e) => goTo(Number(e.target.value))} disabled={view.moves.length === 0} />
      <p className="transcript" data-testid="transcript">
        {view.moves.length === 0 ? 'No moves yet: click a marked square to play black.' : view.moves.map((m, i) => (
          <span key={i} className={i === view.pos - 1 ? 'cur' : i >= view.pos ? 'later' : ''} onClick={() => goTo(i + 1)}>{squareLabel(m)} </span>
        ))}
      </p>
      <div className="row">
        <input className="paste" aria-label="paste a transcript" placeholder="paste moves (d3 c5 f6) or token ids (20,21,34)" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && loadText()} />
        <button onClick={loadText}>Load moves</button>
        <button onClick={() => setText(formatTranscript(view.moves))}>Copy moves here</button>
      </div>
      {pasteError && <p className="error" role="alert" data-testid="paste-error">Not loaded: {pasteError}. The game on the board is unchanged.</p>}
      <div className="row">
        <button onClick={() => exportBoard(boardRef.current, 'svg')}>Export SVG</button>
        <button onClick={() => exportBoard(boardRef.current, 'png')}>Export PNG</button>
        <span className="small" data-testid="side-to-move">{state.next === 1 ? 'Black' : 'White'} to move · {legal.length} legal move{legal.length === 1 ? '' : 's'} · black {discs.black}, white {discs.white}</span>
      </div>
      <OthelloPredictions legal={legal} />
    </section>
  );
}

/** The model's top next moves and its probability on the legal ones, at the position on the board. */
export function OthelloPredictions({ legal }: { legal: number[] }) {
  const view = useView((s) => s.view);
  const analysis = useSession((s) => s.analysis);
  const info = useSession((s) => s.manifest?.find((m) => m.id === view.model));
  const t = view.pos - 1;
  const probs = analysis && t >= 0 && t < analysis.T ? analysis.probs.subarray(t * 64, (t + 1) * 64) : null;
  const top = probs ? Array.from({ length: 64 }, (_, s) => s).filter((s) => !Number.isNaN(probs[s])).sort((a, b) => probs[b] - probs[a]).slice(0, 5) : [];
  const legalMass = probs ? legal.reduce((s, q) => s + probs[q], 0) : 0;
  return (
    <div className="panel" data-testid="predictions">
      <h2>Model's next move</h2>
      <ModelQuality info={info} />
      {view.pos === 0 && <p className="small">The model predicts from the moves so far; play a move to see its prediction.</p>}
      {probs && (
        <>
          <p className="small" data-testid="legal-mass" data-analysed={analysis!.T}>Probability on legal moves: {(legalMass * 100).toFixed(1)}% · forward {analysis!.ms.toFixed(0)} ms ({analysis!.backend})</p>
          <ol className="top">
            {top.map((s) => (
              <li key={s} className={legal.includes(s) ? 'legal' : 'illegal'}><span>{squareLabel(s)}</span><span>{(probs[s] * 100).toFixed(1)}%</span><span>{legal.includes(s) ? 'legal' : 'illegal'}</span></li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
