// SVG Othello board: discs, legal-move markers, the selected square, and one overlay (a value per
// square drawn as a heat or diverging colour, optional text, ghost discs for a probe's reading,
// marks for disagreements) with a tooltip per square. The SVG is self-contained so it exports as is.
import type { ReactNode } from 'react';
import { squareLabel } from '../../games/othello';

export interface BoardOverlay {
  kind: 'heat' | 'diverging';
  /** [64] heat in [0, 1], diverging in [-1, 1]; NaN draws nothing */
  values: ArrayLike<number>;
  /** short text drawn in the square */
  labels?: ReadonlyArray<string | null>;
  /** tooltip text per square */
  tips: readonly string[];
  /** [64] a ghost disc for what a probe reads: 1 black, -1 white, 0 none */
  ghosts?: ArrayLike<number>;
  /** [64] 1 where something disagrees with the true board (drawn as a red ring) */
  marks?: ArrayLike<number>;
}

interface Props {
  cells: ArrayLike<number>;
  legal?: readonly number[];
  overlay?: BoardOverlay | null;
  lastMove?: number;
  selected?: number | null;
  onSquare?(square: number, isLegal: boolean): void;
  /** small boards (dashboards) leave out coordinates and text */
  size?: 'full' | 'mini';
  label?: string;
  /** squares to outline (a dashboard's feature squares): dashed orange, drawn on mini boards too */
  highlight?: readonly number[];
  children?: ReactNode;
}

const CELL = 56;

export function heatColor(v: number): string {
  return `rgba(255, 202, 40, ${Math.max(0, Math.min(1, v)) * 0.9})`;
}

export function divergingColor(v: number): string {
  const a = Math.min(1, Math.abs(v)) * 0.85;
  return v >= 0 ? `rgba(33, 150, 243, ${a})` : `rgba(229, 57, 53, ${a})`;
}

export function OthelloBoard({ cells, legal = [], overlay, lastMove, selected = null, onSquare, size = 'full', label = 'Othello board', highlight = [] }: Props) {
  const legalSet = new Set(legal), highlighted = new Set(highlight);
  const mini = size === 'mini';
  const pad = mini ? 2 : 20;
  return (
    <svg className={mini ? 'board mini' : 'board'} viewBox={`${-pad} ${-pad} ${8 * CELL + pad + 2} ${8 * CELL + pad + 2}`} role="grid" aria-label={label} xmlns="http://www.w3.org/2000/svg">
      <rect x={-pad} y={-pad} width={8 * CELL + pad + 2} height={8 * CELL + pad + 2} fill="#f4f5f7" />
      {!mini && 'abcdefgh'.split('').map((c, i) => <text key={c} x={i * CELL + CELL / 2} y={-6} className="coord" textAnchor="middle" fontSize="12" fill="#5b6570">{c}</text>)}
      {!mini && Array.from({ length: 8 }, (_, r) => <text key={r} x={-10} y={r * CELL + CELL / 2 + 4} className="coord" textAnchor="middle" fontSize="12" fill="#5b6570">{r + 1}</text>)}
      {Array.from({ length: 64 }, (_, s) => {
        const x = (s & 7) * CELL, y = (s >> 3) * CELL;
        const v = cells[s];
        const isLegal = legalSet.has(s);
        const o = overlay?.values[s];
        const has = o !== undefined && !Number.isNaN(o);
        const ghost = overlay?.ghosts?.[s] ?? 0;
        const text = overlay?.labels?.[s];
        return (
          <g key={s} data-square={onSquare ? squareLabel(s) : undefined} onClick={onSquare ? () => onSquare(s, isLegal) : undefined} className={isLegal ? 'sq legal' : 'sq'}>
            <rect x={x} y={y} width={CELL} height={CELL} fill="#2e7d4f" stroke="#1c4f31" strokeWidth={1} />
            {has && <rect x={x + 2} y={y + 2} width={CELL - 4} height={CELL - 4} fill={overlay!.kind === 'heat' ? heatColor(o) : divergingColor(o)} pointerEvents="none" />}
            {v !== 0 && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={CELL * 0.4} fill={v === 1 ? '#111' : '#f7f7f7'} stroke={v === 1 ? '#000' : '#999'} opacity={ghost ? 0.55 : 1} />}
            {ghost !== 0 && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={CELL * 0.2} fill={ghost === 1 ? '#111' : '#f7f7f7'} stroke="#666" strokeDasharray="3 2" pointerEvents="none" />}
            {overlay?.marks?.[s] ? <circle cx={x + CELL / 2} cy={y + CELL / 2} r={CELL * 0.45} fill="none" stroke="#e53935" strokeWidth={3} pointerEvents="none" /> : null}
            {s === lastMove && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={4} fill="#e53935" pointerEvents="none" />}
            {isLegal && v === 0 && !mini && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={5} fill="rgba(255,255,255,0.55)" pointerEvents="none" />}
            {highlighted.has(s) && <rect x={x + 3} y={y + 3} width={CELL - 6} height={CELL - 6} fill="none" stroke="#ff9800" strokeWidth={mini ? 6 : 3} strokeDasharray={mini ? '10 5' : '6 3'} pointerEvents="none" data-highlight={squareLabel(s)} />}
            {selected === s && <rect x={x + 1.5} y={y + 1.5} width={CELL - 3} height={CELL - 3} fill="none" stroke="#ff6f00" strokeWidth={3} pointerEvents="none" />}
            {text && !mini && <text x={x + CELL / 2} y={y + CELL - 6} textAnchor="middle" fontSize="11" fontWeight="600" fill={v === 1 ? '#fff' : '#111'} pointerEvents="none">{text}</text>}
            {!mini && <title>{overlay?.tips[s] ?? `${squareLabel(s)}${isLegal ? ' (legal)' : ''}`}</title>}
          </g>
        );
      })}
    </svg>
  );
}
