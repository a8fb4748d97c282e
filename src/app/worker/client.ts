// The page's side of the worker: typed requests returning promises, progress callbacks, and a clear
// error when the worker itself dies.
import type { Reply, Request, Results } from './protocol';

export type ProgressListener = (label: string, done: number, total: number) => void;

export class WorkerClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; progress?: ProgressListener }>();
  private readonly worker: Worker;

  constructor() {
    this.worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data, p = this.pending.get(r.id);
      if (!p) return;
      if (r.kind === 'progress') { p.progress?.(r.label, r.done, r.total); return; }
      this.pending.delete(r.id);
      if (r.kind === 'result') p.resolve(r.result);
      else p.reject(new Error(r.message));
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the workbench worker failed: ${e.message || 'unknown error'}`));
      this.pending.clear();
    };
  }

  /** `transfer`: buffers handed to the worker instead of copied (they are unusable here afterwards). */
  request<K extends Request['type']>(req: Extract<Request, { type: K }>, progress?: ProgressListener, transfer: Transferable[] = []): Promise<Results[K]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      this.worker.postMessage({ id, req }, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
