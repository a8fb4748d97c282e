// Interventions: ablate a feature (set it to 0) or clamp it to a value at every position up to the
// one on the board, and compare the model's next-move predictions with the clean run side by side.
import { useEffect, useState } from 'react';
import { legalNextChars } from '../../games/chess/boards';
import { CHESS_VOCAB } from '../../games/chess/tokenizer';
import { legalMoves, squareLabel } from '../../games/othello';
import { OthelloBoard } from '../board/OthelloBoard';
import { useSession, useView } from '../state/store';
import type { Clamp } from '../state/view';
import type { InterventionResult } from '../worker/workbench';
import { workerClient } from '../useWorkbench';
import { useFeatureName } from './FeaturesPanel';
import { MAX_CLAMP } from '../state/view';

// The four centre squares are never moves (they start occupied): no probability, and no "NaN%".
const probsOverlay = (p: Float32Array) => {
  let max = 1e-9;
  for (const v of p) if (v > max) max = v;
  return {
    kind: 'heat' as const, values: Array.from(p, (v) => (Number.isFinite(v) ? v / max : 0)),
    labels: Array.from(p, (v) => (v >= 0.01 ? `${Math.round(v * 100)}%` : null)),
    tips: Array.from(p, (v, s) => (Number.isFinite(v) ? `${squareLabel(s)}: ${(v * 100).toFixed(2)}%` : `${squareLabel(s)}: a starting square, never a move`)),
  };
};

export function InterventionPanel() {
  const { view, states, set } = useView();
  const loaded = useSession((s) => s.loaded);
  const name = useFeatureName();
  const [result, setResult] = useState<InterventionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [value, setValue] = useState('0');
  const edits = view.edits;
  const chess = view.game === 'chess';
  const key = `${chess ? view.text : view.moves.join(',')}|${view.pos}|${JSON.stringify(edits)}|${loaded?.saeName}`;

  useEffect(() => {
    setResult(null);
    setError(null);
    if (!loaded?.dSae || view.pos === 0 || edits.length === 0) return;
    let stale = false;
    workerClient().request({ type: 'intervene', moves: chess ? view.text : view.moves, position: view.pos - 1, edits }).then(
      (r) => { if (!stale) setResult(r); },
      (e) => { if (!stale) setError((e as Error).message); },
    );
    return () => { stale = true; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!loaded?.dSae) return <p className="small">Interventions edit SAE features: pick an SAE first.</p>;
  const add = (mode: Clamp['mode']) => {
    if (view.feature === null) return;
    const v = Number(value);
    if (mode === 'clamp' && !Number.isFinite(v)) { setError(`"${value.slice(0, 20)}" is not a number`); return; }
    // The same range a link can carry (view.ts), so every clamp the panel accepts survives "Copy link".
    if (mode === 'clamp' && Math.abs(v) > MAX_CLAMP) { setError(`clamp values are between -${MAX_CLAMP} and ${MAX_CLAMP}`); return; }
    set({ edits: [...edits.filter((e) => e.feature !== view.feature), { feature: view.feature, mode, value: mode === 'clamp' ? v : 0 }] });
  };
  if (chess) return <ChessIntervention result={result} error={error} add={add} value={value} setValue={setValue} name={name} />;
  const state = states[view.pos];
  const legal = new Set(legalMoves(state));
  const changes = result ? Array.from({ length: 64 }, (_, s) => s).filter((s) => !Number.isNaN(result.clean[s]))
    .map((s) => ({ s, d: result.patched[s] - result.clean[s] })).sort((a, b) => Math.abs(b.d) - Math.abs(a.d)).slice(0, 5) : [];
  const mass = (p: Float32Array) => [...legal].reduce((acc, s) => acc + p[s], 0);
  return (
    <div data-testid="intervene-panel">
      <p className="small">Edits apply at every position up to move {view.pos}, keeping the SAE's reconstruction error (x + Σ (new − old)·W_dec). The patched run uses the CPU reference.</p>
      <EditControls result={result} add={add} value={value} setValue={setValue} name={name} />
      {view.pos === 0 && <p className="small">Play a move first.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <>
          <div className="side-by-side" data-testid="intervention-result">
            <figure><figcaption>Clean · legal mass {(mass(result.clean) * 100).toFixed(1)}%</figcaption><OthelloBoard cells={state.cells} overlay={probsOverlay(result.clean)} size="full" label="clean predictions" /></figure>
            <figure><figcaption>Patched · legal mass {(mass(result.patched) * 100).toFixed(1)}%</figcaption><OthelloBoard cells={state.cells} overlay={probsOverlay(result.patched)} size="full" label="patched predictions" /></figure>
          </div>
          <p className="small">Largest changes: {changes.map((c) => `${squareLabel(c.s)} ${c.d >= 0 ? '+' : ''}${(c.d * 100).toFixed(1)} pts`).join(', ')}</p>
        </>
      )}
    </div>
  );
}

interface ChessProps {
  result: InterventionResult | null; error: string | null; value: string;
  add(mode: Clamp['mode']): void; setValue(v: string): void; name(f: number): string;
}

/** Chess: the same edits, compared as next-character probabilities (and their mass on characters that continue a legal move). */
function ChessIntervention({ result, error, add, value, setValue, name }: ChessProps) {
  const view = useView((s) => s.view);
  const legal = view.pos > 0 ? legalNextChars(view.text, view.pos) : null;
  const mass = (p: Float32Array) => (legal ? [...legal].reduce((acc, c) => acc + p[CHESS_VOCAB.indexOf(c)], 0) : null);
  const shown = result ? Array.from(CHESS_VOCAB, (_, i) => i).sort((a, b) => Math.max(result.patched[b], result.clean[b]) - Math.max(result.patched[a], result.clean[a])).slice(0, 8) : [];
  const pctOf = (m: number | null) => (m === null ? 'a move number comes next' : `${(m * 100).toFixed(1)}% on legal continuations`);
  return (
    <div data-testid="intervene-panel">
      <p className="small">Edits apply at every character up to character {view.pos}, keeping the SAE's reconstruction error (x + Σ (new − old)·W_dec). The patched run uses the CPU reference.</p>
      <EditControls result={result} add={add} value={value} setValue={setValue} name={name} />
      {view.pos === 0 && <p className="small">Step into the game first.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <table className="num" data-testid="intervention-result">
          <caption className="small">Next character after “{view.text[view.pos - 1]}”: clean {pctOf(mass(result.clean))}; patched {pctOf(mass(result.patched))}</caption>
          <thead><tr><th>character</th><th>clean</th><th>patched</th><th>change</th></tr></thead>
          <tbody>
            {shown.map((i) => (
              <tr key={i}><td>{CHESS_VOCAB[i] === ' ' ? '␣ (space)' : CHESS_VOCAB[i]}</td><td>{(result.clean[i] * 100).toFixed(1)}%</td><td>{(result.patched[i] * 100).toFixed(1)}%</td>
                <td>{((result.patched[i] - result.clean[i]) * 100 >= 0 ? '+' : '') + ((result.patched[i] - result.clean[i]) * 100).toFixed(1)} pts</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The selected feature's ablate / clamp buttons and the list of edits in the view. */
function EditControls({ result, add, value, setValue, name }: Omit<ChessProps, 'error'>) {
  const { view, set } = useView();
  const edits = view.edits;
  return (
    <>
      <div className="row">
        <span>Selected: {view.feature === null ? 'none' : `#${view.feature}`}</span>
        <button onClick={() => add('ablate')} disabled={view.feature === null}>Ablate</button>
        <input aria-label="clamp value" value={value} onChange={(e) => setValue(e.target.value)} size={5} />
        <button onClick={() => add('clamp')} disabled={view.feature === null}>Clamp to value</button>
      </div>
      {edits.length > 0 && (
        <ul className="edits">
          {edits.map((e, k) => (
            <li key={e.feature}>#{e.feature} {e.mode === 'ablate' ? 'ablated' : `clamped to ${e.value}`} <span className="flabel">{name(e.feature)}</span>
              {result && <span className="small"> (was {result.before[k]?.toFixed(2)})</span>}
              <button className="link" onClick={() => set({ edits: edits.filter((x) => x.feature !== e.feature) })} aria-label={`remove edit of feature ${e.feature}`}>remove</button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
