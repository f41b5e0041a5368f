# Reads an export back with independent readers (numpy.load, a by-hand safetensors parse, the csv and json
# modules) and compares it with a raw little-endian float32 reference of the same rows.
# Usage: read_export.py FORMAT EXPORT_FILE REFERENCE.f32 ROW_SHAPE_JSON. Prints one JSON object of facts.
import csv
import json
import struct
import sys

import numpy as np

fmt, path, ref_path, row_shape = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
ref = np.fromfile(ref_path, dtype="<f4").reshape([-1, *row_shape])
facts = {}


def compare(arr):
    facts["shape"] = list(arr.shape)
    facts["dtype"] = str(arr.dtype)
    if arr.shape != ref.shape:
        facts["equal_bits"] = False
        return
    if arr.dtype == np.float32:
        facts["equal_bits"] = bool(np.array_equal(arr.view(np.uint32), ref.view(np.uint32)))
    else:
        expected = ref.astype(np.float16)  # numpy rounds to nearest even
        facts["equal_bits"] = bool(np.array_equal(arr.view(np.uint16), expected.view(np.uint16)))
        facts["max_abs_diff_vs_float32"] = float(np.max(np.abs(arr.astype(np.float32) - ref))) if ref.size else 0.0


if fmt == "npy":
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        np.lib.format.read_array_header_1_0(f) if version == (1, 0) else None
        facts["data_offset"] = f.tell()
    arr = np.load(path)
    facts["fortran_order"] = bool(np.isfortran(arr)) if arr.ndim > 1 and arr.shape[0] > 1 else False
    compare(arr)
elif fmt == "safetensors":
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    facts["data_offset"] = 8 + n
    facts["metadata"] = header.get("__metadata__")
    entry = header["embeddings"]
    facts["tensor"] = {"dtype": entry["dtype"], "shape": entry["shape"], "data_offsets": entry["data_offsets"]}
    start, end = entry["data_offsets"]
    data = blob[8 + n + start : 8 + n + end]
    facts["trailing_bytes"] = len(blob) - (8 + n + end)
    np_dtype = {"F32": "<f4", "F16": "<f2"}[entry["dtype"]]
    compare(np.frombuffer(data, dtype=np_dtype).reshape(entry["shape"]))
elif fmt == "csv":
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    facts["header"] = rows[0][:3]
    facts["columns"] = len(rows[0])
    facts["paths"] = [r[0] for r in rows[1:]]
    values = np.array([[float(x) for x in r[1:]] for r in rows[1:]], dtype=np.float64).reshape([-1, *row_shape])
    is_half = len(sys.argv) > 5 and sys.argv[5] == "float16"
    compare(values.astype(np.float16 if is_half else np.float32))
elif fmt == "jsonl":
    with open(path, encoding="utf-8") as f:
        objects = [json.loads(line) for line in f if line.strip()]
    facts["keys"] = sorted(objects[0].keys()) if objects else []
    facts["paths"] = [o["path"] for o in objects]
    facts["hashes"] = [o["hash"] for o in objects]
    values = np.array([o["embedding"] for o in objects], dtype=np.float64).reshape([-1, *row_shape])
    is_half = len(sys.argv) > 5 and sys.argv[5] == "float16"
    compare(values.astype(np.float16 if is_half else np.float32))

print(json.dumps(facts))
