// Hostile and broken files: each must give an Error with a human reason, quickly, and never crash or hang.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/engine/preprocess/decode.js';

const MAKE_BAD_INPUTS = '/work/shared/photos/make-bad-inputs.sh';
const COFFEE = resolve(import.meta.dirname, '../../fixtures/photos/originals/skimage_coffee.jpg');
const CHELSEA = resolve(import.meta.dirname, '../../fixtures/photos/originals/skimage_chelsea.jpg');

let dir: string;
let canary: Server;
let canaryHits = 0;

/** The corpus' script when present; otherwise the same kinds of file, written here. */
async function writeBadInputs(into: string): Promise<void> {
  if (existsSync(MAKE_BAD_INPUTS)) {
    const made = spawnSync('bash', [MAKE_BAD_INPUTS, into], { encoding: 'utf8' });
    if (made.status === 0) return;
  }
  await writeFile(join(into, 'empty.jpg'), '');
  const coffee = await readFile(COFFEE);
  await writeFile(join(into, 'truncated.jpg'), coffee.subarray(0, Math.floor(coffee.length * 0.4)));
  await writeFile(join(into, 'photo.jpg'), 'This is a plain text file, not a JPEG.\n');
  await writeFile(join(into, 'bomb-30000x30000.png'), bombPng(30000, 30000));
  await writeFile(join(into, 'external-refs.svg'),
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
    + '<image href="http://127.0.0.1:47391/canary.png" width="9" height="9"/></svg>');
  await writeFile(join(into, 'xxe.svg'),
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + '<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>');
  await copyFile(CHELSEA, join(into, 'wrong-extension.png'));
  await copyFile(COFFEE, join(into, 'Café Ünïcøde ☀ photo 2024 (копия).jpg'));
  await mkdir(join(into, 'loop'));
  spawnSync('mkfifo', [join(into, 'fifo.jpg')]);
  spawnSync('ln', ['-s', 'does-not-exist/nowhere.jpg', join(into, 'dangling-link.jpg')]);
}

/** A 1-bit palette PNG: tiny on disk, enormous once decoded (as the corpus script writes it). */
function bombPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1;
  ihdr[9] = 3;
  const idat = deflateSync(Buffer.alloc(height * (1 + Math.ceil(width / 8))), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from([60, 120, 180])), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-inputs-'));
  await writeBadInputs(dir);
  // A canary on the port the SVGs point at: decoding must never connect to it.
  canary = createServer((socket) => {
    canaryHits++;
    socket.destroy();
  });
  await new Promise<void>((done) => canary.listen(47391, '127.0.0.1', done).on('error', () => done()));
});

afterAll(async () => {
  await new Promise<void>((done) => canary.close(() => done()));
  await rm(dir, { recursive: true, force: true });
});

describe('bad inputs give a clear Error, fast', () => {
  it.each([
    ['empty.jpg', /^empty file$/],
    ['truncated.jpg', /^truncated or corrupt JPEG: premature end of JPEG image/],
    ['photo.jpg', /^not an image \(unrecognised format\)$/],
    ['bomb-30000x30000.png', /^image too large: 30000×30000 exceeds the 100 MP limit$/],
    ['external-refs.svg', /^unsupported format: SVG/],
    ['xxe.svg', /^unsupported format: SVG/],
    ['fifo.jpg', /^not a regular file/],
    ['dangling-link.jpg', /^file not found/],
    ['loop', /^not a file \(a directory\)$/],
  ])('%s', async (name, reason) => {
    const started = performance.now();
    const run = decodeImage(join(dir, name));
    await expect(run).rejects.toThrow(reason);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(run).rejects.toMatchObject({ code: 'failed' });
  });

  it.runIf(existsSync(MAKE_BAD_INPUTS))('reports the broken PNG chunks of the corpus script', async () => {
    await expect(decodeImage(join(dir, 'bad-crc-ihdr.png'))).rejects.toThrow(/^truncated or corrupt PNG: /);
    await expect(decodeImage(join(dir, 'bad-crc-idat.png'))).rejects.toThrow(/^truncated or corrupt PNG: /);
  });

  it('decodes valid photos by content, whatever their name says', async () => {
    const wrongName = await decodeImage(join(dir, 'wrong-extension.png'));
    expect(wrongName.format).toBe('jpeg');
    const unicode = await decodeImage(join(dir, 'Café Ünïcøde ☀ photo 2024 (копия).jpg'));
    expect([unicode.width, unicode.height]).toEqual([600, 400]);
  });

  it('never touched the network for the SVGs', () => {
    expect(canaryHits).toBe(0);
  });
});
