// Mean and max |difference| of two pixel_values tensors in 8-bit steps: the generated models' tensors are
// (v/255 - 0.5) / 0.5, so one step is 1/127.5. Shared by the fast-mode bounds test and the fidelity bench.
export function pixelDiff(a: Float32Array, b: Float32Array): { mean: number; max: number } {
  let sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) * 127.5;
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}
