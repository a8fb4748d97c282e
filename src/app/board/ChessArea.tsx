// The board column for chess: overlay choice and legend, the board at the current character (drag a
// piece to play), character-by-character stepping, the transcript with the current character
// highlighted (click one to go there), PGN paste, and the model's next-character probabilities.
import { Chess } from 'chess.js';
import { useMemo, useState } from 'react';
import { legalNextChars, transcriptBoards } from '../../games/chess/boards';
import { chessTranscriptOf } from '../../games/chess/games-file';
import { CHESS_VOCAB } from '../../games/chess/tokenizer';
import { squareIndex } from '../../games/chess/squares';
import { useSession, useView } from '../state/store';
import { OVERLAYS, type Overlay } from '../state/view';
import { buildChessOverlay } from './chess-overlays';
import { ChessBoard } from './ChessBoard';
import { Legend } from './Legend';
import { ModelQuality, probeQualityNote } from './ModelQuality';

const OVERLAY_TITLES: Record<Overlay, string> = {
  predictions: 'Next characters (listed below)', probe: 'Piece probe vs true board', feature: 'Feature: meaning per square',
  decoder: 'Feature: decoder via probe', active: 'Active features: squares', none: 'No overlay',
};

const showChar = (c: string) => (c === ' ' ? '␣' : c);

export function ChessArea({ presenting = false, size = 480 }: { presenting?: boolean; size?: number }) {
  const { view, set, step, goTo, newGame, randomGame, playSan, loadText } = useView();
  const analysis = useSession((s) => s.analysis);
  const atlas = useSession((s) => s.atlas?.atlas ?? null);
  const statics = useSession((s) => s.loaded?.statics ?? null);
  const info = useSession((s) => s.manifest?.find((m) => m.id === view.model));
  const [paste, setPaste] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const boards = useMemo(() => transcriptBoards(view.text), [view.text]);
  const t = view.pos - 1;
  const fen = boards.fens[t >= 0 ? boards.completed[t] : 0];
  const layer = useSession((s) => s.loaded?.layer);
  const probeNote = probeQualityNote(info, 'piece', layer);
  const result = useMemo(() => buildChessOverlay(view.overlay, { t, fen, analysis, atlas, statics, feature: view.feature, probeNote }),
    [view.overlay, t, fen, analysis, atlas, statics, view.feature, probeNote]);
  const overlay = result && 'overlay' in result ? result : null;
  const turn = new Chess(fen).turn() === 'w' ? 'White' : 'Black';
  // whole half-moves: jump to the character after the next / previous space
  const nextMove = () => { const i = view.text.indexOf(' ', view.pos); goTo(i < 0 ? view.text.length : i + 1); };
  const prevMove = () => { const i = view.text.lastIndexOf(' ', Math.max(0, view.pos - 2)); goTo(i < 0 ? 0 : i + 1); };
  const onMove = (from: string, to: string) => {
    const board = new Chess(fen);
    try {
      const m = board.move({ from, to, promotion: 'q' });
      playSan(m.san);
      setProblem(null);
      return true;
    } catch {
      setProblem(`${from}-${to} is not a legal move for ${turn} here`);
      return false;
    }
  };
  const load = () => {
    try {
      loadText(chessTranscriptOf(paste));
      setProblem(null);
    } catch (e) {
      setProblem(`Not loaded: ${(e as Error).message}. The game on the board is unchanged.`);
    }
  };
  const board = (
    <div className="board-wrap">
      <ChessBoard fen={fen} overlay={overlay?.overlay} selected={view.square} width={size} onMove={onMove} onSquare={(sq) => set({ square: squareIndex(sq), panel: 'square' })} />
    </div>
  );
  const legend = overlay ? <Legend spec={overlay.legend} /> : result && 'unavailable' in result ? <p className="small legend" data-testid="legend">{OVERLAY_TITLES[view.overlay]}: {result.unavailable}</p> : null;
  // Presenter mode: the board and its legend only, sized to the screen; predictions and transcript go beside the panel.
  if (presenting) return <section className="board-area" data-testid="chess-area" style={{ width: size }}><span className="small"><span data-testid="position">character {view.pos} / {view.text.length}</span> · {turn} to move on the board shown</span>{board}{legend}</section>;
  return (
    <section className="board-area" data-testid="chess-area">
      <div className="row">
        <label>Overlay <select aria-label="overlay" value={view.overlay} onChange={(e) => set({ overlay: e.target.value as Overlay })}>
          {OVERLAYS.map((o) => <option key={o} value={o}>{OVERLAY_TITLES[o]}</option>)}
        </select></label>
        <span className="small">{turn} to move on the board shown · drag a piece to play</span>
      </div>
      {board}
      {legend}
      {overlay && <ul className="small chess-tips" data-testid="overlay-tips">{overlay.overlay.tips.filter((_, s) => (overlay.overlay.values[s] as number) >= 0.5).slice(0, 6).map((tip) => <li key={tip}>{tip}</li>)}</ul>}
      {problem && <p className="error" role="alert" data-testid="paste-error">{problem}</p>}
      <div className="controls">
        <button onClick={() => randomGame(Math.floor(Math.random() * 2 ** 31))}>Random game</button>
        <button onClick={newGame}>New game</button>
        <button onClick={() => step(-view.pos)} disabled={view.pos === 0} aria-label="first position">«</button>
        <button onClick={prevMove} disabled={view.pos === 0} aria-label="previous move">◀◀</button>
        <button onClick={() => step(-1)} disabled={view.pos === 0} aria-label="previous character">◀</button>
        <span className="pos" data-testid="position">character {view.pos} / {view.text.length}</span>
        <button onClick={() => step(1)} disabled={view.pos === view.text.length} aria-label="next character">▶</button>
        <button onClick={nextMove} disabled={view.pos === view.text.length} aria-label="next move">▶▶</button>
        <button onClick={() => step(view.text.length - view.pos)} disabled={view.pos === view.text.length} aria-label="last position">»</button>
      </div>
      <input className="timeline" type="range" aria-label="timeline" min={0} max={view.text.length} value={view.pos} onChange={(e) => goTo(Number(e.target.value))} disabled={view.text.length === 0} />
      <ChessTranscript />
      <div className="row">
        {/* A text area: PGN as copied from a database has header lines, comments and variations. Ctrl+Enter loads. */}
        <textarea className="paste" aria-label="paste a game" rows={2} placeholder={'paste PGN (headers, comments and variations allowed) or a transcript, e.g. 1. e4 e5 2. Nf3'} value={paste} onChange={(e) => setPaste(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || !paste.includes('\n'))) { e.preventDefault(); load(); } }} />
        <button onClick={load}>Load game</button>
        <button onClick={() => setPaste(view.text)}>Copy game here</button>
      </div>
      <ChessPredictions />
    </section>
  );
}

/** The transcript with the current character highlighted; click a character to go there. */
export function ChessTranscript() {
  const view = useView((s) => s.view);
  const goTo = useView((s) => s.goTo);
  const t = view.pos - 1;
  return (
    <p className="transcript chess-transcript" data-testid="transcript">
      {view.text.length === 0 ? 'No moves yet: drag a white piece to play, or start a random game.' : Array.from(view.text, (c, i) => (
        <span key={i} className={[i === t ? 'cur' : i > t ? 'later' : '', c === '.' ? 'dot' : ''].join(' ').trim() || undefined} onClick={() => goTo(i + 1)}
          title={`character ${i + 1}${c === '.' ? ' (a "." where the paper scores board properties)' : ''}`}>{c}</span>
      ))}
    </p>
  );
}

/** The model's top next characters, each marked legal or illegal, and its probability on those that continue a legal move. */
export function ChessPredictions() {
  const view = useView((s) => s.view);
  const analysis = useSession((s) => s.analysis);
  const info = useSession((s) => s.manifest?.find((m) => m.id === view.model));
  const t = view.pos - 1;
  const V = CHESS_VOCAB.length;
  const probs = analysis && t >= 0 && t < analysis.T && analysis.probs.length === analysis.T * V ? analysis.probs.subarray(t * V, (t + 1) * V) : null;
  const top = probs ? Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a]).slice(0, 6) : [];
  const legalNext = useMemo(() => (view.pos > 0 ? legalNextChars(view.text, view.pos) : null), [view.text, view.pos]);
  const legalMass = probs && legalNext ? [...legalNext].reduce((s, c) => s + probs[CHESS_VOCAB.indexOf(c)], 0) : null;
  return (
    <div className="panel" data-testid="predictions">
      <h2>Model's next character</h2>
      <ModelQuality info={info} />
      {view.pos === 0 && <p className="small">The model predicts from the characters so far; step into the game.</p>}
      {probs && (
        <>
          <p className="small" data-testid="legal-mass" data-analysed={analysis!.T}>
            After “{showChar(view.text[t])}”: {legalMass === null ? 'a move number comes next' : `probability on characters that continue a legal move ${(legalMass * 100).toFixed(1)}%`} · forward {analysis!.ms.toFixed(0)} ms ({analysis!.backend})
          </p>
          <ol className="top">
            {top.map((i) => {
              const ok = legalNext ? legalNext.has(CHESS_VOCAB[i]) : null;
              return <li key={i} className={ok === false ? 'illegal' : 'legal'}><span>{showChar(CHESS_VOCAB[i])}</span><span>{(probs[i] * 100).toFixed(1)}%</span><span>{ok === null ? '' : ok ? 'legal' : 'illegal'}</span></li>;
            })}
          </ol>
        </>
      )}
    </div>
  );
}
