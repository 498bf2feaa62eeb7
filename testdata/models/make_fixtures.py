#!/usr/bin/env python3
"""Regenerates the SavedModel fixtures under testdata/models and the expected
outputs the Go tests compare against (computed here, by TensorFlow in Python):

  mnist_mlp/            scripts/export.py of mnist_mlp.py:build, seed 42
  mnist_mlp.expected.json  inputs and predict/evaluate outputs of mnist_mlp
  inversion/            scripts/export.py of inversion.py:build, seed 3
  autompg_dnn/          scripts/export.py of autompg_dnn.py:build, seed 5
  transfer_src/, transfer_dst/  the family of transfer.py:build, seed 11
  plain_module/         plain_module.py: a tf.Module saved by tf.saved_model.save
  plain_module.expected.json  inputs and outputs of its two signatures

Run with the project venv: make fixtures (or .venv/bin/python testdata/models/make_fixtures.py);
`make_fixtures.py transfer` rewrites only the transfer family.
"""

import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, HERE)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

import export  # noqa: E402
import autompg_dnn  # noqa: E402
import inversion  # noqa: E402
import mnist_mlp  # noqa: E402
import plain_module  # noqa: E402
import transfer  # noqa: E402


def tensor_json(a):
    a = np.asarray(a)
    if a.dtype.kind in "SUO":
        data = [x.decode() if isinstance(x, bytes) else str(x) for x in a.reshape(-1)]
    else:
        data = a.reshape(-1).tolist()
    return {"dtype": str(a.dtype) if a.dtype.kind not in "SUO" else "string", "shape": list(a.shape), "data": data}


def call(sig, inputs):
    out = sig(**{k: tf.constant(v) for k, v in inputs.items()})
    return {k: v.numpy() for k, v in out.items()}


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=None, separators=(",", ":"))
        f.write("\n")


def main():
    out = os.path.join(HERE, "mnist_mlp")
    keras.utils.set_random_seed(42)
    export.export(mnist_mlp.build(), out, name="mnist_mlp", force=True)

    rng = np.random.default_rng(7)
    x = rng.random((4, 28, 28), dtype=np.float32)
    y = np.array([3, 1, 4, 1], dtype=np.int64)
    sw = np.array([1.0, 0.5, 2.0, 1.0], dtype=np.float32)
    loaded = tf.saved_model.load(out)
    cases = [
        {"signature": "serving_default", "inputs": {"x": x}},
        {"signature": "predict", "inputs": {"x": x[:1]}},
        {"signature": "evaluate", "inputs": {"x": x, "y": y, "sample_weight": sw}},
    ]
    write_json(os.path.join(HERE, "mnist_mlp.expected.json"), {"cases": [
        {"signature": c["signature"],
         "inputs": {k: tensor_json(v) for k, v in c["inputs"].items()},
         "outputs": {k: tensor_json(v) for k, v in call(loaded.signatures[c["signature"]], c["inputs"]).items()}}
        for c in cases]})

    keras.backend.clear_session()  # layer names start again at dense, dense_1, ...
    keras.utils.set_random_seed(3)
    export.export(inversion.build(), os.path.join(HERE, "inversion"), name="inversion", force=True)

    keras.backend.clear_session()
    keras.utils.set_random_seed(5)
    export.export(autompg_dnn.build(), os.path.join(HERE, "autompg_dnn"), name="autompg_dnn", force=True)

    out = os.path.join(HERE, "plain_module")
    shutil.rmtree(out, ignore_errors=True)
    plain_module.save(out)
    loaded = tf.saved_model.load(out)
    cases = [
        {"signature": "lookup", "inputs": {
            "ids": np.array([[1, 2, 3], [-4, 0, 9]], dtype=np.int64),
            "words": np.array([b"world", "grüße".encode()], dtype=object)}},
        {"signature": "square", "inputs": {"t": np.array(-3.5, dtype=np.float64)}},
    ]
    write_json(os.path.join(HERE, "plain_module.expected.json"), {"cases": [
        {"signature": c["signature"],
         "inputs": {k: tensor_json(v) for k, v in c["inputs"].items()},
         "outputs": {k: tensor_json(v) for k, v in call(loaded.signatures[c["signature"]], c["inputs"]).items()}}
        for c in cases]})
    export_transfer()
    print("fixtures written under", HERE)


def export_transfer():
    keras.backend.clear_session()
    keras.utils.set_random_seed(11)
    for name, model in transfer.build().items():
        export.export(model, os.path.join(HERE, name), name=name, force=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["transfer"]:
        export_transfer()
    else:
        main()
