// Overlay data on a chess board through chessboardjsx's per-square styles (no DOM needed here). The
// colour goes on as a translucent layer (a background image) so the light and dark squares stay
// visible under it; letters and marks are drawn by ChessOverlayLayer on top of the board.
import type { CSSProperties } from 'react';
import { divergingColor, heatColor, type BoardOverlay } from './OthelloBoard';

export const chessSquareName = (index: number) => `${'abcdefgh'[index % 8]}${Math.floor(index / 8) + 1}`;

/** the overlay's colour for one value, or null where nothing is drawn */
export function overlayColor(overlay: BoardOverlay, i: number): string | null {
  const v = overlay.values[i];
  if (v === undefined || Number.isNaN(v)) return null;
  return overlay.kind === 'heat' ? heatColor(v) : divergingColor(v);
}

/** chessboardjsx square styles: a translucent fill per square (square colours kept), outlines on the selected and highlighted squares. */
export function chessSquareStyles(overlay: BoardOverlay | null | undefined, selected: number | null, highlight: readonly number[] = []): Record<string, CSSProperties> {
  const out: Record<string, CSSProperties> = {};
  if (overlay) {
    for (let i = 0; i < 64; i++) {
      const c = overlayColor(overlay, i);
      if (c) out[chessSquareName(i)] = { backgroundImage: `linear-gradient(${c}, ${c})` };
    }
  }
  for (const h of highlight) out[chessSquareName(h)] = { ...out[chessSquareName(h)], outline: '3px dashed #ff9800', outlineOffset: '-4px' };
  if (selected !== null) out[chessSquareName(selected)] = { ...out[chessSquareName(selected)], boxShadow: 'inset 0 0 0 3px #ff6f00' };
  return out;
}
