// The corpus' hostile files (empty, truncated and fake JPEGs, PNGs with bad CRCs, a 30000×30000 bomb, SVGs
// with network/file references, a unicode name, symlink loops, an unreadable file, a FIFO, a dangling link).
// Uses /work/shared/photos/make-bad-inputs.sh when the corpus is beside the checkout; otherwise writes the same
// set itself: this is a TypeScript port of that script (same names, same bytes, same sources from the
// committed fixtures), so the tests run on a fresh machine.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { corpusDir, fixture } from '../../helpers/photos.js';

export const UNICODE_NAME = 'Caf\u00e9 \u00dcn\u00efc\u00f8de \u2600 photo 2024 (\u043a\u043e\u043f\u0438\u044f).jpg';
/** The port the SVGs point at; a test listens there to prove nothing is fetched. */
export const CANARY_PORT = 47391;

const crcTable = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (buf: Buffer): number => {
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
function chunk(type: string, data: Buffer, breakCrc: boolean): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(td) ^ (breakCrc ? 0xdeadbeef : 0)) >>> 0);
  return Buffer.concat([len, td, crc]);
}
const SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function ihdr(w: number, h: number, depth: number, colorType: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(w, 0);
  b.writeUInt32BE(h, 4);
  b[8] = depth;
  b[9] = colorType;
  return b;
}

function writePngs(out: string): void {
  const W = 96;
  const H = 64;
  const raw = Buffer.alloc(H * (1 + W * 3));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = y * (1 + W * 3) + 1 + x * 3;
      raw[o] = (x * 255 / (W - 1)) | 0;
      raw[o + 1] = (y * 255 / (H - 1)) | 0;
      raw[o + 2] = 128;
    }
  }
  const idat = zlib.deflateSync(raw, { level: 9 });
  const png = (badIhdr: boolean, badIdat: boolean): Buffer => Buffer.concat([SIG, chunk('IHDR', ihdr(W, H, 8, 2), badIhdr),
    chunk('IDAT', idat, badIdat), chunk('IEND', Buffer.alloc(0), false)]);
  writeFileSync(path.join(out, 'bad-crc-ihdr.png'), png(true, false));
  writeFileSync(path.join(out, 'bad-crc-idat.png'), png(false, true));
  const BW = 30000;
  const BH = 30000;
  const bomb = zlib.deflateSync(Buffer.alloc(BH * (1 + Math.ceil(BW / 8))), { level: 9 });
  writeFileSync(path.join(out, 'bomb-30000x30000.png'), Buffer.concat([SIG, chunk('IHDR', ihdr(BW, BH, 1, 3), false),
    chunk('PLTE', Buffer.from([0x3c, 0x78, 0xb4]), false), chunk('IDAT', bomb, false), chunk('IEND', Buffer.alloc(0), false)]));
}

const externalRefsSvg = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="300" viewBox="0 0 400 300">
  <rect width="400" height="300" fill="#336699"/>
  <image x="0" y="0" width="200" height="150" href="http://127.0.0.1:${CANARY_PORT}/canary-http.png"/>
  <image x="200" y="0" width="200" height="150" xlink:href="http://127.0.0.1:${CANARY_PORT}/canary-xlink.jpg"/>
  <image x="0" y="150" width="200" height="150" xlink:href="file:///etc/passwd"/>
  <image x="200" y="150" width="200" height="150" href="file:///etc/hostname"/>
  <style>@import url("http://127.0.0.1:${CANARY_PORT}/canary-css.css");</style>
</svg>
`;
const xxeSvg = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "http://127.0.0.1:${CANARY_PORT}/canary-entity.xml">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">
  <text x="10" y="50">&xxe;&remote;</text>
</svg>
`;

function writeByHand(out: string): void {
  const coffee = fixture('originals/skimage_coffee.jpg');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'empty.jpg'), '');
  const bytes = readFileSync(coffee);
  writeFileSync(path.join(out, 'truncated.jpg'), bytes.subarray(0, Math.floor((bytes.length * 40) / 100)));
  writeFileSync(path.join(out, 'photo.jpg'), 'This is a plain text file, not a JPEG.\nIt only has a .jpg name.\n');
  writePngs(out);
  writeFileSync(path.join(out, 'external-refs.svg'), externalRefsSvg);
  writeFileSync(path.join(out, 'xxe.svg'), xxeSvg);
  copyFileSync(coffee, path.join(out, UNICODE_NAME));
  copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(out, 'wrong-extension.png'));
  mkdirSync(path.join(out, 'loop', 'inner'), { recursive: true });
  symlinkSync('..', path.join(out, 'loop', 'inner', 'up'));
  symlinkSync('.', path.join(out, 'loop', 'self'));
  copyFileSync(fixture('originals/skimage_astronaut.jpg'), path.join(out, 'unreadable.jpg'));
  chmodSync(path.join(out, 'unreadable.jpg'), 0o000);
  const fifo = spawnSync('mkfifo', [path.join(out, 'fifo.jpg')]);
  if (fifo.status !== 0) throw new Error(`mkfifo failed: ${fifo.stderr.toString()}`);
  symlinkSync('does-not-exist/nowhere.jpg', path.join(out, 'dangling-link.jpg'));
}

/** Writes the bad-input set into `out` (created). */
export function makeBadInputs(out: string, options: { byHand?: boolean } = {}): void {
  const script = corpusDir && path.join(corpusDir, 'make-bad-inputs.sh');
  if (!options.byHand && script && existsSync(script)) {
    const r = spawnSync('bash', [script, out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make-bad-inputs.sh failed: ${r.stderr}`);
    return;
  }
  writeByHand(out);
}

/** Root ignores mode bits, so unreadable.jpg is a good photo for root and a permission error for anyone else. */
export const runningAsRoot = process.getuid?.() === 0;
