;; Pillow's horizontal 8-bit resample pass (ImagingResampleHorizontal_8bpc) with WASM SIMD: one pixel's R, G, B
;; (and a fourth lane that is ignored) per i32x4, the same int32 products and sums as Pillow's C, so the result
;; is bit-identical. Built into resampleWasm.ts by scripts/build-resample-wasm.mjs (wabt's wat2wasm).
(module
  (memory (export "memory") 1)
  ;; rows of `stride` bytes at $src; per output x: $first (input pixel), $count (taps) and $ksize int32 weights
  ;; at $weights; writes $rows x $width RGB pixels (output columns $x0 .. $x0 + $width) at $out.
  (func (export "horizontal")
    (param $src i32) (param $stride i32) (param $rows i32) (param $x0 i32) (param $width i32)
    (param $ksize i32) (param $first i32) (param $count i32) (param $weights i32) (param $out i32)
    (local $y i32) (local $xx i32) (local $xend i32) (local $row i32) (local $p i32) (local $k i32)
    (local $kend i32) (local $acc v128) (local $o i32)
    (local.set $xend (i32.add (local.get $x0) (local.get $width)))
    (local.set $o (local.get $out))
    (block $rows_done
      (loop $rows_loop
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $rows)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $stride))))
        (local.set $xx (local.get $x0))
        (block $cols_done
          (loop $cols_loop
            (br_if $cols_done (i32.ge_u (local.get $xx) (local.get $xend)))
            (local.set $p (i32.add (local.get $row)
              (i32.mul (i32.load (i32.add (local.get $first) (i32.shl (local.get $xx) (i32.const 2)))) (i32.const 3))))
            (local.set $k (i32.add (local.get $weights)
              (i32.shl (i32.mul (local.get $xx) (local.get $ksize)) (i32.const 2))))
            (local.set $kend (i32.add (local.get $k)
              (i32.shl (i32.load (i32.add (local.get $count) (i32.shl (local.get $xx) (i32.const 2)))) (i32.const 2))))
            ;; 1 << 21: Pillow's rounding half for PRECISION_BITS = 22
            (local.set $acc (i32x4.splat (i32.const 2097152)))
            (block $taps_done
              (loop $taps_loop
                (br_if $taps_done (i32.ge_u (local.get $k) (local.get $kend)))
                (local.set $acc (i32x4.add (local.get $acc)
                  (i32x4.mul
                    (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $p))))
                    (v128.load32_splat (local.get $k)))))
                (local.set $p (i32.add (local.get $p) (i32.const 3)))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $taps_loop)))
            (local.set $acc (i32x4.min_s (i32x4.max_s (i32x4.shr_s (local.get $acc) (i32.const 22))
              (i32x4.splat (i32.const 0))) (i32x4.splat (i32.const 255))))
            (i32.store8 (local.get $o) (i32x4.extract_lane 0 (local.get $acc)))
            (i32.store8 offset=1 (local.get $o) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.store8 offset=2 (local.get $o) (i32x4.extract_lane 2 (local.get $acc)))
            (local.set $o (i32.add (local.get $o) (i32.const 3)))
            (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
            (br $cols_loop)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows_loop))))
  ;; The vertical pass (ImagingResampleVertical_8bpc): 16 samples of a row at a time in four i32x4 sums. Rows of
  ;; $rowLength bytes at $src hold input rows from $rowFirst; writes output rows $y0 .. $y0 + $height at $out.
  ;; A row's last step may write up to 15 bytes past it: the next row overwrites them, the caller pads the end.
  (func (export "vertical")
    (param $src i32) (param $rowLength i32) (param $rowFirst i32) (param $y0 i32) (param $height i32)
    (param $ksize i32) (param $first i32) (param $count i32) (param $weights i32) (param $out i32)
    (local $yy i32) (local $r i32) (local $i i32) (local $top i32) (local $k i32) (local $kend i32) (local $p i32)
    (local $w v128) (local $v v128) (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $o i32)
    (block $rows_done
      (loop $rows_loop
        (br_if $rows_done (i32.ge_u (local.get $yy) (local.get $height)))
        (local.set $r (i32.add (local.get $yy) (local.get $y0)))
        (local.set $top (i32.add (local.get $src) (i32.mul (local.get $rowLength)
          (i32.sub (i32.load (i32.add (local.get $first) (i32.shl (local.get $r) (i32.const 2)))) (local.get $rowFirst)))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $yy) (local.get $rowLength))))
        (local.set $i (i32.const 0))
        (block $cols_done
          (loop $cols_loop
            (br_if $cols_done (i32.ge_u (local.get $i) (local.get $rowLength)))
            (local.set $a0 (i32x4.splat (i32.const 2097152)))
            (local.set $a1 (local.get $a0))
            (local.set $a2 (local.get $a0))
            (local.set $a3 (local.get $a0))
            (local.set $k (i32.add (local.get $weights) (i32.shl (i32.mul (local.get $r) (local.get $ksize)) (i32.const 2))))
            (local.set $kend (i32.add (local.get $k)
              (i32.shl (i32.load (i32.add (local.get $count) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2))))
            (local.set $p (i32.add (local.get $top) (local.get $i)))
            (block $taps_done
              (loop $taps_loop
                (br_if $taps_done (i32.ge_u (local.get $k) (local.get $kend)))
                (local.set $w (v128.load32_splat (local.get $k)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
                (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $lo)) (local.get $w))))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $lo)) (local.get $w))))
                (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $hi)) (local.get $w))))
                (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $hi)) (local.get $w))))
                (local.set $p (i32.add (local.get $p) (local.get $rowLength)))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $taps_loop)))
            ;; >> 22 leaves -640..640; the saturating narrows clamp that to 0..255 as Pillow's clip8 does.
            (v128.store (local.get $o) (i8x16.narrow_i16x8_u
              (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a0) (i32.const 22)) (i32x4.shr_s (local.get $a1) (i32.const 22)))
              (i16x8.narrow_i32x4_s (i32x4.shr_s (local.get $a2) (i32.const 22)) (i32x4.shr_s (local.get $a3) (i32.const 22)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $cols_loop)))
        (local.set $yy (i32.add (local.get $yy) (i32.const 1)))
        (br $rows_loop))))
)
