// The line under a board that says what the model is (untrained, or its measured legal-move rate
// with a link to its model card), and what the probe overlay's accuracy means.
import type { ManifestModel } from '../../model/manifest';

export function ModelQuality({ info }: { info: ManifestModel | undefined }) {
  if (!info) return null;
  if (!info.trained) return <p className="warn-text">Untrained: random weights. Its predictions carry no knowledge of the game.</p>;
  const m = info.metrics;
  const text = m?.legal_top1 !== undefined
    ? `trained on ${m.games?.toLocaleString('en-US')} random games; its top move is legal ${(100 * m.legal_top1).toFixed(1)}% of the time on 2,000 fresh games`
    : m?.legal_greedy !== undefined ? `trained on ${m.games?.toLocaleString('en-US')} generated games; its greedy next move is legal at ${(100 * m.legal_greedy).toFixed(1)}% of fresh positions` : null;
  if (!text) return null;
  return (
    <p className="small" data-testid="model-quality">
      {info.name}: {text}
      {info.card && <> (<a href={`${import.meta.env.BASE_URL}models/${info.card}`} target="_blank" rel="noreferrer">model card</a>)</>}.
    </p>
  );
}

/**
 * The shipped probe's held-out accuracy at this layer beside the accuracy of guessing each square's
 * most common class: a probe barely above that guess has learned the squares' priors, not the board.
 */
export function probeQualityNote(info: ManifestModel | undefined, kind: string, layer: number | undefined): string | undefined {
  const p = info?.probes.find((e) => e.kind === kind && e.layer === layer);
  if (!p || !Number.isFinite(p.test_accuracy)) return undefined;
  const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `probe accuracy on held-out games at layer ${layer}: ${pc(p.test_accuracy)} of squares` +
    (p.baseline_accuracy !== undefined ? ` (guessing each square's most common ${kind === 'piece' ? 'piece' : 'state'} gets ${pc(p.baseline_accuracy)})` : '');
}
