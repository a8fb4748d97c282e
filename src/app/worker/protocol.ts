// Messages between the page and its worker. Every request carries an id; the worker answers with
// progress messages (optional) and then exactly one result or error for that id.
import type { FeatureAtlas } from '../../metrics/atlas';
import type { Edit, FeatureStatics, GameAnalysis, GameId, GameInput, InterventionResult } from './workbench';

/** Where the model comes from: an entry of public/models/index.json or the user's own files. */
export type ModelChoice = { kind: 'manifest'; id: string } | { kind: 'files'; name: string; weights: ArrayBuffer; config: string };
/** Where the SAE comes from; 'none' runs the model alone. */
export type SaeChoice = { kind: 'none' } | { kind: 'manifest'; id: string } | { kind: 'files'; name: string; files: Record<string, ArrayBuffer> };

export interface LoadRequest {
  type: 'load';
  /** absolute URL of the folder holding models/ */
  base: string;
  model: ModelChoice;
  sae: SaeChoice;
  /** residual-stream layer to read when there is no SAE (the SAE's own hook otherwise) */
  layer: number;
  /** run on the CPU reference even when WebGPU is there (also used by tests) */
  forceCpu?: boolean;
}

export interface Loaded {
  game: GameId;
  backend: string;
  gpuProblem?: string;
  modelName: string;
  hook: string;
  layer: number;
  nCtx: number;
  dSae: number;
  saeName?: string;
  probes: string[];
  statics: FeatureStatics | null;
  ms: number;
}

export type Request =
  | LoadRequest
  | { type: 'analyze'; moves: GameInput }
  | { type: 'intervene'; moves: GameInput; position: number; edits: Edit[] }
  | { type: 'atlas'; games: number; seed: number };

export interface Results {
  load: Loaded;
  analyze: GameAnalysis;
  intervene: InterventionResult;
  atlas: { atlas: FeatureAtlas; games: GameInput[]; ms: number };
}

export type Reply =
  | { id: number; kind: 'progress'; label: string; done: number; total: number }
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; message: string };
