#!/usr/bin/env python3
"""Keras baseline of the over- and underfitting study: the seven models of
models.py (same seed, same build order, hence the same initial weights as
the exported ones) on the .npz tfrun trained on, with Keras' fit:
validation_split=0.2, batch 500, EarlyStopping(monitor="val_crossentropy",
mode="min", patience=20, restore_best_weights=True), then evaluate on the test images.

  .venv/bin/python examples/overfitting/keras_baseline.py --data fashion.npz --out DIR

Writes DIR/NAME.history.json in tfrun's history format (so `tfrun plot`
draws them) and DIR/keras.json with each model's test accuracy.
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--epochs", type=int, default=150)
    p.add_argument("--patience", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    d = np.load(args.data)
    x, y, xt, yt = d["x_train"], d["y_train"], d["x_test"], d["y_test"]
    keras.utils.set_random_seed(args.seed)
    family = models.build()
    results = {}
    for name, model in family.items():
        stop = keras.callbacks.EarlyStopping(monitor="val_crossentropy", mode="min", patience=args.patience,
                                             restore_best_weights=True)
        h = model.fit(x, y, batch_size=500, epochs=args.epochs, validation_split=0.2, callbacks=[stop], verbose=0)
        ev = model.evaluate(xt, yt, batch_size=500, verbose=0, return_dict=True)
        history = {k: [float(v) for v in vs] for k, vs in h.history.items()}
        with open(os.path.join(args.out, name + ".history.json"), "w") as f:
            json.dump({"epoch": list(range(len(history["loss"]))), "history": history}, f)
        results[name] = {"test_accuracy": float(ev["accuracy"])}
        print(f"keras {name}: {len(history['loss'])} epochs, best val_crossentropy "
              f"{min(history['val_crossentropy']):.4f}, test accuracy {ev['accuracy']:.4f}", flush=True)
    with open(os.path.join(args.out, "keras.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "models": results}, f, indent=1)


if __name__ == "__main__":
    main()
