#!/usr/bin/env python3
"""Keras baseline of the regression study: the same four models with the
same initial weights as the exported ones (same seed, same build order) on
the same .npz files tfrun trained on, with Keras' own fit and evaluate:
Normalization.adapt on the samples fit trains on (the first 80%, what
validation_split=0.2 leaves), 100 epochs, batch 32, validation_split=0.2,
once per shuffle seed.

  .venv/bin/python examples/regression/keras_baseline.py --data DIR [--epochs 100] [--seeds 3] [--out keras.json]

DIR holds autompg.npz and horsepower.npz from `tfrun data` (run.py writes them).
"""

import argparse
import json
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import models  # noqa: E402

DATA = {"linear_horsepower": "horsepower", "linear": "autompg", "dnn_horsepower": "horsepower", "dnn": "autompg"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--seed", type=int, default=1, help="the exporter's seed (initial weights)")
    p.add_argument("--seeds", type=int, default=3, help="runs per model, with seeds 0..N-1")
    p.add_argument("--out")
    args = p.parse_args()
    keras.utils.set_random_seed(args.seed)
    initial = {name: m.get_weights() for name, m in models.build().items()}
    results = {}
    for seed in range(args.seeds):
        keras.utils.set_random_seed(100 + seed)
        for name, model in models.build().items():
            model.set_weights(initial[name])
            d = np.load(os.path.join(args.data, DATA[name] + ".npz"))
            x, y = d["x_train"], d["y_train"]
            n_fit = int(math.floor(len(x) * (1.0 - 0.2)))
            norm = next(l for l in model.layers if isinstance(l, keras.layers.Normalization))
            norm.adapt(x[:n_fit])
            model.fit(x, y, epochs=args.epochs, batch_size=32, validation_split=0.2, verbose=0)
            mae = model.evaluate(d["x_test"], d["y_test"], batch_size=32, verbose=0)
            results.setdefault(name, []).append({"seed": seed, "test_mae": float(mae)})
            print(f"keras {name} seed {seed}: test MAE {mae:.4f}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"epochs": args.epochs, "keras_version": keras.__version__, "models": results}, f, indent=1)


if __name__ == "__main__":
    main()
