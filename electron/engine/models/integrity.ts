// What the hub tells us about a file, and how we check what we received against it. huggingface_hub's rule:
// for an LFS file the first response carries X-Linked-Etag (the sha256 of the content) and X-Linked-Size; for a
// small git-stored file the ETag is the git blob sha1, i.e. sha1("blob <size>\0" + content).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { LookalikeError } from '../errors.js';

export interface HubFileMeta {
  /** X-Repo-Commit: the commit the revision resolved to. */
  commit: string | null;
  /** Normalised etag of the first response (X-Linked-Etag, else ETag). */
  etag: string | null;
  /** X-Linked-Size of the first response, when the hub sent it. */
  linkedSize: number | null;
}

/** What we received is not what we were told: never installed, never resumed from. */
const integrityError = (message: string): LookalikeError => new LookalikeError('failed', message);

/** Strips the weak marker and quotes: `W/"abc"` -> `abc`. */
export function normalizeEtag(value: string | null): string | null {
  if (!value) return null;
  const stripped = value.trim().replace(/^W\//i, '').replace(/^"|"$/g, '');
  return stripped || null;
}

export const isSha256 = (etag: string | null): etag is string => !!etag && /^[0-9a-f]{64}$/i.test(etag);
export const isGitSha1 = (etag: string | null): etag is string => !!etag && /^[0-9a-f]{40}$/i.test(etag);

export function parseSize(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : null;
}

/** `bytes 100-199/1000` -> { start: 100, total: 1000 } (total null for `*`). */
export function parseContentRange(value: string | null): { start: number; total: number | null } | null {
  const match = value?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/i);
  if (!match?.[1] || !match[3]) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}

/** The hashes one download feeds: sha256 always, the git blob sha1 when the etag is one and the size is known. */
export class ContentHashes {
  readonly sha256: Hash = createHash('sha256');
  readonly gitSha1: Hash | null;

  constructor(etag: string | null, expectedSize: number | null) {
    this.gitSha1 = isGitSha1(etag) && expectedSize !== null ? createHash('sha1').update(`blob ${expectedSize}\0`) : null;
  }

  update(chunk: Uint8Array): void {
    this.sha256.update(chunk);
    this.gitSha1?.update(chunk);
  }

  /** Feeds the first `length` bytes of a file (a resumed .part) through the hashes. */
  async updateFromFile(file: string, length: number): Promise<void> {
    if (length <= 0) return;
    for await (const chunk of createReadStream(file, { start: 0, end: length - 1 })) this.update(chunk as Buffer);
  }
}

export interface VerifyInput {
  file: string;
  size: number;
  sha256: string;
  gitSha1: string | null;
  expectedSize: number | null;
  etag: string | null;
  /** sha256 the registry pins, when known. */
  registrySha256: string | null;
  /** Exact size the registry pins, when known. */
  registryBytes?: number | null;
}

/** Throws a LookalikeError (`failed`) unless size and content match everything we were told. */
export function verifyDownloadedContent(v: VerifyInput): void {
  if (v.expectedSize !== null && v.size !== v.expectedSize) {
    throw integrityError(`${v.file}: received ${v.size} bytes, expected ${v.expectedSize}`);
  }
  if (isSha256(v.etag) && v.sha256 !== v.etag.toLowerCase()) {
    throw integrityError(`${v.file}: sha256 ${v.sha256} does not match the hub's ${v.etag.toLowerCase()}`);
  }
  if (isGitSha1(v.etag) && v.gitSha1 !== null && v.gitSha1 !== v.etag.toLowerCase()) {
    throw integrityError(`${v.file}: git blob sha1 ${v.gitSha1} does not match the hub's ${v.etag.toLowerCase()}`);
  }
  if (v.registryBytes && v.size !== v.registryBytes) {
    throw integrityError(`${v.file}: received ${v.size} bytes, the registry pins ${v.registryBytes}`);
  }
  if (v.registrySha256 && v.sha256 !== v.registrySha256) {
    throw integrityError(`${v.file}: sha256 ${v.sha256} does not match the registry's ${v.registrySha256}`);
  }
}

/** sha256 of a whole file, streamed. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
