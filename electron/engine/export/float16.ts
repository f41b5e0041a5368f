// float32 -> IEEE 754 binary16 with round-to-nearest-even, as numpy's astype(float16) does.
// V8 ships a native Float16Array (Node 24, Chromium 135+), which converts in C++; the hand-written path keeps
// the export correct on a runtime without it and is checked against the native one in the tests.

interface Float16ArrayLike {
  set(source: ArrayLike<number>): void;
  readonly buffer: ArrayBufferLike;
}
type Float16ArrayConstructorLike = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Float16ArrayLike;

const nativeFloat16Array = (globalThis as { Float16Array?: Float16ArrayConstructorLike }).Float16Array;

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The binary16 bit pattern nearest to `value` (ties to even; overflow to ±Infinity; NaN stays NaN). */
export function float16Bits(value: number): number {
  scratchF32[0] = value;
  const bits = scratchU32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >>> 13) : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal in binary16: shift the full significand (implicit 1 included) into place, rounding what falls off.
    if (halfExponent < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    let half = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, and past the largest finite value lands on Infinity: both right.
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Portable conversion into `out` (same length as `values`). */
export function toFloat16BitsPortable(values: Float32Array, out: Uint16Array): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = float16Bits(values[i]!);
  return out;
}

export const hasNativeFloat16 = nativeFloat16Array !== undefined;

/** binary16 bit patterns of `values`, written into `out` (native conversion when the runtime has one). */
export function toFloat16Bits(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  if (out.length !== values.length) throw new Error(`float16 buffer holds ${out.length} values, need ${values.length}`);
  if (nativeFloat16Array) {
    new nativeFloat16Array(out.buffer, out.byteOffset, out.length).set(values);
    return out;
  }
  return toFloat16BitsPortable(values, out);
}

/** The float32 value of a binary16 bit pattern (exact: every binary16 value is a float32). */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
