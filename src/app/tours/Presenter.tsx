// Presenter bar for classroom tours: the step's caption in large type, step navigation (buttons and
// arrow keys, handled by the page), and a way out.
import { TOURS } from './tours';

export function Presenter({ tourId, step, onStep, onExit }: { tourId: string; step: number; onStep(step: number): void; onExit(): void }) {
  const tour = TOURS.find((t) => t.id === tourId);
  if (!tour) return <div className="presenter" role="alert">There is no tour "{tourId}". <button onClick={onExit}>Close</button></div>;
  const s = Math.min(step, tour.steps.length - 1);
  return (
    <div className="presenter" data-testid="presenter">
      <div className="presenter-head">
        <strong>{tour.title}</strong>
        <span>step {s + 1} / {tour.steps.length}</span>
        <button onClick={() => onStep(s - 1)} disabled={s === 0} aria-label="previous step">◀ Back</button>
        <button onClick={() => onStep(s + 1)} disabled={s === tour.steps.length - 1} aria-label="next step">Next ▶</button>
        <button onClick={onExit}>Exit tour</button>
      </div>
      <p className="caption" data-testid="caption">{tour.steps[s].caption}</p>
    </div>
  );
}

export function TourMenu({ onStart }: { onStart(id: string): void }) {
  return (
    <select aria-label="classroom tours" value="" onChange={(e) => e.target.value && onStart(e.target.value)}>
      <option value="">Classroom tours…</option>
      {TOURS.map((t) => <option key={t.id} value={t.id} title={t.summary}>{t.title}</option>)}
    </select>
  );
}
