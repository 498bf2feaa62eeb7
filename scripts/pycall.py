#!/usr/bin/env python3
"""Calls signatures of a SavedModel from Python, for tfrun's cross-checks.

  pycall.py --model DIR --calls calls.json --out out.json

calls.json is a list of calls, run in order on one loaded model:
  [{"signature": "serving_default", "inputs": {"x": {"dtype": "float32", "shape": [2, 28, 28], "data": [...]}}}, ...]
or, to feed NumPy files instead of inline data, "inputs": {"x": {"npy": "path.npy"}}.
A call with "batch_size": N slices its inputs along dimension 0 into consecutive
batches and calls the signature once per batch (one result each).
out.json gets one object per call: {"outputs": {key: {"dtype", "shape", "data"}}}.
With --variables, out.json also holds every variable's value after the calls.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def to_array(spec):
    if "npy" in spec:
        return np.load(spec["npy"])
    if spec["dtype"] == "string":
        return np.array([s.encode() for s in spec["data"]], dtype=object).reshape(spec["shape"])
    return np.array(spec["data"], dtype=spec["dtype"]).reshape(spec["shape"])


def to_json(a):
    a = np.asarray(a)
    if a.dtype.kind in "SO":
        return {"dtype": "string", "shape": list(a.shape), "data": [x.decode() for x in a.reshape(-1)]}
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.reshape(-1).tolist()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--calls", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--variables", action="store_true")
    args = p.parse_args()
    loaded = tf.saved_model.load(args.model)
    with open(args.calls) as f:
        calls = json.load(f)
    results = []
    for c in calls:
        fn = loaded.signatures[c["signature"]]
        inputs = {k: to_array(v) for k, v in c["inputs"].items()}
        n = c.get("batch_size")
        batches = [inputs] if not n else [
            {k: v[lo:lo + n] for k, v in inputs.items()}
            for lo in range(0, len(next(iter(inputs.values()))), n)]
        for b in batches:
            out = fn(**{k: tf.constant(v) for k, v in b.items()})
            results.append({"outputs": {k: to_json(v.numpy()) for k, v in out.items()}})
    doc = {"calls": results}
    if args.variables:
        doc["variables"] = {v.name.rsplit(":", 1)[0]: to_json(v.numpy()) for v in loaded.tfrun_variables}
    with open(args.out, "w") as f:
        json.dump(doc, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
