// The workbench page (first cut): a live Othello board with the model's next-move probabilities
// computed by the WGSL forward pass, a plain statement of the WebGPU status, and game controls.
import { useEffect, useMemo, useState } from 'react';
import { countDiscs, encodeSquares, formatTranscript, legalMoves, squareLabel, STOI_INDICES, tokenVectorToBoard } from '../games/othello';
import { createEngine, type Engine } from './engine';
import { OthelloBoard } from './OthelloBoard';
import { useGame } from './store';

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; engine: Engine };

export function App() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [pred, setPred] = useState<{ probs: Float32Array; ms: number; forMoves: string } | null>(null);
  const [predError, setPredError] = useState<string | null>(null);
  const { moves, cursor, states, play, randomGame, reset, step } = useGame();
  const state = states[cursor];
  const legal = useMemo(() => legalMoves(state), [state]);
  const shown = moves.slice(0, cursor);
  const key = shown.join(',');

  useEffect(() => {
    createEngine().then((engine) => setLoad({ status: 'ready', engine }), (e) => setLoad({ status: 'error', message: (e as Error).message }));
  }, []);

  useEffect(() => {
    if (load.status !== 'ready') return;
    const nCtx = load.engine.info.config.nCtx;
    if (shown.length === 0 || shown.length > nCtx) { setPred(null); return; }
    let stale = false;
    load.engine.predict(encodeSquares(shown)).then(
      (r) => { if (!stale) { setPred({ ...r, forMoves: key }); setPredError(null); } },
      (e) => { if (!stale) setPredError((e as Error).message); },
    );
    return () => { stale = true; };
  }, [load, key]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowLeft') step(-1);
      if (e.key === 'ArrowRight') step(1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);

  const fresh = pred && pred.forMoves === key ? pred : null;
  const overlay = fresh ? tokenVectorToBoard(fresh.probs) : undefined;
  const legalMass = fresh ? legal.reduce((s, sq) => s + fresh.probs[STOI_INDICES.indexOf(sq) + 1], 0) : 0;
  const top = fresh
    ? Array.from({ length: 60 }, (_, i) => ({ sq: STOI_INDICES[i], p: fresh.probs[i + 1] })).sort((a, b) => b.p - a.p).slice(0, 5)
    : [];
  const discs = countDiscs(state.cells);

  return (
    <div className="app">
      <header>
        <h1>Board-game SAE workbench</h1>
        <span className="sub">Othello-GPT in WGSL compute shaders</span>
      </header>
      {load.status === 'loading' && <p className="notice" role="status">Loading model…</p>}
      {load.status === 'error' && <p className="notice error" role="alert">Could not start: {load.message}</p>}
      {load.status === 'ready' && (
        <p className={load.engine.gpuProblem ? 'notice warn' : 'notice ok'} role="status" data-testid="gpu-status">
          {load.engine.gpuProblem
            ? `No WebGPU: ${load.engine.gpuProblem}. The model runs on the CPU reference instead (slower).`
            : `Running on ${load.engine.backend}.`}
        </p>
      )}
      <main>
        <section>
          <OthelloBoard state={state} legal={legal} overlay={overlay} lastMove={cursor > 0 ? moves[cursor - 1] : undefined} onPlay={play} />
          <div className="controls">
            <button onClick={() => randomGame(Math.floor(Math.random() * 2 ** 31))}>Random game</button>
            <button onClick={reset}>New game</button>
            <button onClick={() => step(-cursor)} disabled={cursor === 0} aria-label="first position">«</button>
            <button onClick={() => step(-1)} disabled={cursor === 0} aria-label="previous move">◀</button>
            <span className="pos" data-testid="position">move {cursor} / {moves.length}</span>
            <button onClick={() => step(1)} disabled={cursor === moves.length} aria-label="next move">▶</button>
            <button onClick={() => step(moves.length - cursor)} disabled={cursor === moves.length} aria-label="last position">»</button>
          </div>
          <p className="transcript" data-testid="transcript">{formatTranscript(shown) || 'No moves yet: click a marked square to play black.'}</p>
        </section>
        <aside>
          {load.status === 'ready' && (
            <div className="panel">
              <h2>{load.engine.info.name}</h2>
              {!load.engine.info.trained && <p className="warn-text">Untrained: random weights. Its predictions are not meaningful; they show the engine running.</p>}
              {load.engine.info.trained && load.engine.info.metrics && (
                <p className="small" data-testid="model-quality">
                  Trained on {load.engine.info.metrics.games?.toLocaleString('en-US')} random games; its top move is legal
                  {' '}{(100 * load.engine.info.metrics.legal_top1).toFixed(1)}% of the time on 2,000 fresh games
                  {load.engine.info.card && <> (<a href={`${import.meta.env.BASE_URL}models/${load.engine.info.card}`} target="_blank" rel="noreferrer">model card</a>)</>}.
                </p>
              )}
              <p className="small">{load.engine.info.config.nLayers} layers, d_model {load.engine.info.config.dModel}, {load.engine.info.config.nHeads} heads</p>
            </div>
          )}
          <div className="panel" data-testid="predictions">
            <h2>Next-move probabilities</h2>
            <p className="small">{state.next === 1 ? 'Black' : 'White'} to move · black {discs.black}, white {discs.white}</p>
            {shown.length === 0 && <p className="small">The model predicts from the moves so far; play a move to see its prediction.</p>}
            {shown.length > 59 && <p className="small">The model's context holds 59 moves.</p>}
            {predError && <p className="error">{predError}</p>}
            {fresh && (
              <>
                <p className="small" data-testid="legal-mass">Probability on legal moves: {(legalMass * 100).toFixed(1)}% · forward {fresh.ms.toFixed(0)} ms</p>
                <ol className="top">
                  {top.map(({ sq, p }) => (
                    <li key={sq} className={legal.includes(sq) ? 'legal' : 'illegal'}>
                      <span>{squareLabel(sq)}</span><span>{(p * 100).toFixed(1)}%</span><span>{legal.includes(sq) ? 'legal' : 'illegal'}</span>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </div>
        </aside>
      </main>
    </div>
  );
}
