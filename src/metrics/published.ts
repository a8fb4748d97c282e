// Published numbers to compare against (spec 3.7): Karvonen et al. 2024, recomputed from the CSVs
// behind the paper's figures. Othello: layer-5 SAEs of the 8-layer synthetic Othello-GPT; best
// value per trainer (L0 of that SAE where known). Ceilings: the masked mine/yours set divides by
// 8*8*3 = 192 although the blank class can never be positive, so coverage is at most 2/3.

export interface PublishedRow {
  dictionary: string;
  coverage_mine_yours_masked: number;
  reconstruction_mine_yours_masked: number;
  coverage_valid_moves: number;
  reconstruction_valid_moves: number;
  /** L0 of the SAE behind the coverage / reconstruction values, where published */
  l0_coverage?: number;
  l0_reconstruction?: number;
}

export const OTHELLO_PUBLISHED: readonly PublishedRow[] = [
  { dictionary: 'Standard', coverage_mine_yours_masked: 0.403, reconstruction_mine_yours_masked: 0.954, coverage_valid_moves: 0.708, reconstruction_valid_moves: 0.939, l0_coverage: 426, l0_reconstruction: 457 },
  { dictionary: 'Standard + p-anneal', coverage_mine_yours_masked: 0.454, reconstruction_mine_yours_masked: 0.953, coverage_valid_moves: 0.799, reconstruction_valid_moves: 0.918, l0_coverage: 196, l0_reconstruction: 63 },
  { dictionary: 'Gated', coverage_mine_yours_masked: 0.519, reconstruction_mine_yours_masked: 0.913, coverage_valid_moves: 0.809, reconstruction_valid_moves: 0.793, l0_coverage: 129, l0_reconstruction: 103 },
  { dictionary: 'Gated + p-anneal', coverage_mine_yours_masked: 0.509, reconstruction_mine_yours_masked: 0.883, coverage_valid_moves: 0.812, reconstruction_valid_moves: 0.787, l0_coverage: 53, l0_reconstruction: 47 },
  { dictionary: 'TopK', coverage_mine_yours_masked: 0.494, reconstruction_mine_yours_masked: 0.870, coverage_valid_moves: 0.784, reconstruction_valid_moves: 0.763, l0_coverage: 150, l0_reconstruction: 80 },
  { dictionary: 'MLP neurons (layer 5, 2048)', coverage_mine_yours_masked: 0.529, reconstruction_mine_yours_masked: 0.815, coverage_valid_moves: 0.649, reconstruction_valid_moves: 0.644 },
  { dictionary: 'SAEs on a random-init model', coverage_mine_yours_masked: 0.272, reconstruction_mine_yours_masked: 0.082, coverage_valid_moves: 0.340, reconstruction_valid_moves: 0.054 },
];

/** Highest coverage possible per Othello family, as the paper counts it. */
export const OTHELLO_CEILINGS: Readonly<Record<string, number>> = {
  'mine-yours': 1,
  'mine-yours-blank-mask': 2 / 3,
  'valid-moves': 1,
};

/** Chess (spec 3.7): Karvonen's 8-layer chess model; one p-anneal SAE per layer, MLP neurons, random-init SAEs. */
export interface ChessPublishedRow { dictionary: string; l0?: number; fve?: number; coverage_board: number; reconstruction_board: number; coverage_strategy: number; reconstruction_strategy: number }
export const CHESS_PUBLISHED: readonly ChessPublishedRow[] = [
  { dictionary: 'p-anneal SAE, layer 5', l0: 29.8, fve: 0.983, coverage_board: 0.496, reconstruction_board: 0.836, coverage_strategy: 0.617, reconstruction_strategy: 0.650 },
  { dictionary: 'p-anneal SAE, layer 6', l0: 37.6, fve: 0.974, coverage_board: 0.486, reconstruction_board: 0.823, coverage_strategy: 0.619, reconstruction_strategy: 0.650 },
  { dictionary: 'MLP neurons, layer 5', l0: 2046, coverage_board: 0.256, reconstruction_board: 0.561, coverage_strategy: 0.553, reconstruction_strategy: 0.528 },
  { dictionary: 'best SAE on the random-init model', coverage_board: 0.110, reconstruction_board: 0.005, coverage_strategy: 0.439, reconstruction_strategy: 0.258 },
];

/** Per strategy function, the layer-5 chess SAE's [coverage, reconstruction]. */
export const CHESS_PUBLISHED_STRATEGY: Readonly<Record<string, readonly [number, number]>> = {
  threat: [0.675, 0.932], 'legal-moves': [0.589, 0.630], check: [0.898, 0.995], 'can-check-next': [0.519, 0.266], 'has-queen': [0.895, 0.969],
  'can-capture-queen': [0.469, 0.596], 'bishop-pair': [0.765, 0.770], 'castling-rights': [0.623, 0.967], 'kingside-castling-rights': [0.613, 0.957],
  'queenside-castling-rights': [0.606, 0.918], 'any-fork': [0.362, 0.110], pin: [0.231, 0.063], 'legal-en-passant': [0.865, 0.817], 'ambiguous-moves': [0.526, 0.111],
};
