// Per-square explorer: for the selected square, the features that best classify each of its states
// (mine, empty, theirs, legal move) on the atlas games, with precision, recall, F1 and the current
// activation, next to the probe's confidence at this position.
import { squareLabel } from '../../games/othello';
import { bestFeaturesFor } from '../../metrics/atlas';
import { CLASS_NAMES } from '../state/features';
import { useSession, useView } from '../state/store';
import { useFeatureName } from './FeaturesPanel';

export function SquarePanel() {
  const view = useView((s) => s.view);
  const set = useView((s) => s.set);
  const a = useSession((s) => s.analysis);
  const atlas = useSession((s) => s.atlas?.atlas ?? null);
  const name = useFeatureName();
  const sq = view.square;
  if (sq === null) return <p className="small">Click a square on the board (in "inspect" mode, or any square that is not a legal move) to see the features that encode its state.</p>;
  const t = view.pos - 1;
  const probe = a && t >= 0 && t < a.T && a.boardProbe.length ? a.boardProbe.subarray(t * 192 + sq * 3, t * 192 + sq * 3 + 3) : null;
  const legalP = a && t >= 0 && t < a.T && a.legalProbe.length ? a.legalProbe[t * 64 + sq] : null;
  const groups = [
    ...CLASS_NAMES.map((c, k) => ({ title: `${squareLabel(sq)} is ${c === 'empty' ? 'empty' : `${c} (${c === 'mine' ? 'the player who just moved' : 'the player to move'})`}`, family: 'mine-yours', entry: sq * 3 + k })),
    { title: `${squareLabel(sq)} is a legal move`, family: 'valid-moves', entry: sq },
  ];
  return (
    <div data-testid="square-panel">
      <h3>Square {squareLabel(sq)}</h3>
      {probe && <p className="small" data-testid="probe-confidence">Probe after move {view.pos}: theirs {(probe[0] * 100).toFixed(1)}%, empty {(probe[1] * 100).toFixed(1)}%, mine {(probe[2] * 100).toFixed(1)}%{legalP !== null && <>; legal-move probe {(legalP * 100).toFixed(1)}%</>}</p>}
      {!atlas && <p className="small">The feature atlas is still being computed.</p>}
      {atlas && groups.map((g) => {
        const rows = bestFeaturesFor(atlas, g.family, g.entry, 5);
        return (
          <div key={g.title} className="square-group">
            <h4>{g.title}</h4>
            {rows.length === 0 ? <p className="small">No feature fires with this state on the atlas games.</p> : (
              <table className="num">
                <thead><tr><th>feature</th><th>F1</th><th>precision</th><th>recall</th><th>now</th><th>label</th></tr></thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.feature} className={view.feature === r.feature ? 'selected' : ''}>
                      <td><button className="link" onClick={() => set({ feature: r.feature, panel: 'dashboard' })}>#{r.feature}</button></td>
                      <td>{r.f1.toFixed(3)}</td><td>{r.precision.toFixed(3)}</td><td>{r.recall.toFixed(3)}</td>
                      <td>{a && t >= 0 && t < a.T ? a.acts[t * a.F + r.feature].toFixed(2) : '–'}</td>
                      <td className="flabel">{name(r.feature)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </div>
  );
}
