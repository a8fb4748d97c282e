// When a feature may be named after a board property: the rules every label, list and overlay of the
// workbench follow, so that a name never claims more than the atlas games show.
//
// A feature's F1 for an entry means little on its own: a "feature" that fires at every position
// scores F1 = 2p / (1 + p) for an entry that is true at a fraction p of positions (precision p,
// recall 1), ~0.67 for a centre square that is occupied half the time. So each match is judged by
// its skill over that always-on baseline, (F1 - baseline) / (1 - baseline): 0 for a feature no better
// than always firing, 1 for a perfect classifier. A label needs skill >= MIN_SKILL and at least
// MIN_SUPPORT true positives (a handful of positions can give "F1 1.00" by luck).
import type { AtlasFamily, FeatureAtlas } from './atlas';

/** Skill over the always-on baseline a match needs before it names a feature. */
export const MIN_SKILL = 0.25;
/** True positives (positions where the feature fired and the entry held) a label needs. */
export const MIN_SUPPORT = 20;
/** Other entries within this fraction of the best skill are reported with the label ("+4 similar"). */
export const SIMILAR = 0.9;

export interface JudgedMatch {
  family: string;
  entry: number;
  f1: number;
  precision: number;
  recall: number;
  /** activation threshold (fraction of M_f) where the F1 is best */
  threshold: number;
  /** fraction of scored positions where the entry is true */
  baseRate: number;
  /** F1 of a feature that always fires: 2p / (1 + p) */
  alwaysOn: number;
  /** (F1 - alwaysOn) / (1 - alwaysOn) */
  skill: number;
  /** true positives at the best threshold */
  support: number;
  /** the rules above allow naming the feature after this entry */
  labelled: boolean;
}

export const alwaysOnF1 = (baseRate: number) => (baseRate > 0 ? (2 * baseRate) / (1 + baseRate) : 0);

export function skillOver(f1: number, baseline: number): number {
  return baseline >= 1 ? 0 : (f1 - baseline) / (1 - baseline);
}

/** One (feature, entry) match judged by the rules; `i` is the feature's alive index. */
export function judge(atlas: FeatureAtlas, fam: AtlasFamily, i: number, entry: number): JudgedMatch {
  const k = i * fam.size + entry;
  const f1 = fam.f1[k], baseRate = atlas.scored > 0 ? fam.totals[entry] / atlas.scored : 0;
  const alwaysOn = alwaysOnF1(baseRate);
  const skill = skillOver(f1, alwaysOn);
  const support = Math.round(fam.recall[k] * fam.totals[entry]);
  return {
    family: fam.id, entry, f1, precision: fam.precision[k], recall: fam.recall[k], threshold: fam.threshold[k],
    baseRate, alwaysOn, skill, support, labelled: skill >= MIN_SKILL && support >= MIN_SUPPORT,
  };
}

const bySkill = (a: JudgedMatch, b: JudgedMatch) => Number(b.labelled) - Number(a.labelled) || b.skill - a.skill;

/** The feature's matches over every atlas family, those that may label it first, then by skill. */
export function judgedMatches(atlas: FeatureAtlas, feature: number, limit = 8): JudgedMatch[] {
  const i = atlas.aliveIndex[feature];
  if (i < 0) return [];
  const all: JudgedMatch[] = [];
  for (const fam of atlas.families) {
    for (let p = 0; p < fam.size; p++) if (fam.f1[i * fam.size + p] > 0) all.push(judge(atlas, fam, i, p));
  }
  return all.sort(bySkill).slice(0, limit);
}

/** The feature's single best match under the same order as judgedMatches (no list built), or null when it never fired. */
export function bestMatch(atlas: FeatureAtlas, feature: number): JudgedMatch | null {
  const i = atlas.aliveIndex[feature];
  if (i < 0) return null;
  let best: JudgedMatch | null = null;
  for (const fam of atlas.families) {
    for (let p = 0; p < fam.size; p++) {
      if (!(fam.f1[i * fam.size + p] > 0)) continue;
      const m = judge(atlas, fam, i, p);
      if (!best || bySkill(m, best) < 0) best = m;
    }
  }
  return best;
}

/** The features that classify one entry, those that may be labelled by it first, then by skill. */
export function judgedFeaturesFor(atlas: FeatureAtlas, family: string, entry: number, limit = 8): Array<JudgedMatch & { feature: number }> {
  const fam = atlas.families.find((f) => f.id === family);
  if (!fam) return [];
  const out: Array<JudgedMatch & { feature: number }> = [];
  for (let i = 0; i < atlas.alive.length; i++) {
    if (fam.f1[i * fam.size + entry] > 0) out.push({ feature: atlas.alive[i], ...judge(atlas, fam, i, entry) });
  }
  return out.sort(bySkill).slice(0, limit);
}

export interface FeatureLabel {
  /** the best labelled match */
  best: JudgedMatch;
  /** other labelled entries whose skill is within SIMILAR of the best */
  similar: JudgedMatch[];
}

/** The entry the feature may be named after, or null when no match passes the rules. */
export function featureLabel(atlas: FeatureAtlas, feature: number): FeatureLabel | null {
  const i = atlas.aliveIndex[feature];
  if (i < 0) return null;
  let best: JudgedMatch | null = null;
  const passing: JudgedMatch[] = [];
  for (const fam of atlas.families) {
    for (let p = 0; p < fam.size; p++) {
      const k = i * fam.size + p;
      if (!(fam.f1[k] > 0)) continue;
      const m = judge(atlas, fam, i, p);
      if (!m.labelled) continue;
      passing.push(m);
      if (!best || m.skill > best.skill) best = m;
    }
  }
  if (!best) return null;
  const b = best;
  return { best: b, similar: passing.filter((m) => m !== b && m.skill >= SIMILAR * b.skill).sort(bySkill) };
}

export interface LabelAgreement {
  /** alive features in both atlases */
  features: number;
  labelledA: number;
  labelledB: number;
  /** labelled in both */
  both: number;
  /** labelled in both with the same entry (or each one's entry among the other's similar ones) */
  agree: number;
}

/** How far labels from two atlases of the same SAE (different game counts) agree. */
export function labelAgreement(a: FeatureAtlas, b: FeatureAtlas): LabelAgreement {
  const out: LabelAgreement = { features: 0, labelledA: 0, labelledB: 0, both: 0, agree: 0 };
  const key = (m: JudgedMatch) => `${m.family}/${m.entry}`;
  for (let f = 0; f < Math.min(a.features, b.features); f++) {
    if (a.aliveIndex[f] < 0 || b.aliveIndex[f] < 0) continue;
    out.features++;
    const la = featureLabel(a, f), lb = featureLabel(b, f);
    if (la) out.labelledA++;
    if (lb) out.labelledB++;
    if (!la || !lb) continue;
    out.both++;
    const ka = new Set([la.best, ...la.similar].map(key)), kb = new Set([lb.best, ...lb.similar].map(key));
    if (ka.has(key(lb.best)) || kb.has(key(la.best))) out.agree++;
  }
  return out;
}
