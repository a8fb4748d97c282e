// Supervised metrics (Karvonen et al. 2024) for the model's SAEs: the selected SAE per property family
// against the ceilings and the published numbers; every SAE and baseline in one table and as coverage
// against L0; CSV / JSON export. Numbers come from the shipped metrics files (`npm run cli -- metrics`).
import { scaleLinear, scaleLog } from 'd3';
import { useEffect, useState } from 'react';
import { OTHELLO_PUBLISHED } from '../../metrics/published';
import { useSession, useView } from '../state/store';
import { download } from './download';
import { metricsCsv, METRIC_FAMILIES, parseMetricsFile, publishedFamily, type MetricsRow } from './metrics-data';

const FAMILY_TITLE: Record<string, string> = { 'mine-yours-blank-mask': 'Mine/theirs (blank masked)', 'valid-moves': 'Valid moves', 'mine-yours': 'Mine/theirs/empty' };
const PUB_KEY: Record<string, [keyof (typeof OTHELLO_PUBLISHED)[number], keyof (typeof OTHELLO_PUBLISHED)[number]]> = {
  'mine-yours-blank-mask': ['coverage_mine_yours_masked', 'reconstruction_mine_yours_masked'],
  'valid-moves': ['coverage_valid_moves', 'reconstruction_valid_moves'],
};
const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3));

function useMetricsRows(): { rows: MetricsRow[]; loading: [number, number] | null; error: string | null } {
  const view = useView((s) => s.view);
  const manifest = useSession((s) => s.manifest);
  const [state, setState] = useState<{ rows: MetricsRow[]; loading: [number, number] | null; error: string | null }>({ rows: [], loading: null, error: null });
  const entry = manifest?.find((m) => m.id === view.model);
  useEffect(() => {
    if (!entry) return;
    let stale = false, done = 0;
    const files = entry.supervisedMetrics;
    setState({ rows: [], loading: [0, files.length], error: null });
    const base = new URL(import.meta.env.BASE_URL, location.href).href;
    Promise.all(files.map((p) => fetch(`${base}models/${p}`).then((r) => { if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`); return r.json(); })
      .then((j) => { done++; if (!stale) setState((s) => ({ ...s, loading: [done, files.length] })); return parseMetricsFile(p, j); })))
      .then((rows) => { if (!stale) setState({ rows, loading: null, error: null }); }, (e) => { if (!stale) setState({ rows: [], loading: null, error: (e as Error).message }); });
    return () => { stale = true; };
  }, [entry]);
  return state;
}

function Bar({ value, ceiling, published }: { value: number | null; ceiling: number | null; published?: number }) {
  return (
    <span className="metric-bar" title={`${f3(value)} (ceiling ${f3(ceiling)}${published !== undefined ? `, published best ${published.toFixed(3)}` : ''})`}>
      <span className="fill" style={{ width: `${(value ?? 0) * 100}%` }} />
      {ceiling !== null && ceiling < 1 && <span className="ceiling" style={{ left: `${ceiling * 100}%` }} />}
      {published !== undefined && <span className="published" style={{ left: `${published * 100}%` }} />}
    </span>
  );
}

function Scatter({ rows, selected }: { rows: MetricsRow[]; selected: string }) {
  const pts = rows.filter((r) => r.l0 !== null && r.families['mine-yours-blank-mask']?.coverage != null);
  const W = 460, H = 220, L = 40, B = 30;
  const x = scaleLog().domain([8, 1024]).range([L, W - 10]).clamp(true);
  const cov = pts.map((r) => r.families['mine-yours-blank-mask'].coverage!);
  const y = scaleLinear().domain([Math.max(0, Math.min(...cov) - 0.05), Math.min(0.7, Math.max(...cov) + 0.05)]).range([H - B, 10]).nice();
  return (
    <svg width={W} height={H} data-testid="scatter" role="img" aria-label="coverage against L0">
      <line x1={L} x2={W - 10} y1={H - B} y2={H - B} stroke="#666" /><line x1={L} x2={L} y1={10} y2={H - B} stroke="#666" />
      {x.ticks(4).filter((v) => [10, 100, 1000].includes(v)).map((v) => <text key={v} x={x(v)} y={H - B + 14} fontSize="10" textAnchor="middle">{v}</text>)}
      {y.ticks(4).map((v) => <text key={v} x={L - 4} y={y(v) + 3} fontSize="10" textAnchor="end">{v.toFixed(2)}</text>)}
      <text x={(W + L) / 2} y={H - 3} fontSize="10" textAnchor="middle">L0 (log)</text>
      <text x={10} y={H / 2} fontSize="10" transform={`rotate(-90 10 ${H / 2})`} textAnchor="middle">coverage (masked)</text>
      {pts.map((r) => (
        <g key={r.id}>
          <circle cx={x(r.l0!)} cy={y(r.families['mine-yours-blank-mask'].coverage!)} r={r.id === selected ? 6 : 4} fill={r.kind === 'baseline' ? '#9e9e9e' : '#3f51b5'} stroke={r.id === selected ? '#ff6f00' : 'none'} strokeWidth={2}><title>{`${r.id}: L0 ${r.l0!.toFixed(1)}, coverage ${f3(r.families['mine-yours-blank-mask'].coverage)}`}</title></circle>
          {(r.id === selected || r.kind === 'baseline') && <text x={x(r.l0!) + 7} y={y(r.families['mine-yours-blank-mask'].coverage!) + 3} fontSize="10">{r.id.replace('baseline-', '')}</text>}
        </g>
      ))}
    </svg>
  );
}

export function MetricsPanel() {
  const view = useView((s) => s.view);
  const { rows, loading, error } = useMetricsRows();
  const sel = rows.find((r) => r.id === view.sae);
  const pub = OTHELLO_PUBLISHED.find((p) => p.dictionary === publishedFamily(view.sae));
  return (
    <div data-testid="metrics-panel">
      {loading && <div className="progress" role="progressbar" aria-valuenow={loading[0]} aria-valuemax={loading[1]}><span style={{ width: `${(loading[0] / Math.max(1, loading[1])) * 100}%` }} />Loading metrics {loading[0]}/{loading[1]}</div>}
      {error && <p className="error" role="alert">Could not read the metrics: {error}</p>}
      {!loading && !error && rows.length === 0 && <p className="small">No supervised metrics were computed for this model.</p>}
      {rows.length > 0 && (
        <>
          <h3>{sel ? `SAE ${sel.id}` : 'Selected SAE'}</h3>
          {!sel && <p className="small">No metrics file for "{view.sae}" (your own SAE, or none selected): compute them with <code>npm run cli -- metrics --sae DIR ...</code>.</p>}
          {sel && (
            <table className="num" data-testid="selected-metrics">
              <thead><tr><th>property family</th><th>coverage</th><th></th><th>reconstruction</th><th></th><th>published best ({pub?.dictionary ?? '–'}, layer 5 of 8)</th></tr></thead>
              <tbody>
                {METRIC_FAMILIES.map((f) => {
                  const m = sel.families[f];
                  const p = PUB_KEY[f] && pub ? { c: pub[PUB_KEY[f][0]] as number, r: pub[PUB_KEY[f][1]] as number } : undefined;
                  return (
                    <tr key={f}>
                      <td>{FAMILY_TITLE[f]}</td>
                      <td>{f3(m?.coverage)}</td><td><Bar value={m?.coverage ?? null} ceiling={m?.ceiling ?? null} published={p?.c} /></td>
                      <td>{f3(m?.reconstruction)}</td><td><Bar value={m?.reconstruction ?? null} ceiling={null} published={p?.r} /></td>
                      <td>{p ? `${p.c.toFixed(3)} / ${p.r.toFixed(3)}` : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <p className="small">Bars: blue = this SAE; grey tick = ceiling (2/3 for the masked set, as the paper counts it); orange tick = the paper's best for this trainer on its 8-layer model. L0 {f3(sel?.l0)} · variance explained {f3(sel?.fve)} · loss recovered {f3(sel?.lossRecovered)}.</p>
          <h3>All dictionaries</h3>
          <div className="table-wrap">
            <table className="num" data-testid="compare-table">
              <thead><tr><th>dictionary</th><th>L0</th><th>FVE</th><th>loss rec.</th><th>cov. masked</th><th>rec. masked</th><th>cov. valid</th><th>rec. valid</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} className={r.id === view.sae ? 'selected' : ''}>
                    <td>{r.id}</td><td>{r.l0 === null ? '–' : r.l0.toFixed(1)}</td><td>{f3(r.fve)}</td><td>{f3(r.lossRecovered)}</td>
                    <td>{f3(r.families['mine-yours-blank-mask']?.coverage)}</td><td>{f3(r.families['mine-yours-blank-mask']?.reconstruction)}</td>
                    <td>{f3(r.families['valid-moves']?.coverage)}</td><td>{f3(r.families['valid-moves']?.reconstruction)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h4>Coverage (masked mine/theirs) against L0 <span className="small">(grey: baselines; hover a point for its name)</span></h4>
          <Scatter rows={rows} selected={view.sae} />
          <div className="row">
            <button onClick={() => download(`${view.model}-metrics.csv`, metricsCsv(rows), 'text/csv')}>Export CSV</button>
            <button onClick={() => download(`${view.model}-metrics.json`, JSON.stringify(rows, null, 2))}>Export JSON</button>
          </div>
        </>
      )}
    </div>
  );
}
