// The strongest SAE features at the position on the board: activation bars (relative to each
// feature's maximum on the atlas games), labels (the user's name, else the best board match) and
// a sparkline of the feature over the whole game. Clicking one selects it.
import { useCallback } from 'react';
import { activeFeatures, autoLabel } from '../state/features';
import { useSession, useView } from '../state/store';
import { noteKey, useNotes } from './notes';
import { Sparkline } from './Sparkline';

/** The user's name for a feature, else its label; stable while model, SAE, atlas and notes are (the feature list filters on it). */
export function useFeatureName(): (feature: number) => string {
  const model = useView((s) => s.view.model), sae = useView((s) => s.view.sae);
  const atlas = useSession((s) => s.atlas?.atlas ?? null);
  const notes = useNotes((s) => s.notes);
  return useCallback((f: number) => notes[noteKey(model, sae, f)]?.split('\n')[0] || autoLabel(atlas, f), [notes, model, sae, atlas]);
}

export function FeaturesPanel() {
  const view = useView((s) => s.view);
  const set = useView((s) => s.set);
  const a = useSession((s) => s.analysis);
  const atlas = useSession((s) => s.atlas?.atlas ?? null);
  const name = useFeatureName();
  const t = view.pos - 1;
  if (view.sae === 'none') return <p className="small">No SAE selected: pick one above to see its features.</p>;
  const unit = view.game === 'chess' ? 'character' : 'move';
  if (t < 0) return <p className="small">{view.game === 'chess' ? 'Step into the game (or start a random game): features are read at every character.' : 'Play a move (or start a random game): features are read after each move.'}</p>;
  if (!a) return <p className="small">Computing…</p>;
  if (t >= a.T) return <p className="small">The model's context holds {a.T} {unit}s.</p>;
  const top = activeFeatures(a.acts, a.F, t, 16);
  let active = 0;
  for (let f = 0; f < a.F; f++) if (a.acts[t * a.F + f] > 0) active++;
  return (
    <div data-testid="features-panel">
      <p className="small">{active} of {a.F} features active {view.game === 'chess' ? `at character ${view.pos} ("${view.text[t]}")` : `after move ${view.pos}`}; the strongest {top.length}:</p>
      <ul className="feature-list">
        {top.map(({ feature, act }) => {
          const i = atlas ? atlas.aliveIndex[feature] : -1;
          const max = i >= 0 ? atlas!.scale[i] : act;
          const series = Array.from({ length: a.T }, (_, k) => a.acts[k * a.F + feature]);
          return (
            <li key={feature}>
              <button className={view.feature === feature ? 'feature selected' : 'feature'} onClick={() => set({ feature, overlay: view.overlay === 'predictions' ? 'feature' : view.overlay })} data-testid={`feature-${feature}`}>
                <span className="fid">#{feature}</span>
                <span className="bar" title={`activation ${act.toFixed(3)} (max on the atlas games ${max.toFixed(3)})`}><span style={{ width: `${Math.min(100, (act / max) * 100)}%` }} /></span>
                <span className="act">{act.toFixed(2)}</span>
                <span className="flabel">{name(feature)}</span>
                <Sparkline values={series} current={t} max={Math.max(max, ...series)} />
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
