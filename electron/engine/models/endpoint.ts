// The hub endpoint and the rule for which URLs we fetch from: HTTPS everywhere, plain HTTP only on loopback
// (tests run a local server). A redirect to plain HTTP on another host would let anyone on the path swap weights.
import { isIP } from 'node:net';
import { LookalikeError } from '../errors.js';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** `HF_ENDPOINT` as huggingface_hub reads it (trailing slash trimmed), else huggingface.co. */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const value = env['HF_ENDPOINT']?.trim();
  const endpoint = (value || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  assertAllowedUrl(endpoint);
  return endpoint;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Throws unless `url` is https, or http to a loopback address. */
export function assertAllowedUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LookalikeError('forbidden', `not a valid URL: ${String(url)}`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return parsed;
  throw new LookalikeError(
    'forbidden',
    `refusing to download from ${parsed.origin}: only https:// is allowed (plain http only on localhost/127.0.0.0/8/::1). ` +
      'Check HF_ENDPOINT.',
  );
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}`, the hub's download URL. */
export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  const encodedFile = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedFile}`;
}
