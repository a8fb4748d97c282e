// Messages between the page and its worker. Every request carries an id; the worker answers with
// progress messages (optional) and then exactly one result or error for that id.
import type { SaeFit } from './sae-fit';
import type { FeatureAtlas } from '../../metrics/atlas';
import type { Edit, FeatureStatics, GameAnalysis, GameId, GameInput, InterventionResult } from './workbench';

/**
 * Where the model comes from: an entry of public/models/index.json or the user's own files (a
 * weights file: safetensors, or a PyTorch .pt / .pth / .bin; optionally a config .json; the head
 * count when the files cannot say it).
 */
export type ModelChoice = { kind: 'manifest'; id: string } | { kind: 'files'; name: string; files: Record<string, ArrayBuffer>; nHeads?: number; key?: string };

/** Which residual stream the model exposes: the SAE's own convention ('auto'), raw, or TransformerLens-centred (spec 1.4(e)). */
export type ResidualChoice = 'auto' | 'raw' | 'centred';
/** Where the SAE comes from; 'none' runs the model alone. */
export type SaeChoice = { kind: 'none' } | { kind: 'manifest'; id: string } | { kind: 'files'; name: string; files: Record<string, ArrayBuffer>; key?: string };

/**
 * A user's files cross to the worker once, transferred (not copied): a choice with a `key` and no
 * files names files the worker already holds under that key.
 */
export type UploadKey = string;

export interface LoadRequest {
  type: 'load';
  /** absolute URL of the folder holding models/ */
  base: string;
  model: ModelChoice;
  sae: SaeChoice;
  /** residual-stream layer to read when there is no SAE (the SAE's own hook otherwise); past the model's last layer, the last */
  layer: number;
  /** the residual convention; 'auto' by default */
  residual?: ResidualChoice;
  /** run on the CPU reference even when WebGPU is there (also used by tests) */
  forceCpu?: boolean;
  /** time one game on each backend and analyse moves on the faster (default true; ?backend=webgpu turns it off) */
  measureBackends?: boolean;
}

export interface Loaded {
  game: GameId;
  backend: string;
  /** what was measured when choosing the backend for analysing moves */
  backendNote?: string;
  /** whether the SAE belongs to the model, measured on a few fresh games (sae-fit.ts) */
  saeFit?: SaeFit;
  gpuProblem?: string;
  modelName: string;
  hook: string;
  layer: number;
  nLayers: number;
  nCtx: number;
  /** the residual stream in use and why, in words ("centred: the SAE was trained on ...") */
  residual: { kind: 'raw' | 'centred'; why: string };
  /** where the architecture came from, for user files */
  architectureFrom?: string;
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
  /** `from`: the atlas was computed before, and kept in this page's memory or in the browser's storage */
  atlas: { atlas: FeatureAtlas; games: GameInput[]; ms: number; from?: 'memory' | 'browser' };
}

export type Reply =
  | { id: number; kind: 'progress'; label: string; done: number; total: number }
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; message: string };
