// The legend under the board: what the overlay's colours mean, with the scale's two ends.
import { divergingColor, heatColor } from './OthelloBoard';

export interface LegendSpec {
  title: string;
  kind: 'heat' | 'diverging';
  low: string;
  high: string;
  note?: string;
}

export function Legend({ spec, testId = 'legend' }: { spec: LegendSpec; testId?: string }) {
  const stops = Array.from({ length: 11 }, (_, i) => (spec.kind === 'heat' ? i / 10 : i / 5 - 1));
  return (
    <div className="legend" data-testid={testId}>
      {spec.title && <strong>{spec.title}</strong>}
      <span className="scale">
        <span>{spec.low}</span>
        {stops.map((v) => <span key={v} className="swatch" style={{ background: spec.kind === 'heat' ? heatColor(v) : divergingColor(v) }} />)}
        <span>{spec.high}</span>
      </span>
      {spec.note && <span className="small">{spec.note}</span>}
    </div>
  );
}
