#!/usr/bin/env python3
"""The Python side of scripts/bench.py: one measured job per process.

bench.py starts this script once per measurement, so that every job has a
process of its own (start-up, peak memory) exactly as the tfrun command it is
compared with. Each job prints one line "BENCH_RESULT <json>" on stdout.

  prepare    build mnist_mlp (seed 42, the weights the shipped SavedModel was
             exported with), save it as a .keras file for the Keras jobs, and
             check it predicts what the SavedModel predicts
  train      Keras model.fit on MNIST as tfrun train does it, then evaluate
  infer      per-call latency of model.predict, model(x) and the SavedModel's
             serving_default signature, for the given batch sizes
  cold-tf    import tensorflow, tf.saved_model.load, one signature call, write JSON
  cold-keras import keras, load the .keras model, one model.predict, write JSON

Only the standard library is imported at the top, so that each job imports
what it measures (the cold-start jobs import nothing else before their clock
matters). Wall-clock milestones are reported as time.time() values, which
bench.py relates to the moment it started the process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = os.path.join(ROOT, "testdata", "models")
SEED = 42  # testdata/models/make_fixtures.py exports mnist_mlp with this seed


def result(obj: dict) -> None:
    obj["self_max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("BENCH_RESULT " + json.dumps(obj), flush=True)


def configure_threads(a) -> None:
    """Sizes TensorFlow's thread pools (0: TensorFlow's default), before any op runs."""
    import tensorflow as tf

    if a.intra_op_threads:
        tf.config.threading.set_intra_op_parallelism_threads(a.intra_op_threads)
    if a.inter_op_threads:
        tf.config.threading.set_inter_op_parallelism_threads(a.inter_op_threads)


def read_idx(path: str):
    """An IDX file (MNIST's format) as a NumPy array."""
    import numpy as np

    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(data_dir: str, split: str):
    """x as float32 x/255.0, y as int64.

    x/255.0 goes through a 256-entry table, which gives the bits of
    (x / 255.0).astype(np.float32) (the bits tfrun's loader produces) without
    the float64 copy of the whole array, which would inflate peak RSS.
    """
    import numpy as np

    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"))
    y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"))
    table = (np.arange(256) / 255.0).astype(np.float32)
    return table[x], y.astype(np.int64)


def build_model():
    import keras

    sys.path.insert(0, MODELS)
    try:
        import mnist_mlp
    finally:
        sys.path.pop(0)
    keras.utils.set_random_seed(SEED)
    return mnist_mlp.build()


def cmd_prepare(a) -> None:
    import numpy as np
    import tensorflow as tf
    import keras

    configure_threads(a)
    model = build_model()
    model.save(a.keras_model)
    x = np.load(a.input)
    got = np.asarray(keras.saving.load_model(a.keras_model)(x, training=False))
    want = tf.saved_model.load(a.savedmodel).signatures["serving_default"](x=tf.constant(x))["output_0"].numpy()
    result({
        "tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
        "python": sys.version.split()[0], "keras_vs_savedmodel_max_abs_diff": float(np.abs(got - want).max()),
    })


def cmd_train(a) -> None:
    t_imports = time.time()
    import numpy as np  # noqa: F401
    import tensorflow as tf
    import keras

    configure_threads(a)
    t_data = time.time()
    x, y = load_mnist(a.data, "train")
    x_test, y_test = load_mnist(a.data, "test")
    t_build = time.time()
    model = build_model()

    class EpochTimes(keras.callbacks.Callback):
        """Epoch wall times; epoch hooks only, so the step loop is untouched."""

        def __init__(self):
            super().__init__()
            self.seconds, self.logs = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)
            self.logs.append({k: float(v) for k, v in (logs or {}).items()})

    times = EpochTimes()
    t_fit = time.time()
    model.fit(x, y, batch_size=a.batch_size, epochs=a.epochs, shuffle=True, verbose=0, callbacks=[times])
    t_fit_end = time.time()
    model.save(a.save)
    t_saved = time.time()
    rss_saved = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    test = model.evaluate(x_test, y_test, batch_size=a.batch_size, verbose=0, return_dict=True)
    t_eval_end = time.time()
    result({
        "tensorflow": tf.__version__, "keras": keras.__version__,
        "jit_compile": bool(model.jit_compile), "samples": int(len(x)), "test_samples": int(len(x_test)),
        "epoch_seconds": times.seconds, "epoch_logs": times.logs,
        "final": times.logs[-1] if times.logs else {}, "test": {k: float(v) for k, v in test.items()},
        "wall": {"imports": t_imports, "data": t_data, "build": t_build, "fit": t_fit, "fit_end": t_fit_end,
                 "saved": t_saved, "eval_end": t_eval_end},
        "max_rss_kib_at_saved": rss_saved,
    })


def _time_calls(fn, warmup: int, min_calls: int, max_calls: int, budget: float):
    """Median and quantiles of fn's per-call time (seconds), after warmup.

    The number of calls is what fits in budget seconds (from the warm-up
    calls' median), clamped to [min_calls, max_calls].
    """
    import numpy as np

    warm = []
    for _ in range(max(warmup, 1)):
        t = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - t)
    n = int(min(max_calls, max(min_calls, budget / max(float(np.median(warm)), 1e-9))))
    ts = np.empty(n)
    for i in range(n):
        t = time.perf_counter()
        fn()
        ts[i] = time.perf_counter() - t
    return {"calls": n, "p50_us": float(np.median(ts) * 1e6), "p10_us": float(np.quantile(ts, 0.1) * 1e6),
            "p90_us": float(np.quantile(ts, 0.9) * 1e6), "mean_us": float(ts.mean() * 1e6)}


def cmd_infer(a) -> None:
    import numpy as np
    import tensorflow as tf
    import keras

    configure_threads(a)
    model = keras.saving.load_model(a.keras_model)
    sig = tf.saved_model.load(a.savedmodel).signatures["serving_default"]
    out = {"tensorflow": tf.__version__, "keras": keras.__version__, "results": {}}
    for n in [int(s) for s in a.batches.split(",")]:
        x = np.random.default_rng(n).random((n, 28, 28), dtype=np.float32)
        # Each variant goes from a NumPy array to a NumPy array, as the Go
        # benchmark goes from a Go slice to a Go slice.
        variants = {
            "keras_predict": lambda: model.predict(x, verbose=0),
            "keras_call": lambda: np.asarray(model(x, training=False)),
            "tf_signature": lambda: sig(x=tf.constant(x))["output_0"].numpy(),
        }
        for name, fn in variants.items():
            out["results"][f"{name}/batch={n}"] = _time_calls(fn, a.warmup, a.min_calls, a.max_calls, a.budget)
    result(out)


def _write_outputs(path: str, y) -> None:
    with open(path, "w") as f:
        json.dump({"outputs": {"output_0": y.tolist()}}, f)


def cmd_cold_tf(a) -> None:
    import numpy as np
    import tensorflow as tf

    configure_threads(a)
    sig = tf.saved_model.load(a.savedmodel).signatures["serving_default"]
    _write_outputs(a.output, sig(x=tf.constant(np.load(a.input)))["output_0"].numpy())
    result({"written": time.time()})


def cmd_cold_keras(a) -> None:
    import numpy as np
    import keras

    configure_threads(a)
    model = keras.saving.load_model(a.keras_model)
    _write_outputs(a.output, model.predict(np.load(a.input), verbose=0))
    result({"written": time.time()})


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--intra-op-threads", type=int, default=0, help="0: TensorFlow's default")
    common.add_argument("--inter-op-threads", type=int, default=0, help="0: TensorFlow's default")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("prepare", parents=[common])
    s.add_argument("--keras-model", required=True)
    s.add_argument("--savedmodel", required=True)
    s.add_argument("--input", required=True)
    s.set_defaults(fn=cmd_prepare)
    s = sub.add_parser("train", parents=[common])
    s.add_argument("--data", required=True, help="directory with MNIST's IDX files")
    s.add_argument("--epochs", type=int, required=True)
    s.add_argument("--batch-size", type=int, default=32)
    s.add_argument("--save", required=True, help=".keras file to save the trained model to")
    s.set_defaults(fn=cmd_train)
    s = sub.add_parser("infer", parents=[common])
    s.add_argument("--keras-model", required=True)
    s.add_argument("--savedmodel", required=True)
    s.add_argument("--batches", default="1,32")
    s.add_argument("--warmup", type=int, default=20)
    s.add_argument("--min-calls", type=int, default=20)
    s.add_argument("--max-calls", type=int, default=2000)
    s.add_argument("--budget", type=float, default=2.0, help="seconds of timed calls per variant and batch size")
    s.set_defaults(fn=cmd_infer)
    for name, fn in (("cold-tf", cmd_cold_tf), ("cold-keras", cmd_cold_keras)):
        s = sub.add_parser(name, parents=[common])
        s.add_argument("--savedmodel")
        s.add_argument("--keras-model")
        s.add_argument("--input", required=True)
        s.add_argument("--output", required=True)
        s.set_defaults(fn=fn)
    a = p.parse_args(argv)
    a.fn(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
