// Supervised metrics (Karvonen et al. 2024) for the model's SAEs: the selected SAE per property family
// against the ceilings and the published numbers; every SAE and baseline in one table and as coverage
// against L0; CSV / JSON export. Numbers come from the shipped metrics files (`npm run cli -- metrics`).
import { scaleLinear, scaleLog } from 'd3';
import { useEffect, useState } from 'react';
import { CHESS_PUBLISHED, OTHELLO_PUBLISHED } from '../../metrics/published';
import { useSession, useView } from '../state/store';
import { download } from './download';
import { DEFINITIONS, metricsFindings, PAPER_URL } from './metrics-words';
import { CHESS_METRIC_FAMILIES, metricsCsv, METRIC_FAMILIES, parseMetricsFile, publishedFamily, type MetricsRow } from './metrics-data';

const FAMILY_TITLE: Record<string, string> = {
  'mine-yours-blank-mask': 'Mine/theirs (blank masked)', 'valid-moves': 'Valid moves', 'mine-yours': 'Mine/theirs/empty',
  'piece-masked-blank-and-initial': 'Pieces (board set: blank and initial masked)', strategy: 'Strategy (mean of 14 functions)',
};
/** Per game: the families shown, the one on the scatter, its short column names, and the published comparison for an SAE id. */
const GAMES = {
  othello: {
    families: METRIC_FAMILIES as readonly string[], main: 'mine-yours-blank-mask', cols: ['cov. masked', 'rec. masked', 'cov. valid', 'rec. valid'], tableFamilies: ['mine-yours-blank-mask', 'valid-moves'],
    published: (sae: string, f: string) => {
      const pub = OTHELLO_PUBLISHED.find((p) => p.dictionary === publishedFamily(sae));
      return PUB_KEY[f] && pub ? { c: pub[PUB_KEY[f][0]] as number, r: pub[PUB_KEY[f][1]] as number, name: `${pub.dictionary}, layer 5 of 8` } : undefined;
    },
  },
  chess: {
    families: CHESS_METRIC_FAMILIES as readonly string[], main: 'piece-masked-blank-and-initial', cols: ['cov. board', 'rec. board', 'cov. strategy', 'rec. strategy'], tableFamilies: ['piece-masked-blank-and-initial', 'strategy'],
    // the paper's chess numbers are for one p-anneal SAE per layer; layer 5 of 8 is its best
    published: (_sae: string, f: string) => {
      const p = CHESS_PUBLISHED[0];
      return f === 'strategy' ? { c: p.coverage_strategy, r: p.reconstruction_strategy, name: p.dictionary } : { c: p.coverage_board, r: p.reconstruction_board, name: p.dictionary };
    },
  },
};
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

function Scatter({ rows, selected, main }: { rows: MetricsRow[]; selected: string; main: string }) {
  // L0 <= 0 has no place on a log axis; every other dictionary is drawn where it is (no clamping onto the axis).
  const pts = rows.filter((r) => r.l0 !== null && r.l0 > 0 && r.families[main]?.coverage != null);
  const W = 460, H = 220, L = 40, B = 30;
  const l0s = pts.map((r) => r.l0!);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...l0s, 10))), top = 10 ** Math.ceil(Math.log10(Math.max(...l0s, 10)));
  const hi = top > lo ? top : lo * 10;
  const x = scaleLog().domain([lo, hi]).range([L, W - 20]);
  const cov = pts.map((r) => r.families[main].coverage!);
  const y = scaleLinear().domain([Math.max(0, Math.min(...cov) - 0.05), Math.min(1, Math.max(...cov) + 0.05)]).range([H - B, 10]).nice();
  return (
    <svg width={W} height={H} data-testid="scatter" role="img" aria-label="coverage against L0">
      <line x1={L} x2={W - 10} y1={H - B} y2={H - B} stroke="#666" /><line x1={L} x2={L} y1={10} y2={H - B} stroke="#666" />
      {Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i).map((v) => <text key={v} x={x(v)} y={H - B + 14} fontSize="10" textAnchor="middle">{v >= 1 ? v : v.toFixed(1)}</text>)}
      {y.ticks(4).map((v) => <text key={v} x={L - 4} y={y(v) + 3} fontSize="10" textAnchor="end">{v.toFixed(2)}</text>)}
      <text x={(W + L) / 2} y={H - 3} fontSize="10" textAnchor="middle">L0 (log)</text>
      <text x={10} y={H / 2} fontSize="10" transform={`rotate(-90 10 ${H / 2})`} textAnchor="middle">coverage ({FAMILY_TITLE[main].split(' ')[0].toLowerCase()})</text>
      {pts.map((r) => (
        <g key={r.id}>
          <circle cx={x(r.l0!)} cy={y(r.families[main].coverage!)} r={r.id === selected ? 6 : 4} fill={r.kind === 'baseline' ? '#9e9e9e' : '#3f51b5'} stroke={r.id === selected ? '#ff6f00' : 'none'} strokeWidth={2}><title>{`${r.id}: L0 ${r.l0!.toFixed(1)}, coverage ${f3(r.families[main].coverage)}`}</title></circle>
          {(r.id === selected || r.kind === 'baseline') && <text x={x(r.l0!) + 7} y={y(r.families[main].coverage!) + 3} fontSize="10">{r.id.replace('baseline-', '')}</text>}
        </g>
      ))}
    </svg>
  );
}

export function MetricsPanel() {
  const view = useView((s) => s.view);
  const { rows, loading, error } = useMetricsRows();
  const sel = rows.find((r) => r.id === view.sae);
  const g = GAMES[view.game];
  return (
    <div data-testid="metrics-panel">
      {loading && <div className="progress" role="progressbar" aria-valuenow={loading[0]} aria-valuemax={loading[1]}><span style={{ width: `${(loading[0] / Math.max(1, loading[1])) * 100}%` }} />Loading metrics {loading[0]}/{loading[1]}</div>}
      {error && <p className="error" role="alert">Could not read the metrics: {error}</p>}
      {!loading && !error && rows.length === 0 && <p className="small">No supervised metrics were computed for this model.</p>}
      {rows.length > 0 && (
        <>
          <div className="small definitions" data-testid="metric-definitions">
            <p>{DEFINITIONS.coverage}</p>
            <p>{DEFINITIONS.reconstruction} Exact definitions: <a href={PAPER_URL} target="_blank" rel="noreferrer">Karvonen et al. 2024, section 3</a>.</p>
          </div>
          <h3>{sel ? `SAE ${sel.id}` : 'Selected SAE'}</h3>
          {!sel && <p className="small">No metrics file for "{view.sae}" (your own SAE, or none selected): compute them with <code>npm run cli -- metrics --sae DIR ...</code>.</p>}
          {sel && (
            <table className="num" data-testid="selected-metrics">
              <thead><tr><th>property family</th><th>coverage</th><th></th><th>reconstruction</th><th></th><th>published ({g.published(view.sae, g.main)?.name ?? '–'})</th></tr></thead>
              <tbody>
                {g.families.map((f) => {
                  const m = sel.families[f];
                  const p = g.published(view.sae, f);
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
          <p className="small">Bars: blue = this SAE; grey tick = ceiling ({view.game === 'chess' ? 'about 0.917 for the board set' : '2/3 for the masked set'}, as the paper counts it); orange tick = the paper's number on its 8-layer model. L0 {f3(sel?.l0)} · variance explained {f3(sel?.fve)} · loss recovered {f3(sel?.lossRecovered)}.</p>
          {sel && (
            <ul className="findings" data-testid="metric-findings">
              {g.tableFamilies.flatMap((f) => metricsFindings(sel, rows, f, FAMILY_TITLE[f], g.published(view.sae, f))).map((line) => <li key={line}>{line}</li>)}
            </ul>
          )}
          <h3>All dictionaries</h3>
          <div className="table-wrap">
            <table className="num" data-testid="compare-table">
              <thead><tr><th>dictionary</th><th>L0</th><th>FVE</th><th>loss rec.</th>{g.cols.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} className={r.id === view.sae ? 'selected' : ''}>
                    <td>{r.id}</td><td>{r.l0 === null ? '–' : r.l0.toFixed(1)}</td><td>{f3(r.fve)}</td><td>{f3(r.lossRecovered)}</td>
                    {g.tableFamilies.flatMap((f) => [<td key={`${f}c`}>{f3(r.families[f]?.coverage)}</td>, <td key={`${f}r`}>{f3(r.families[f]?.reconstruction)}</td>])}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h4>Coverage ({FAMILY_TITLE[g.main]}) against L0 <span className="small">(grey: baselines; hover a point for its name)</span></h4>
          <Scatter rows={rows} selected={view.sae} main={g.main} />
          <div className="row">
            <button onClick={() => download(`${view.model}-metrics.csv`, metricsCsv(rows, g.families), 'text/csv')}>Export CSV</button>
            <button onClick={() => download(`${view.model}-metrics.json`, JSON.stringify(rows, null, 2))}>Export JSON</button>
          </div>
        </>
      )}
    </div>
  );
}
