#!/usr/bin/env python3
"""Keras baseline of the transfer study: the protocol of run.py with Keras'
own means, on the same .npz files. The models are built as the exporter
built them (same seed, same order, so the same initial weights); the head
swap is base.set_weights, freezing is layer.trainable = False followed by
compile, as in the transfer-learning tutorial.

  .venv/bin/python examples/transfer/keras_baseline.py --source digits04.npz --new digits59.npz --out keras.json
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def compile(model, lr):
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--source", required=True)
    p.add_argument("--new", required=True)
    p.add_argument("--source-epochs", type=int, default=3)
    p.add_argument("--scratch-epochs", type=int, default=20)
    p.add_argument("--phase-epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=1, help="the exporter's seed (initial weights)")
    p.add_argument("--seeds", type=int, default=3, help="runs of the new task, with seeds 0..N-1")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    s, n = np.load(args.source), np.load(args.new)
    keras.utils.set_random_seed(args.seed)
    family = models.build()
    src, initial = family["digits04"], family["digits59"].get_weights()
    res = {}

    def evaluate(name, model, data):
        ev = model.evaluate(data["x_test"], data["y_test"], batch_size=32, verbose=0, return_dict=True)
        res.setdefault(name, []).append({"test_accuracy": float(ev["accuracy"]), "test_loss": float(ev["loss"])})
        print(f"keras {name}: test accuracy {ev['accuracy']:.4f}", flush=True)

    def fit(model, epochs):
        model.fit(n["x_train"], n["y_train"], epochs=epochs, batch_size=32, validation_split=0.2, verbose=2)

    src.fit(s["x_train"], s["y_train"], epochs=args.source_epochs, batch_size=32, validation_split=0.1, verbose=2)
    evaluate("source", src, s)

    for seed in range(args.seeds):
        keras.utils.set_random_seed(100 + seed)
        scratch = models.model("digits59")
        scratch.set_weights(initial)
        fit(scratch, args.scratch_epochs)
        evaluate("scratch", scratch, n)

        model = models.model("digits59")
        model.set_weights(initial)
        base = model.get_layer("base")
        base.set_weights(src.get_layer("base").get_weights())
        base.trainable = False
        compile(model, 0.001)
        fit(model, args.phase_epochs)
        evaluate("head", model, n)

        base.trainable = True
        for layer in base.layers:
            if layer.name in ("conv1", "conv2"):
                layer.trainable = False
        compile(model, 0.0001)
        fit(model, args.phase_epochs)
        evaluate("finetuned", model, n)

    with open(args.out, "w") as f:
        json.dump({"keras_version": keras.__version__, "phases": res}, f, indent=1)


if __name__ == "__main__":
    main()
