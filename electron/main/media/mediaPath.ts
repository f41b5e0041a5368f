// Which file a `lookalike-media://thumb/<encoded path>?size=N` request may read. Only photo files that really
// live under one of the user's roots (after resolving symlinks on both sides), or that the user picked in a
// dialog, are served; `..` or `.` segments, encoded or not, NUL bytes, relative and UNC paths, and links pointing
// out of the roots are refused. Every check that can be made on the string is made before any fs call, and the
// first fs call is on a path already known to be inside a root or picked: a URL cannot probe what exists elsewhere.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { photoExtensions as photoExtensionList, THUMB_SIZES, type ThumbSize } from '../../shared/values.js';
import { isUncPath } from '../capabilities.js';

/** The scanner's own list (values.ts), so every file a scan accepts has a thumbnail (`.jpe` once had none). */
const photoExtensions: ReadonlySet<string> = new Set(photoExtensionList);

export type MediaTarget = { ok: true; file: string; size: ThumbSize } | { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): MediaTarget => ({ ok: false, status, reason });

function isWithin(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The URL's size and path, checked as strings only. */
function parseMediaUrl(url: string, platform: NodeJS.Platform): { requested: string; size: ThumbSize } | MediaTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (parsed.host !== 'thumb') return refuse(404, `unknown media kind "${parsed.host}"`);
  const sizeParam = Number(parsed.searchParams.get('size') ?? 256);
  const size = THUMB_SIZES.find((s) => s === sizeParam);
  if (size === undefined) return refuse(400, `size must be one of ${THUMB_SIZES.join(', ')}`);
  // The whole path is one encodeURIComponent'd segment; decode once, then inspect the raw segments before any
  // normalisation could quietly fold a `..` away.
  let requested: string;
  try {
    requested = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  } catch {
    return refuse(400, 'malformed percent-encoding');
  }
  if (requested.includes('\0')) return refuse(400, 'NUL byte in path');
  if (isUncPath(requested, platform)) return refuse(403, 'network paths are not served');
  if (!path.isAbsolute(requested)) return refuse(400, 'path must be absolute');
  if (requested.split(/[\\/]/).some((s) => s === '..' || s === '.')) return refuse(403, 'path traversal');
  // The catalog's and the dialogs' paths are normalised; anything else (`//x`, `a//b`, a trailing slash) is refused
  // rather than compared in a second spelling.
  if (path.normalize(requested) !== requested) return refuse(400, 'path is not in canonical form');
  if (!photoExtensions.has(path.extname(requested).toLowerCase())) return refuse(403, 'not a photo file');
  return { requested, size };
}

/** Parses the URL and checks the file against the roots (and any paths granted by an open dialog). */
export async function resolveMediaRequest(
  url: string,
  roots: readonly string[],
  granted: ReadonlySet<string> = new Set(),
  platform: NodeJS.Platform = process.platform,
): Promise<MediaTarget> {
  const parsed = parseMediaUrl(url, platform);
  if ('ok' in parsed) return parsed;
  const { requested, size } = parsed;
  const root = roots.find((r) => isWithin(r, requested));
  const picked = granted.has(requested);
  if (!root && !picked) return refuse(403, 'outside the library folders');

  let real: string;
  try {
    real = await realpath(requested);
  } catch {
    return refuse(404, 'no such file');
  }
  // A link inside the root may point out of it; a picked file is the one the user picked, wherever it lies.
  const realRoot = root ? await realpath(root).catch(() => null) : null;
  if (!picked && !(realRoot !== null && isWithin(realRoot, real))) return refuse(403, 'outside the library folders');
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return refuse(404, 'not a file');
  return { ok: true, file: real, size };
}
