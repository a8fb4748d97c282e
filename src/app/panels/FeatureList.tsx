// Every feature of the SAE in one table: search by number or by words of its label (or the user's
// name for it), sort by label quality (skill of its best board match), how often it fires, or its
// largest activation on the atlas games. A row opens the feature's dashboard.
import { useMemo, useState } from 'react';
import type { FeatureAtlas } from '../../metrics/atlas';
import { bestMatch } from '../../metrics/labels';
import { useSession, useView } from '../state/store';
import { useFeatureName } from './FeaturesPanel';

type SortKey = 'skill' | 'density' | 'max' | 'id';
const SORTS: Record<SortKey, string> = { skill: 'label quality (skill)', density: 'how often it fires', max: 'largest activation', id: 'number' };
/** rows drawn at once; the rest are one search or sort away */
const SHOWN = 200;

export interface FeatureRow { feature: number; skill: number; labelled: boolean; density: number; max: number }

/** One row per alive feature: its best match's skill, whether that names it, its firing frequency and M_f. */
export function featureRows(atlas: FeatureAtlas): FeatureRow[] {
  return Array.from(atlas.alive, (feature, i) => {
    const m = bestMatch(atlas, feature);
    return { feature, skill: m?.skill ?? 0, labelled: m?.labelled ?? false, density: atlas.density[i], max: atlas.scale[i] };
  });
}

/** Rows matching the query (a number matches that feature; words match the label, case-insensitive), sorted descending (ids ascending). */
export function filterRows(rows: readonly FeatureRow[], query: string, name: (f: number) => string, sort: SortKey): FeatureRow[] {
  const q = query.trim().toLowerCase().replace(/^#/, '');
  const byId = /^\d+$/.test(q);
  const words = q.split(/\s+/).filter(Boolean);
  const hits = rows.filter((r) => (byId ? String(r.feature) === q : words.every((w) => name(r.feature).toLowerCase().includes(w))));
  const key = (r: FeatureRow) => (sort === 'skill' ? r.skill + (r.labelled ? 2 : 0) : sort === 'density' ? r.density : sort === 'max' ? r.max : -r.feature);
  return hits.sort((a, b) => key(b) - key(a));
}

export function FeatureList() {
  const atlas = useSession((s) => s.atlas?.atlas ?? null);
  const set = useView((s) => s.set);
  const selected = useView((s) => s.view.feature);
  const name = useFeatureName();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('skill');
  const rows = useMemo(() => (atlas ? featureRows(atlas) : []), [atlas]);
  const shown = useMemo(() => filterRows(rows, query, name, sort), [rows, query, name, sort]);
  if (!atlas) return <p className="small">The feature atlas is still being computed.</p>;
  const labelled = rows.filter((r) => r.labelled).length;
  return (
    <div data-testid="feature-list">
      <p className="small">{atlas.alive.length} of {atlas.features} features fired on the atlas games; {labelled} carry a label under the label rules. Dead features are left out.</p>
      <div className="row">
        <input type="search" aria-label="search features" placeholder="feature number or label words (e.g. 492, e6 empty)" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="small">sort by <select aria-label="sort features" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          {(Object.keys(SORTS) as SortKey[]).map((k) => <option key={k} value={k}>{SORTS[k]}</option>)}
        </select></label>
      </div>
      <p className="small" data-testid="feature-list-count">{shown.length === 0 ? 'No feature matches.' : `${shown.length} match${shown.length === 1 ? 'es' : ''}${shown.length > SHOWN ? `; the first ${SHOWN} shown` : ''}.`}</p>
      <table className="num feature-table">
        <thead><tr>
          {(['id', 'skill', 'density', 'max'] as SortKey[]).map((k) => (
            <th key={k} aria-sort={sort === k ? 'descending' : 'none'}><button className="link" onClick={() => setSort(k)}>{k === 'id' ? '#' : k === 'skill' ? 'skill' : k === 'density' ? 'fires at' : 'max act.'}</button></th>
          ))}
          <th>label</th>
        </tr></thead>
        <tbody>
          {shown.slice(0, SHOWN).map((r) => (
            <tr key={r.feature} className={[r.labelled ? 'labelled' : 'unlabelled', selected === r.feature ? 'selected' : ''].join(' ')} data-feature={r.feature}
              onClick={() => set({ feature: r.feature, panel: 'dashboard' })}>
              <td>#{r.feature}</td><td>{r.skill.toFixed(2)}</td><td>{(r.density * 100).toFixed(1)}%</td><td>{r.max.toFixed(2)}</td><td className="flabel">{name(r.feature)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
