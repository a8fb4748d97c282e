// Files opened by URL (a Hugging Face `resolve/main/...` link or any http(s) URL): the size is
// asked for first (HEAD) so the page can ask before downloading, the download shows progress and
// can be cancelled, and the bytes are kept in the browser's Cache Storage so a reload or a shared
// link does not download them again. A CORS refusal looks like a network failure to a page; the
// error says so in plain words.

const CACHE = 'workbench-files-v1';
export const MAX_REMOTE = 1 << 30;

export class RemoteFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteFileError';
  }
}

/** Only absolute http(s) URLs, at most 1,024 characters; anything else is refused with the reason. */
export function checkUrl(text: string): URL {
  const t = text.trim();
  if (t.length > 1024) throw new RemoteFileError('the URL is longer than 1,024 characters');
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    throw new RemoteFileError(`${JSON.stringify(t.slice(0, 60))} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new RemoteFileError(`only http(s) URLs can be opened, not ${u.protocol}`);
  return u;
}

/** The file name a URL names (its last path segment, decoded; "file" when there is none). */
export function fileNameOf(u: URL): string {
  const last = u.pathname.split('/').filter(Boolean).pop() ?? 'file';
  try {
    return decodeURIComponent(last).replace(/[^\w.+-]/g, '_').slice(0, 100) || 'file';
  } catch {
    return last.replace(/[^\w.+-]/g, '_').slice(0, 100) || 'file';
  }
}

function networkError(u: URL, e: unknown): RemoteFileError {
  if ((e as Error)?.name === 'AbortError') return new RemoteFileError('download cancelled');
  return new RemoteFileError(`${u.host} could not be read from this page: either the server does not allow other sites to read its files (no CORS header; Hugging Face "resolve" links do allow it), or it could not be reached. A web page cannot tell the two apart. You can download the file yourself and open it with "Open model…" / "Open SAE…".`);
}

async function cached(u: URL): Promise<ArrayBuffer | undefined> {
  if (typeof caches === 'undefined') return undefined;
  const hit = await (await caches.open(CACHE)).match(u.href);
  return hit ? hit.arrayBuffer() : undefined;
}

export interface RemoteInfo {
  url: URL;
  name: string;
  /** bytes, when the server says (Content-Length), else undefined */
  size?: number;
  /** the bytes are already in the browser's cache */
  inCache: boolean;
}

/** What a URL holds, before anything is downloaded. */
export async function probeRemote(text: string, signal?: AbortSignal): Promise<RemoteInfo> {
  const url = checkUrl(text);
  const name = fileNameOf(url);
  if (typeof caches !== 'undefined' && await (await caches.open(CACHE)).match(url.href)) return { url, name, inCache: true };
  let r: Response;
  try {
    r = await fetch(url.href, { method: 'HEAD', signal, redirect: 'follow' });
  } catch (e) {
    throw networkError(url, e);
  }
  if (!r.ok) throw new RemoteFileError(`${url.host} answered HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''} for ${name}`);
  const len = Number(r.headers.get('content-length'));
  const size = Number.isSafeInteger(len) && len > 0 ? len : undefined;
  if (size !== undefined && size > MAX_REMOTE) throw new RemoteFileError(`${name} is ${(size / 2 ** 20).toFixed(0)} MiB; files over 1 GiB are refused`);
  return { url, name, size, inCache: false };
}

/** Downloads (or reads from the cache) with progress; `signal` cancels. */
export async function downloadRemote(info: RemoteInfo, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<{ bytes: ArrayBuffer; fromCache: boolean }> {
  const hit = await cached(info.url);
  if (hit) return { bytes: hit, fromCache: true };
  let r: Response;
  try {
    r = await fetch(info.url.href, { signal, redirect: 'follow' });
  } catch (e) {
    throw networkError(info.url, e);
  }
  if (!r.ok) throw new RemoteFileError(`${info.url.host} answered HTTP ${r.status} for ${info.name}`);
  const total = Number(r.headers.get('content-length')) || info.size || 0;
  if (total > MAX_REMOTE) throw new RemoteFileError(`${info.name} is over 1 GiB; refused`);
  // One buffer of the announced size, filled as chunks arrive (no second copy for a known size).
  let buf = new Uint8Array(total || 1 << 20), done = 0;
  const reader = r.body!.getReader();
  try {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      if (done + value.length > MAX_REMOTE) throw new RemoteFileError(`${info.name} is over 1 GiB; refused`);
      if (done + value.length > buf.length) {
        const bigger = new Uint8Array(Math.max(buf.length * 2, done + value.length));
        bigger.set(buf.subarray(0, done));
        buf = bigger;
      }
      buf.set(value, done);
      done += value.length;
      onProgress(done, total || done);
    }
  } catch (e) {
    if (e instanceof RemoteFileError) throw e;
    throw networkError(info.url, e);
  }
  const bytes = done === buf.length ? buf.buffer : buf.slice(0, done).buffer;
  if (typeof caches !== 'undefined') {
    try {
      await (await caches.open(CACHE)).put(info.url.href, new Response(bytes, { headers: { 'content-length': String(done) } }));
    } catch { /* a full cache only means the next load downloads again */ }
  }
  return { bytes, fromCache: false };
}
