// Letters and marks of a board overlay drawn over chessboardjsx's board (which can only colour
// squares): an SVG the size of the board that lets clicks through to the squares.
import { chessSquareName } from './chess-styles';
import type { BoardOverlay } from './OthelloBoard';

/** Letters (bottom of the square, on a light plate so they read on any piece) and dashed red outlines (marks), White at the bottom. */
export function ChessOverlayLayer({ overlay, width }: { overlay: BoardOverlay; width: number }) {
  const cell = width / 8;
  const items = Array.from({ length: 64 }, (_, i) => i).filter((i) => overlay.labels?.[i] || overlay.marks?.[i]);
  if (!items.length) return null;
  return (
    <svg className="chess-overlay-layer" data-testid="chess-overlay-layer" width={width} height={width} viewBox={`0 0 ${width} ${width}`} aria-hidden="true">
      {items.map((i) => {
        const x = (i % 8) * cell, y = (7 - Math.floor(i / 8)) * cell, text = overlay.labels?.[i];
        return (
          <g key={i} data-square={chessSquareName(i)}>
            {overlay.marks?.[i] ? <rect className="mark" x={x + 3} y={y + 3} width={cell - 6} height={cell - 6} fill="none" stroke="#d32f2f" strokeWidth={3} strokeDasharray="6 4" /> : null}
            {text && (
              <>
                <rect x={x + cell / 2 - 3.6 * text.length - 3} y={y + cell - 17} width={7.2 * text.length + 6} height={15} rx={3} fill="rgba(255,255,255,0.85)" />
                <text x={x + cell / 2} y={y + cell - 5.5} textAnchor="middle" fontSize={12} fontWeight={700} fill="#111">{text}</text>
              </>
            )}
          </g>
        );
      })}
    </svg>
  );
}
