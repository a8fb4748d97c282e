// Overlay data on a chess board through chessboardjsx's per-square styles (no DOM needed here).
import type { CSSProperties } from 'react';
import { divergingColor, heatColor, type BoardOverlay } from './OthelloBoard';

export const chessSquareName = (index: number) => `${'abcdefgh'[index % 8]}${Math.floor(index / 8) + 1}`;

/** chessboardjsx square styles for an overlay: background colour per square, outline on the selected one. */
export function chessSquareStyles(overlay: BoardOverlay | null | undefined, selected: number | null): Record<string, CSSProperties> {
  const out: Record<string, CSSProperties> = {};
  if (overlay) {
    for (let i = 0; i < 64; i++) {
      const v = overlay.values[i];
      if (v === undefined || Number.isNaN(v)) continue;
      out[chessSquareName(i)] = { background: overlay.kind === 'heat' ? heatColor(v) : divergingColor(v) };
    }
  }
  if (selected !== null) out[chessSquareName(selected)] = { ...out[chessSquareName(selected)], boxShadow: 'inset 0 0 0 3px #ff6f00' };
  return out;
}

