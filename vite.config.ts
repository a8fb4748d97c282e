import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173 },
  // Scan the worker too and pre-bundle every dependency up front: a dependency discovered late makes
  // the dev server reload the page, which would drop a user's (or a test's) first clicks.
  optimizeDeps: {
    entries: ['index.html', 'src/app/worker/engine-worker.ts', 'tests/browser/*.html'],
    include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'zustand', 'd3', 'chess.js', 'chessboardjsx'],
  },
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GPU tests share one Dawn device per file; running files in parallel on 2 cores only thrashes.
    fileParallelism: false,
  },
} as never);
