// A small, strict argument parser: --flag value pairs only, unknown flags are errors.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseFlags(argv: string[], allowed: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const name = arg.slice(2);
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name} (options: ${allowed.map((a) => `--${a}`).join(', ')})`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
    i++;
  }
  return flags;
}

export function required(flags: Map<string, string>, name: string): string {
  const v = flags.get(name);
  if (v === undefined) throw new UsageError(`missing --${name}`);
  return v;
}

/** A numeric flag checked by `ok` (described by `what` in the error), or `fallback` when absent. */
export function numberFlag(flags: Map<string, string>, name: string, fallback: number | undefined, ok: (v: number) => boolean, what: string): number {
  const raw = flags.get(name);
  if (raw === undefined && fallback === undefined) throw new UsageError(`missing --${name}`);
  const v = raw === undefined ? fallback! : Number(raw);
  if (!ok(v)) throw new UsageError(`--${name} must be ${what}`);
  return v;
}

export const isPositiveInt = (v: number) => Number.isSafeInteger(v) && v > 0;
export const isNonNegativeInt = (v: number) => Number.isSafeInteger(v) && v >= 0;
