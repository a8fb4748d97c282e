// JSON from users' files and links, parsed with limits: size, and nesting depth checked by one
// linear scan before JSON.parse (a header of 100,000 nested brackets is refused at once instead of
// costing seconds or overflowing a later recursive walk), and text quoted for error messages.

export const MAX_JSON_DEPTH = 64;

/** Nesting depth of JSON text (brackets outside strings), stopping early past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) { if (++depth > max && (max = depth) > limit) return max; }
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** JSON.parse with a depth and a size limit; throws a plain Error with the reason. */
export function parseJsonLimited(text: string, maxBytes = 100 * 1024 * 1024): unknown {
  if (text.length > maxBytes) throw new Error(`${text.length} characters of JSON, more than the ${maxBytes} accepted`);
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error, newlines included: say where, not what.
    const at = /position (\d+)/.exec((e as Error).message);
    throw new Error(`not valid JSON${at ? ` (near character ${at[1]})` : ''}`);
  }
}

/** Text from a file or link quoted for an error message: escaped (no control or bidi characters), one line, at most ~80 characters. */
export function quote(s: string): string {
  const escaped = JSON.stringify(s.slice(0, 200)).slice(1, -1)
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped.length > 80 || s.length > 200 ? `${escaped.slice(0, 80)}…` : escaped}"`;
}
