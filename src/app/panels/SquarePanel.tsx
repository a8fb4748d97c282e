// Per-square explorer: for the selected square, the features that best classify each of its states
// (mine, empty, theirs, occupied, legal move; chess pieces) on the atlas games, ranked by skill over
// always firing, with precision, recall, F1 and the current activation, next to the probe's
// confidence at this position.
import { squareName as chessSquareName } from '../../games/chess/squares';
import { CHESS_PIECE_CLASSES } from '../../games/kit';
import { squareLabel } from '../../games/othello';
import { judgedFeaturesFor, MIN_SKILL, MIN_SUPPORT } from '../../metrics/labels';
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
  const chess = view.game === 'chess';
  if (sq === null) return <p className="small">{chess ? 'Click a square on the board' : 'Click a square on the board (in "inspect" mode, or any square that is not a legal move)'} to see the features that encode its state.</p>;
  const t = view.pos - 1;
  const C = a?.probeClasses ?? 0;
  const probe = a && t >= 0 && t < a.T && a.boardProbe.length ? a.boardProbe.subarray((t * 64 + sq) * C, (t * 64 + sq + 1) * C) : null;
  const legalP = a && t >= 0 && t < a.T && a.legalProbe.length ? a.legalProbe[t * 64 + sq] : null;
  const label = chess ? chessSquareName(sq) : squareLabel(sq);
  // chess: the thirteen classes and "any piece", those some feature classifies
  const groups = chess
    ? [
      ...CHESS_PIECE_CLASSES.map((c, k) => ({ title: c === 'empty' ? `${label} is empty` : `${c} on ${label}`, family: 'piece', entry: sq * 13 + k })),
      { title: `a piece (any) on ${label}`, family: 'any-piece', entry: sq },
    ].filter((g) => !atlas || judgedFeaturesFor(atlas, g.family, g.entry, 1).length > 0)
    : [
      ...CLASS_NAMES.map((c, k) => ({ title: `${label} is ${c === 'empty' ? 'empty' : `${c} (${c === 'mine' ? 'the player who just moved' : 'the player to move'})`}`, family: 'mine-yours', entry: sq * 3 + k })),
      { title: `${label} is occupied (either colour)`, family: 'occupied', entry: sq },
      { title: `${label} is a legal move`, family: 'valid-moves', entry: sq },
    ];
  const probeText = probe && (chess
    ? `Piece probe at character ${view.pos}: ${Array.from(probe, (p, c) => ({ p, c })).sort((x, y) => y.p - x.p).slice(0, 3).map((x) => `${CHESS_PIECE_CLASSES[x.c]} ${(x.p * 100).toFixed(1)}%`).join(', ')}`
    : `Probe after move ${view.pos}: theirs ${(probe[0] * 100).toFixed(1)}%, empty ${(probe[1] * 100).toFixed(1)}%, mine ${(probe[2] * 100).toFixed(1)}%`);
  return (
    <div data-testid="square-panel">
      <h3>Square {label}</h3>
      {probeText && <p className="small" data-testid="probe-confidence">{probeText}{legalP !== null && <>; legal-move probe {(legalP * 100).toFixed(1)}%</>}</p>}
      {chess && atlas && groups.length === 0 && <p className="small">No feature classifies a piece on {label} on the atlas games.</p>}
      {atlas && <p className="small">Ranked by skill over a feature that always fires, (F1 − always-on) / (1 − always-on); faded skill: below the label rules (skill ≥ {MIN_SKILL}, ≥ {MIN_SUPPORT} true positives).</p>}
      {!atlas && <p className="small">The feature atlas is still being computed.</p>}
      {atlas && groups.map((g) => {
        const rows = judgedFeaturesFor(atlas, g.family, g.entry, 5);
        return (
          <div key={g.title} className="square-group">
            <h4>{g.title} <span className="small">(true at {rows.length ? `${(rows[0].baseRate * 100).toFixed(0)}% of positions; always-on F1 ${rows[0].alwaysOn.toFixed(2)}` : 'no scored position'})</span></h4>
            {rows.length === 0 ? <p className="small">No feature fires with this state on the atlas games.</p> : (
              <table className="num">
                <thead><tr><th>feature</th><th>F1</th><th>skill</th><th>precision</th><th>recall</th><th>true pos.</th><th>now</th><th>label</th></tr></thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.feature} className={view.feature === r.feature ? 'selected' : ''}>
                      <td><button className="link" onClick={() => set({ feature: r.feature, panel: 'dashboard' })}>#{r.feature}</button></td>
                      <td>{r.f1.toFixed(3)}</td><td className={r.labelled ? '' : 'weak'}>{r.skill.toFixed(2)}</td><td>{r.precision.toFixed(3)}</td><td>{r.recall.toFixed(3)}</td><td>{r.support}</td>
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
