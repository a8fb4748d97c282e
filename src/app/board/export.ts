// Exports the board (with its overlay) as a standalone SVG, or as a PNG drawn from that SVG.
import { download } from '../panels/download';

export function exportBoard(container: HTMLElement | null, as: 'svg' | 'png'): void {
  const svg = container?.querySelector('svg');
  if (!svg) return;
  const text = new XMLSerializer().serializeToString(svg);
  if (as === 'svg') { download('board.svg', text, 'image/svg+xml'); return; }
  const img = new Image();
  const size = 960;
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    canvas.getContext('2d')!.drawImage(img, 0, 0, size, size);
    canvas.toBlob((b) => b && download('board.png', b, 'image/png'));
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
}
