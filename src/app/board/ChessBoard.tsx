// Chess board for the workbench, on chessboardjsx: a FEN position, drag-and-drop or click moves
// (checked by the caller with chess.js), and the same overlay data as the Othello board: colours
// through chessboardjsx's per-square styles (a1 = White's queen-rook corner; overlay index
// 8*rank + file), letters and marks in an SVG layer over the board that lets clicks through.
import ChessboardModule from 'chessboardjsx';
import { ChessOverlayLayer } from './ChessOverlayLayer';
import { chessSquareStyles } from './chess-styles';
import type { BoardOverlay } from './OthelloBoard';

// Under Vite 8 the CommonJS default export can arrive as the module object.
const Chessboard = ((ChessboardModule as unknown as { default?: unknown }).default ?? ChessboardModule) as typeof ChessboardModule;

interface Props {
  fen: string;
  overlay?: BoardOverlay | null;
  selected?: number | null;
  /** squares outlined in dashed orange (a dashboard's feature squares) */
  highlight?: readonly number[];
  width?: number;
  /** return true when the move was legal and played */
  onMove?(from: string, to: string): boolean;
  onSquare?(square: string): void;
}

export function ChessBoard({ fen, overlay, selected = null, highlight, width = 480, onMove, onSquare }: Props) {
  return (
    <div data-testid="chess-board" className="chess-board" style={{ width }}>
      <Chessboard
        position={fen}
        width={width}
        squareStyles={chessSquareStyles(overlay, selected, highlight)}
        draggable={Boolean(onMove)}
        onDrop={({ sourceSquare, targetSquare }: { sourceSquare: string; targetSquare: string }) => { onMove?.(sourceSquare, targetSquare); }}
        onSquareClick={(sq: string) => onSquare?.(sq)}
        transitionDuration={0}
      />
      {overlay && <ChessOverlayLayer overlay={overlay} width={width} />}
    </div>
  );
}
