#!/usr/bin/env python3
"""Runs Keras' own EarlyStopping and ReduceLROnPlateau over recorded
monitor sequences and writes what they decide to keras_callbacks.json, which
the Go tests of package callbacks replay (no Python needed there).

Usage: .venv/bin/python savedmodel/callbacks/testdata/make_keras_expect.py
"""

import json
import os
import random
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class FakeOptimizer:
    """Holds the learning rate as the float32 variable a real optimizer has."""

    def __init__(self, lr):
        self._lr = np.float32(lr)

    @property
    def learning_rate(self):
        return self._lr

    @learning_rate.setter
    def learning_rate(self, v):
        self._lr = np.float32(v)


class FakeModel:
    """get_weights returns the epoch the weights belong to, so the test sees
    which epoch's weights EarlyStopping restores."""

    def __init__(self, lr=0.01):
        self.epoch = -1
        self.stop_training = False
        self.restored = None
        self.optimizer = FakeOptimizer(lr)

    def get_weights(self):
        return [self.epoch]

    def set_weights(self, w):
        self.restored = w[0]


def run_early_stopping(values, monitor, cfg):
    cb = keras.callbacks.EarlyStopping(monitor=monitor, **cfg)
    m = FakeModel()
    cb.set_model(m)
    cb.on_train_begin()
    stopped = -1
    for epoch, v in enumerate(values):
        m.epoch = epoch
        cb.on_epoch_end(epoch, {monitor: v})
        if m.stop_training:
            stopped = epoch
            break
    cb.on_train_end()
    return {"stopped": stopped, "restored": -1 if m.restored is None else int(m.restored),
            "wait": int(cb.wait), "best_epoch": int(cb.best_epoch)}


def run_plateau(values, monitor, cfg, lr):
    cb = keras.callbacks.ReduceLROnPlateau(monitor=monitor, **cfg)
    m = FakeModel(lr)
    cb.set_model(m)
    cb.on_train_begin()
    lrs = []
    for epoch, v in enumerate(values):
        cb.on_epoch_end(epoch, {monitor: v})
        lrs.append(float(m.optimizer.learning_rate))
    return {"lrs": lrs}


def sequences():
    rng = random.Random(20240601)
    seqs = {
        "falls_then_rises": [1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.69, 0.7, 0.74, 0.8],
        "rises": [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.96, 0.96, 0.95],
        "flat": [0.5] * 8,
        "tiny_steps": [1.0, 0.995, 0.99, 0.985, 0.98, 0.975, 0.97, 0.965],
        # Differences below float32 resolution: Keras compares in float32.
        "float32_ties": [0.1, 0.1 - 1e-10, 0.1 - 2e-10, 0.1 - 3e-10, 0.09, 0.1],
        "noisy_decline": [round(1.0 / (1 + 0.3 * i) + rng.uniform(-0.05, 0.05), 6) for i in range(15)],
    }
    for k in range(4):
        seqs[f"random_{k}"] = [round(rng.uniform(0.2, 1.0), 4) for _ in range(12)]
    return seqs


ES_CONFIGS = [
    {},
    {"patience": 1},
    {"patience": 2},
    {"patience": 3, "min_delta": 0.01},
    {"patience": 2, "restore_best_weights": True},
    {"patience": 0, "restore_best_weights": True},
    {"patience": 2, "baseline": 0.72},
    {"patience": 2, "baseline": 0.72, "restore_best_weights": True},
    {"patience": 1, "start_from_epoch": 3},
    {"patience": 2, "start_from_epoch": 2, "restore_best_weights": True},
    {"patience": 2, "mode": "max"},
    {"patience": 1, "mode": "max", "min_delta": 0.05, "restore_best_weights": True},
    {"patience": 20, "restore_best_weights": True},
]

PLATEAU_CONFIGS = [
    {"patience": 1},
    {"patience": 2, "factor": 0.5},
    {"patience": 1, "factor": 0.5, "cooldown": 2},
    {"patience": 0, "factor": 0.2, "min_lr": 0.001},
    {"patience": 2, "min_delta": 0.0, "cooldown": 1, "min_lr": 0.0005},
    {"patience": 1, "mode": "max", "factor": 0.5},
    {"patience": 3},
]


def csv_cases():
    """What Keras' CSVLogger writes for a few histories."""
    import tempfile
    histories = {
        "train_only": [{"loss": 0.5, "accuracy": 0.875}, {"loss": 1e-05, "accuracy": 1.0}],
        "with_validation": [{"loss": 0.30000001192092896, "val_loss": 123456789012345.0, "learning_rate": 0.0010000000474974513},
                            {"loss": 1.5e-07, "val_loss": 1e16, "learning_rate": 0.0001}],
    }
    out = {}
    for name, epochs in histories.items():
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "log.csv")
            cb = keras.callbacks.CSVLogger(path)
            cb.set_model(FakeModel())
            cb.on_train_begin()
            for i, logs in enumerate(epochs):
                cb.on_epoch_end(i, dict(logs))
            cb.on_train_end()
            with open(path, newline="") as f:
                out[name] = {"epochs": epochs, "csv": f.read()}
    return out


def schedule_cases():
    """Keras' learning-rate schedules evaluated at steps 0..11 (tfrun counts
    them in epochs)."""
    from keras import optimizers
    scheds = {
        "exponential:initial=0.1,rate=0.5,steps=3": optimizers.schedules.ExponentialDecay(0.1, 3, 0.5),
        "exponential:initial=0.1,rate=0.5,steps=3,staircase=true":
            optimizers.schedules.ExponentialDecay(0.1, 3, 0.5, staircase=True),
        "cosine:initial=0.1,epochs=8": optimizers.schedules.CosineDecay(0.1, 8),
        "cosine:initial=0.1,epochs=8,alpha=0.1": optimizers.schedules.CosineDecay(0.1, 8, alpha=0.1),
    }
    return {k: [float(s(i)) for i in range(12)] for k, s in scheds.items()}


def main():
    warnings.simplefilter("ignore")
    cases = []
    for name, values in sequences().items():
        for monitor in ("val_loss",):
            for cfg in ES_CONFIGS:
                cases.append({"kind": "early_stopping", "sequence": name, "monitor": monitor, "config": cfg,
                              "values": values, "expect": run_early_stopping(values, monitor, cfg)})
            for cfg in PLATEAU_CONFIGS:
                cases.append({"kind": "reduce_lr_on_plateau", "sequence": name, "monitor": monitor, "config": cfg,
                              "values": values, "lr": 0.01, "expect": run_plateau(values, monitor, cfg, 0.01)})
    out = {"keras_version": keras.__version__, "cases": cases, "csv": csv_cases(), "schedules": schedule_cases()}
    with open(os.path.join(HERE, "keras_callbacks.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases (Keras {keras.__version__})")


if __name__ == "__main__":
    main()
