// A feature's activation histogram (nonzero activations in 20 bins of its range) with a smoothed
// density curve, drawn with d3 scales and shapes.
import { curveBasis, line, max as d3max, scaleLinear } from 'd3';

export function Histogram({ counts, maxAct, density }: { counts: ArrayLike<number>; maxAct: number; density: number }) {
  const W = 300, H = 110, L = 34, B = 22;
  const bins = Array.from(counts);
  const top = d3max(bins) || 1;
  const x = scaleLinear().domain([0, maxAct]).range([L, W - 4]);
  const y = scaleLinear().domain([0, top]).range([H - B, 6]);
  const bw = (W - 4 - L) / bins.length;
  // density: the counts smoothed with a [1, 2, 1] kernel, drawn through the bin centres
  const smooth = bins.map((c, i) => ((bins[i - 1] ?? c) + 2 * c + (bins[i + 1] ?? c)) / 4);
  const path = line<number>().x((_, i) => L + (i + 0.5) * bw).y((v) => y(v)).curve(curveBasis)(smooth) ?? '';
  return (
    <svg className="histogram" width={W} height={H} data-testid="histogram" role="img" aria-label="activation histogram">
      {bins.map((c, i) => <rect key={i} x={L + i * bw + 0.5} y={y(c)} width={bw - 1} height={H - B - y(c)} fill="#9fa8da" />)}
      <path d={path} fill="none" stroke="#283593" strokeWidth={1.5} />
      <line x1={L} x2={W - 4} y1={H - B} y2={H - B} stroke="#666" />
      {x.ticks(4).map((v) => <text key={v} x={x(v)} y={H - 6} fontSize="10" textAnchor="middle" fill="#444">{v.toFixed(1)}</text>)}
      <text x={L - 4} y={12} fontSize="10" textAnchor="end" fill="#444">{top}</text>
      <text x={L - 4} y={H - B} fontSize="10" textAnchor="end" fill="#444">0</text>
      <text x={W - 4} y={12} fontSize="10" textAnchor="end" fill="#444">active at {(density * 100).toFixed(1)}% of positions</text>
    </svg>
  );
}
