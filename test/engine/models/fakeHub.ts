// A hub-like HTTP server on 127.0.0.1 for the model manager's tests: `/{repo}/resolve/{rev}/{file}` answers
// small files directly (ETag = git blob sha1) and .onnx files with a 302 to `/cdn/<sha256>` carrying
// X-Linked-Etag / X-Linked-Size / X-Repo-Commit, as huggingface.co does for LFS files. Faults are switchable.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  commit: string;
  files: Record<string, Buffer>;
}

export interface Faults {
  /** Destroy the socket after this many body bytes, for the next `dropCount` CDN responses. */
  dropAfterBytes?: number;
  dropCount?: number;
  /** Flip a byte in CDN bodies (size unchanged). */
  corrupt?: boolean;
  /** Answer 200 with the whole file even when a Range was asked for. */
  ignoreRange?: boolean;
  /** Send CDN bodies in 1 KiB chunks this many ms apart. */
  slowChunkMs?: number;
  /** Location style of the 302: relative path (default) or absolute URL (`absoluteTo` as origin). */
  absoluteTo?: string;
}

export interface LoggedRequest {
  path: string;
  range: string | null;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export class FakeHub {
  readonly log: LoggedRequest[] = [];
  faults: Faults = {};
  private server: Server;
  private blobs = new Map<string, Buffer>();
  private sockets = new Set<import('node:net').Socket>();

  constructor(private repos: Record<string, FakeRepo>) {
    for (const repo of Object.values(repos)) for (const buf of Object.values(repo.files)) this.blobs.set(sha256(buf), buf);
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const range = req.headers.range ?? null;
    this.log.push({ path: url.pathname, range });
    const cdn = url.pathname.match(/^\/cdn\/([0-9a-f]{64})$/);
    if (cdn?.[1]) {
      const blob = this.blobs.get(cdn[1]);
      if (!blob) return void res.writeHead(404).end('no such blob');
      return this.sendBody(res, blob, range, true);
    }
    const m = url.pathname.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    const repo = m?.[1] ? this.repos[m[1]] : undefined;
    const rev = m?.[2];
    const file = m?.[3] ? decodeURIComponent(m[3]) : undefined;
    if (!repo || !file || (rev !== 'main' && rev !== repo.commit)) {
      return void res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
    }
    const body = repo.files[file];
    if (!body) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': repo.commit }).end('Entry not found');
    if (file.endsWith('.onnx')) {
      const location = this.faults.absoluteTo ? `${this.faults.absoluteTo}/cdn/${sha256(body)}` : `/cdn/${sha256(body)}`;
      res.writeHead(302, {
        location,
        'x-repo-commit': repo.commit,
        'x-linked-etag': `"${sha256(body)}"`,
        'x-linked-size': String(body.length),
        etag: `W/"${gitSha1(Buffer.from('pointer'))}"`,
      });
      return void res.end();
    }
    res.setHeader('x-repo-commit', repo.commit);
    res.setHeader('etag', `"${gitSha1(body)}"`);
    this.sendBody(res, body, range, false);
  }

  private sendBody(res: ServerResponse, full: Buffer, range: string | null, isCdn: boolean): void {
    let start = 0;
    const match = range?.match(/^bytes=(\d+)-$/);
    if (match?.[1] && !this.faults.ignoreRange) {
      start = Number(match[1]);
      if (start >= full.length) return void res.writeHead(416, { 'content-range': `bytes */${full.length}` }).end();
      res.writeHead(206, { 'content-range': `bytes ${start}-${full.length - 1}/${full.length}`, 'content-length': full.length - start });
    } else {
      res.writeHead(200, { 'content-length': full.length, etag: `"cdn-${full.length}"` });
    }
    let body = full.subarray(start);
    if (isCdn && this.faults.corrupt) {
      body = Buffer.from(body);
      const middle = body.length >> 1;
      body[middle] = (body[middle] ?? 0) ^ 0xff;
    }
    const drop = isCdn && this.faults.dropAfterBytes !== undefined && (this.faults.dropCount ?? 1) > 0;
    if (drop) {
      this.faults.dropCount = (this.faults.dropCount ?? 1) - 1;
      // Destroy a moment after the bytes are flushed: an immediate reset can make the client's kernel drop them.
      res.write(body.subarray(0, this.faults.dropAfterBytes), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (isCdn && this.faults.slowChunkMs) {
      let offset = 0;
      const timer = setInterval(() => {
        if (res.destroyed || offset >= body.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(offset, offset + 1024));
        offset += 1024;
      }, this.faults.slowChunkMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.end(body);
  }
}
