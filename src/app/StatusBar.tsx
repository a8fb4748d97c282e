// What the page is doing and running on: WebGPU or the CPU reference (and why), progress bars for
// loads and long computations, errors, and notices about links that could not be fully used.
import { useSession } from './state/store';

export function StatusBar() {
  const { loaded, jobs, error, notice, patch, atlas } = useSession();
  return (
    <div className="status">
      {loaded && (
        <p className={loaded.gpuProblem ? 'notice warn' : 'notice ok'} role="status" data-testid="gpu-status">
          {loaded.gpuProblem
            ? `No WebGPU: ${loaded.gpuProblem}. Everything runs on the CPU reference in a worker instead (for a small model such as the default ones it answers as fast or faster; large models are slower).`
            : `Running on ${loaded.backend} in a worker.`}
          {' '}{loaded.modelName}{loaded.saeName ? ` · SAE ${loaded.saeName} (${loaded.dSae} features)` : ''} · {loaded.hook}
          {loaded.backendNote && <span className="backend-note" data-testid="backend-note"> · Measured: {loaded.backendNote}.</span>}
        </p>
      )}
      {atlas && (
        <p className="small atlas-status" data-testid="atlas-status">
          Feature atlas: {atlas.games.length} random games ({atlas.atlas.positions.toLocaleString('en-US')} positions), {atlas.from === 'memory' ? 'kept from earlier in this session' : atlas.from === 'browser' ? "kept in this browser's storage from an earlier visit" : `computed in ${(atlas.ms / 1000).toFixed(1)} s and kept for next time`}.
        </p>
      )}
      {Object.entries(jobs).map(([id, j]) => (
        <div key={id} className="progress" role="progressbar" aria-label={j.label} aria-valuenow={j.done} aria-valuemax={j.total} data-testid={`progress-${id}`}>
          <span style={{ width: `${(j.done / Math.max(1, j.total)) * 100}%` }} />{j.label} {j.done}/{j.total}
        </div>
      ))}
      {error && <p className="notice error" role="alert" data-testid="error">{error} <button className="link" onClick={() => patch({ error: null })}>dismiss</button></p>}
      {notice.length > 0 && (
        <p className="notice warn" data-testid="notice">{notice.join('; ')} <button className="link" onClick={() => patch({ notice: [] })}>dismiss</button></p>
      )}
    </div>
  );
}
