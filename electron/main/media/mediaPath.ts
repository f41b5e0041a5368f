// Which file a `lookalike-media://thumb/<encoded path>?size=N` request may read. Only photo files that really
// live under one of the user's roots (after resolving symlinks on both sides) are served; `..` or `.` segments,
// encoded or not, NUL bytes, relative paths and links pointing out of the roots are refused outright.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { photoExtensions as photoExtensionList, THUMB_SIZES, type ThumbSize } from '../../shared/values.js';

/** The scanner's own list (values.ts), so every file a scan accepts has a thumbnail (`.jpe` once had none). */
const photoExtensions: ReadonlySet<string> = new Set(photoExtensionList);

export type MediaTarget = { ok: true; file: string; size: ThumbSize } | { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): MediaTarget => ({ ok: false, status, reason });

function isWithin(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Parses the URL and checks the file against the roots (and any paths granted by an open dialog). */
export async function resolveMediaRequest(
  url: string,
  roots: readonly string[],
  granted: ReadonlySet<string> = new Set(),
): Promise<MediaTarget> {
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
  if (!path.isAbsolute(requested)) return refuse(400, 'path must be absolute');
  if (requested.split(/[\\/]/).some((s) => s === '..' || s === '.')) return refuse(403, 'path traversal');
  if (!photoExtensions.has(path.extname(requested).toLowerCase())) return refuse(403, 'not a photo file');

  let real: string;
  try {
    real = await realpath(requested);
  } catch {
    return refuse(404, 'no such file');
  }
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => null)));
  const allowed =
    realRoots.some((r) => r !== null && isWithin(r, real)) || granted.has(requested) || granted.has(real);
  if (!allowed) return refuse(403, 'outside the library folders');
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return refuse(404, 'not a file');
  return { ok: true, file: real, size };
}
