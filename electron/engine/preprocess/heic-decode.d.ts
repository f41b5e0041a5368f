// heic-decode ships no types; this is the part of its API that heicFallback.ts uses.
declare module 'heic-decode' {
  interface HeicDecodedImage {
    width: number;
    height: number;
    /** RGBA, 8 bits per sample, row-major. */
    data: Uint8ClampedArray;
  }
  function decodeHeic(input: { buffer: Uint8Array }): Promise<HeicDecodedImage>;
  export default decodeHeic;
}
