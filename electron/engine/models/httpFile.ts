// Downloads one file from the hub: follows redirects (the hub answers LFS files with a 302 to its CDN), streams
// into `<dest>.part`, resumes with a Range request after a dropped connection or a quit, checks size and hash,
// and only then renames the part into place, so a partial or corrupt file never carries the final name.
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLookalikeError, LookalikeError } from '../errors.js';
import { assertAllowedUrl } from './endpoint.js';
import {
  ContentHashes,
  normalizeEtag,
  parseContentRange,
  parseSize,
  verifyDownloadedContent,
  type HubFileMeta,
} from './integrity.js';
import { PART_SUFFIX } from './paths.js';

export interface DownloadProgress {
  /** The file being fetched, relative to the model folder (e.g. `onnx/model.onnx`). */
  file: string;
  bytes: number;
  totalBytes: number | null;
  /** Bytes per second received in this run (resumed bytes excluded). */
  rate: number;
  etaSeconds: number | null;
}

export interface DownloadFileParams {
  url: string;
  dest: string;
  /** Name reported in progress and errors. */
  label: string;
  /** sha256 pinned by the registry, checked in addition to the hub's etag. */
  registrySha256?: string | null;
  /** Exact size pinned by the registry, checked like the sha256. */
  registryBytes?: number | null;
  /** Extra attempts after a dropped connection or a 5xx (each resumes where the last stopped). Default 3. */
  retries?: number;
  retryDelayMs?: number;
}

export interface DownloadedFile {
  path: string;
  size: number;
  sha256: string;
  meta: HubFileMeta;
}

export interface FileJobOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * A failed attempt: `unavailable` when another attempt may succeed (a dropped connection, a 5xx, a server that
 * could not resume: the next attempt resumes or starts over), `failed` when retrying cannot help.
 */
function downloadError(message: string, retryable: boolean, cause?: unknown): LookalikeError {
  return new LookalikeError(retryable ? 'unavailable' : 'failed', message, { cause });
}

const isRetryable = (error: unknown): boolean => isLookalikeError(error, 'unavailable');

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const PROGRESS_INTERVAL_MS = 100;
const FATAL_FS_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'EMFILE']);

export async function downloadFile(params: DownloadFileParams, opts: FileJobOptions = {}): Promise<DownloadedFile> {
  const attempts = (params.retries ?? 3) + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptDownload(params, opts);
    } catch (err) {
      if (opts.signal?.aborted) throw await cancelled(params, err);
      const error = classify(err, params);
      if (!isRetryable(error) || attempt >= attempts) throw error;
      await sleep((params.retryDelayMs ?? 500) * attempt, undefined, { signal: opts.signal }).catch(() => undefined);
      if (opts.signal?.aborted) throw await cancelled(params, err);
    }
  }
}

interface PartState {
  etag: string | null;
  size: number | null;
}

/** `<dest>.part` and the sidecar that records which file version it holds. */
interface PartFiles {
  part: string;
  sidecar: string;
}

interface PartialDownload {
  bytes: number;
  state: PartState;
}

async function attemptDownload(params: DownloadFileParams, opts: FileJobOptions): Promise<DownloadedFile> {
  const part = params.dest + PART_SUFFIX;
  const files: PartFiles = { part, sidecar: `${part}.json` };
  await mkdir(path.dirname(params.dest), { recursive: true });
  const previous = await readPartState(files);
  const { response, meta } = await openFollowingRedirects(params.url, requestHeaders(previous?.bytes ?? 0), opts.signal);
  let bodyConsumed = false;
  try {
    const { offset, expectedSize } = await resumePoint(response, meta, previous, files, params);
    await writeFile(files.sidecar, JSON.stringify({ etag: meta.etag, size: expectedSize } satisfies PartState));
    const hashes = new ContentHashes(meta.etag, expectedSize);
    await hashes.updateFromFile(part, offset);
    const received = await streamBody(response, part, offset, hashes, expectedSize, params.label, opts);
    bodyConsumed = true;
    const size = offset + received;
    const sha256 = hashes.sha256.digest('hex');
    await verifyOrDiscard(files, { size, sha256, gitSha1: hashes.gitSha1?.digest('hex') ?? null, expectedSize, meta, params });
    await rename(part, params.dest);
    await rm(files.sidecar, { force: true });
    return { path: params.dest, size, sha256, meta };
  } finally {
    if (!bodyConsumed) await response.body?.cancel().catch(() => undefined);
  }
}

function requestHeaders(have: number): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'lookalike' };
  if (have > 0) headers['range'] = `bytes=${have}-`;
  return headers;
}

/**
 * Where this response continues the file (0 unless the server honoured our Range) and how big the file is.
 * A part that cannot be continued safely is discarded, with a retryable error so the next attempt starts over.
 */
async function resumePoint(
  response: Response,
  meta: HubFileMeta,
  previous: PartialDownload | null,
  files: PartFiles,
  params: DownloadFileParams,
): Promise<{ offset: number; expectedSize: number | null }> {
  const { label } = params;
  const have = previous?.bytes ?? 0;
  if (response.status === 416 && have > 0) {
    await discardPart(files);
    throw downloadError(`${label}: the server refused to resume; starting over`, true);
  }
  if (!response.ok) throw httpError(response.status, params);
  let offset = 0;
  let expectedSize = meta.linkedSize;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (!range || range.start !== have) {
      await discardPart(files);
      throw downloadError(`${label}: the server resumed at the wrong offset; starting over`, true);
    }
    offset = have;
    expectedSize ??= range.total;
  } else {
    // 200: no Range sent, or the server ignored it and sends the whole file; either way start from byte 0.
    expectedSize ??= parseSize(response.headers.get('content-length'));
  }
  if (offset > 0 && previous && (previous.state.etag !== meta.etag || previous.state.size !== expectedSize)) {
    // The file changed upstream since the part was written: continuing would splice two versions.
    await discardPart(files);
    throw downloadError(`${label}: the file changed on the server; starting over`, true);
  }
  return { offset, expectedSize };
}

interface ReceivedContent {
  size: number;
  sha256: string;
  gitSha1: string | null;
  expectedSize: number | null;
  meta: HubFileMeta;
  params: DownloadFileParams;
}

/** Checks size and hashes; a corrupt part is deleted, never resumed from. */
async function verifyOrDiscard(files: PartFiles, got: ReceivedContent): Promise<void> {
  try {
    verifyDownloadedContent({
      file: got.params.label,
      size: got.size,
      sha256: got.sha256,
      gitSha1: got.gitSha1,
      expectedSize: got.expectedSize,
      etag: got.meta.etag,
      registrySha256: got.params.registrySha256 ?? null,
      registryBytes: got.params.registryBytes ?? null,
    });
  } catch (err) {
    await discardPart(files);
    throw err;
  }
}

async function openFollowingRedirects(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<{ response: Response; meta: HubFileMeta }> {
  let current = assertAllowedUrl(url);
  const meta: HubFileMeta = { commit: null, etag: null, linkedSize: null };
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(current, { headers, redirect: 'manual', signal: signal ?? null });
    meta.commit ??= response.headers.get('x-repo-commit');
    if (hop === 0) {
      // Only the hub's own first answer describes the file; a CDN's ETag is often an MD5 or a chunk hash.
      meta.etag = normalizeEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
      meta.linkedSize = parseSize(response.headers.get('x-linked-size'));
    }
    if (!REDIRECT_STATUSES.has(response.status)) return { response, meta };
    const location = response.headers.get('location');
    await response.body?.cancel().catch(() => undefined);
    if (!location) throw downloadError(`redirect (${response.status}) without a Location from ${current.href}`, false);
    current = assertAllowedUrl(new URL(location, current));
  }
  throw downloadError(`too many redirects fetching ${url}`, false);
}

async function streamBody(
  response: Response,
  part: string,
  offset: number,
  hashes: ContentHashes,
  totalBytes: number | null,
  label: string,
  opts: FileJobOptions,
): Promise<number> {
  if (!response.body) throw downloadError(`${label}: empty response body`, true);
  const started = performance.now();
  let received = 0;
  let lastReport = 0;
  const report = (force: boolean): void => {
    const now = performance.now();
    if (!opts.onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? received / seconds : 0;
    const bytes = offset + received;
    const etaSeconds = totalBytes !== null && rate > 0 ? Math.max(0, (totalBytes - bytes) / rate) : null;
    opts.onProgress({ file: label, bytes, totalBytes, rate, etaSeconds });
  };
  report(true);
  // Each chunk is written before the next is read, so whatever arrived before a drop or a cancel is on disk
  // and the next run resumes exactly there (a buffered stream would lose its queue when destroyed).
  const file = await open(part, offset > 0 ? 'a' : 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hashes.update(chunk);
      await file.write(chunk);
      received += chunk.length;
      report(false);
    }
  } finally {
    await file.close();
  }
  report(true);
  return received;
}

async function readPartState({ part, sidecar }: PartFiles): Promise<PartialDownload | null> {
  let bytes: number;
  try {
    bytes = (await stat(part)).size;
  } catch {
    await rm(sidecar, { force: true });
    return null;
  }
  try {
    const state = JSON.parse(await readFile(sidecar, 'utf8')) as PartState;
    return { bytes, state };
  } catch {
    // A part without its sidecar cannot be matched to a file version: start over.
    await discardPart({ part, sidecar });
    return null;
  }
}

async function discardPart({ part, sidecar }: PartFiles): Promise<void> {
  await rm(part, { force: true });
  await rm(sidecar, { force: true });
}

function httpError(status: number, params: DownloadFileParams): LookalikeError {
  if (status === 404) {
    return downloadError(
      `${params.label} not found (404) at ${params.url}: the model, revision or file name is wrong, or the file was removed`,
      false,
    );
  }
  if (status === 401 || status === 403) {
    return downloadError(`access denied (${status}) for ${params.url}: the repository may be private or gated`, false);
  }
  const retryable = status >= 500 || status === 408 || status === 429;
  return downloadError(`HTTP ${status} fetching ${params.url}`, retryable);
}

/**
 * Turns low-level errors into download errors (retryable or not) with a message a user can act on; our own
 * refusals (integrity, insecure redirect, the ones above) pass as they are.
 */
function classify(err: unknown, params: DownloadFileParams): LookalikeError {
  if (isLookalikeError(err)) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  const code = errorCode(error);
  if (code && FATAL_FS_CODES.has(code)) {
    const what = code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left on the disk' : `cannot write (${code})`;
    return downloadError(
      `${what} while saving ${params.label} to ${params.dest}${PART_SUFFIX}; free space and run again (the partial file is kept and resumes)`,
      false,
      error,
    );
  }
  const detail = code ? `${error.message} (${code})` : error.message;
  return downloadError(`connection problem fetching ${params.url}: ${detail}`, true, error);
}

function errorCode(error: Error): string | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/** The signal aborted: `cancelled`, and the .part stays so the next run resumes. */
async function cancelled(params: DownloadFileParams, cause: unknown): Promise<LookalikeError> {
  const part = params.dest + PART_SUFFIX;
  const kept = await stat(part).then((s) => s.size, () => 0);
  const note = kept > 0 ? `; ${kept} bytes kept in ${part}, run again to resume` : '';
  return new LookalikeError('cancelled', `download of ${params.label} cancelled${note}`, { cause });
}
