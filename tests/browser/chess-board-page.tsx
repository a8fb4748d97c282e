// Renders the workbench's chess board with an overlay and chess.js-checked moves, for the browser test.
import { Chess } from 'chess.js';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ChessBoard } from '../../src/app/board/ChessBoard';

const values = new Float32Array(64).fill(NaN);
values[28] = 1; // e4
values[12] = 0.3; // e2

function Page() {
  const [game] = useState(() => new Chess());
  const [fen, setFen] = useState(game.fen());
  const [log, setLog] = useState<string[]>([]);
  return (
    <>
      <ChessBoard fen={fen} width={400} overlay={{ kind: 'heat', values, tips: [] }} selected={36} onSquare={(s) => setLog((l) => [...l, `click ${s}`])}
        onMove={(from, to) => {
          try {
            game.move({ from, to, promotion: 'q' });
            setFen(game.fen());
            setLog((l) => [...l, `move ${from}${to}`]);
            return true;
          } catch {
            setLog((l) => [...l, `illegal ${from}${to}`]);
            return false;
          }
        }} />
      <pre id="log">{log.join('\n')}</pre>
      <pre id="fen">{fen}</pre>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<Page />);
