export * from './board';
export * from './notation';
export * from './tokenizer';
export * from './generator';
export * from './bsp';
export * from './games-file';
