// libvips hands over a transparent GIF pixel as RGBA (0,0,0,0); Pillow opens the first frame as a palette
// image and convert('RGB') shows the palette colour of the transparent index. This reads that colour from
// the first frame's colour table so the decoder can put it back.

/** RGB of the first frame's transparent palette entry, or null when the frame has no transparency. */
export function gifTransparentColour(bytes: Uint8Array): [number, number, number] | null {
  if (bytes.length < 13) return null;
  const screenFlags = bytes[10]!;
  let at = 13;
  let globalTable = -1;
  if (screenFlags & 0x80) {
    globalTable = at;
    at += 3 * (1 << ((screenFlags & 7) + 1));
  }
  let transparentIndex = -1;
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x21) {
      const label = bytes[at + 1];
      if (label === 0xf9 && bytes[at + 2] === 4 && (bytes[at + 3]! & 1)) transparentIndex = bytes[at + 6]!;
      at = skipSubBlocks(bytes, at + 2);
    } else if (block === 0x2c) {
      if (transparentIndex < 0) return null;
      const imageFlags = bytes[at + 9];
      if (imageFlags === undefined) return null;
      const table = imageFlags & 0x80 ? at + 10 : globalTable;
      if (table < 0) return null;
      const entry = table + 3 * transparentIndex;
      if (entry + 2 >= bytes.length) return null;
      return [bytes[entry]!, bytes[entry + 1]!, bytes[entry + 2]!];
    } else {
      return null;
    }
  }
  return null;
}

function skipSubBlocks(bytes: Uint8Array, at: number): number {
  let pos = at;
  while (pos < bytes.length) {
    const size = bytes[pos]!;
    pos += 1 + size;
    if (size === 0) break;
  }
  return pos;
}

/** Puts `colour` under every pixel whose alpha is 0 (RGBA samples in, RGB out). */
export function fillTransparent(rgba: Uint8Array, rgb: Uint8Array, colour: [number, number, number]): void {
  for (let i = 3, o = 0; i < rgba.length; i += 4, o += 3) {
    if (rgba[i] === 0) {
      rgb[o] = colour[0];
      rgb[o + 1] = colour[1];
      rgb[o + 2] = colour[2];
    }
  }
}
