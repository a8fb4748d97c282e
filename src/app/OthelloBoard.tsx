// SVG Othello board: discs, legal-move markers and a probability overlay (one value per square).
import { squareLabel, type OthelloState } from '../games/othello';

interface Props {
  state: OthelloState;
  legal: number[];
  /** [64] probabilities to overlay, NaN where none */
  overlay?: Float32Array;
  lastMove?: number;
  onPlay(square: number): void;
}

const CELL = 56;

export function OthelloBoard({ state, legal, overlay, lastMove, onPlay }: Props) {
  const legalSet = new Set(legal);
  const max = overlay ? Math.max(1e-9, ...Array.from(overlay).filter((v) => !Number.isNaN(v))) : 1;
  return (
    <svg className="board" viewBox={`-20 -20 ${8 * CELL + 20} ${8 * CELL + 20}`} role="grid" aria-label="Othello board">
      {'abcdefgh'.split('').map((c, i) => (
        <text key={c} x={i * CELL + CELL / 2} y={-6} className="coord">{c}</text>
      ))}
      {Array.from({ length: 8 }, (_, r) => (
        <text key={r} x={-10} y={r * CELL + CELL / 2 + 4} className="coord">{r + 1}</text>
      ))}
      {Array.from({ length: 64 }, (_, s) => {
        const x = (s & 7) * CELL, y = (s >> 3) * CELL;
        const v = state.cells[s];
        const p = overlay?.[s];
        const isLegal = legalSet.has(s);
        return (
          <g key={s} data-square={squareLabel(s)} onClick={() => isLegal && onPlay(s)} className={isLegal ? 'sq legal' : 'sq'}>
            <rect x={x} y={y} width={CELL} height={CELL} className="cell" />
            {p !== undefined && !Number.isNaN(p) && v === 0 && (
              <rect x={x + 2} y={y + 2} width={CELL - 4} height={CELL - 4} className="heat" style={{ opacity: Math.min(0.85, (p / max) * 0.85) }} />
            )}
            {v !== 0 && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={CELL * 0.4} className={v === 1 ? 'disc black' : 'disc white'} />}
            {s === lastMove && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={4} className="last" />}
            {isLegal && v === 0 && <circle cx={x + CELL / 2} cy={y + CELL / 2} r={5} className="legal-dot" />}
            {p !== undefined && !Number.isNaN(p) && v === 0 && p >= 0.005 && (
              <text x={x + CELL / 2} y={y + CELL - 6} className="prob">{(p * 100).toFixed(p >= 0.1 ? 0 : 1)}%</text>
            )}
            <title>{`${squareLabel(s)}${p !== undefined && !Number.isNaN(p) ? `: model p = ${(p * 100).toFixed(2)}%` : ''}${isLegal ? ' (legal)' : ''}`}</title>
          </g>
        );
      })}
    </svg>
  );
}
