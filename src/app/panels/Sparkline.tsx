// A feature's activation over the whole game as a small line, with the current position marked.
export function Sparkline({ values, current, max, width = 120, height = 22 }: { values: ArrayLike<number>; current: number; max: number; width?: number; height?: number }) {
  const n = values.length;
  if (n === 0) return null;
  const x = (i: number) => (n === 1 ? width / 2 : (i / (n - 1)) * width);
  const y = (v: number) => height - 1 - (Math.max(0, v) / (max || 1)) * (height - 2);
  const d = Array.from(values, (v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={width} height={height} aria-hidden="true">
      <path d={d} fill="none" stroke="#3f51b5" strokeWidth={1.2} />
      {current >= 0 && current < n && <circle cx={x(current)} cy={y(values[current])} r={2.5} fill="#ff6f00" />}
    </svg>
  );
}
