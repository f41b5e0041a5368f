// float32 -> float16 must round exactly as numpy's astype(float16) does (nearest, ties to even), on both the
// native Float16Array path and the portable one used where the runtime lacks it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  float16Bits,
  float16ToNumber,
  hasNativeFloat16,
  toFloat16Bits,
  toFloat16BitsPortable,
} from '../../../electron/engine/export/float16.js';

/** Every float16 value, every midpoint between neighbours (the ties), just either side of them, and extremes. */
function awkwardFloat32s(): Float32Array {
  const values: number[] = [];
  const next = (x: number, up: boolean): number => {
    const f = new Float32Array([x]);
    const u = new Uint32Array(f.buffer);
    const positive = x > 0 || Object.is(x, 0);
    u[0] = u[0]! + ((up === positive) ? 1 : -1);
    return f[0]!;
  };
  for (let bits = 0; bits < 0x7c00; bits++) {
    for (const sign of [1, -1]) {
      const v = sign * float16ToNumber(bits);
      const mid = sign * ((float16ToNumber(bits) + float16ToNumber(bits + 1)) / 2);
      values.push(v, mid, next(mid, true), next(mid, false));
    }
  }
  values.push(65504, 65519.99, 65520, 1e6, -1e6, Infinity, -Infinity, NaN, 2 ** -25, 2 ** -26, -(2 ** -25));
  return Float32Array.from(values);
}

describe('float16 conversion', () => {
  const input = awkwardFloat32s();

  it('every float16 value converts to itself', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const exponent = (bits >>> 10) & 0x1f;
      if (exponent === 0x1f && bits & 0x3ff) continue; // NaN payloads
      expect(float16Bits(float16ToNumber(bits))).toBe(bits);
    }
  });

  it('matches numpy astype(float16) on every tie, near-tie, subnormal and overflow', () => {
    const ours = toFloat16BitsPortable(input, new Uint16Array(input.length));
    const numpy = execFileSync(
      'python3',
      ['-c', 'import sys, numpy as np; sys.stdout.buffer.write(np.frombuffer(sys.stdin.buffer.read(), "<f4").astype("<f2").tobytes())'],
      { input: new Uint8Array(input.buffer), maxBuffer: 16 << 20 },
    );
    const expected = new Uint16Array(numpy.buffer, numpy.byteOffset, numpy.length / 2);
    let mismatches = 0;
    for (let i = 0; i < input.length; i++) {
      const nan = Number.isNaN(input[i]!);
      if (nan ? (ours[i]! & 0x7fff) <= 0x7c00 : ours[i] !== expected[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it.skipIf(!hasNativeFloat16)('the native Float16Array path agrees with the portable one', () => {
    const native = toFloat16Bits(input);
    const portable = toFloat16BitsPortable(input, new Uint16Array(input.length));
    for (let i = 0; i < input.length; i++) {
      if (!Number.isNaN(input[i]!) && native[i] !== portable[i]) throw new Error(`differs at ${input[i]}`);
    }
  });
});
