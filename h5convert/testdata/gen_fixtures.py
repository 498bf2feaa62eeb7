#!/usr/bin/env python3
"""Make the HDF5 fixtures of h5convert's tests.

Run from anywhere with the project's export venv:

    .venv/bin/python h5convert/testdata/gen_fixtures.py

It rewrites every fixture in this directory (and nothing else). The output
is deterministic apart from HDF5's own metadata, so the Go tests compare
values, shapes and names, never file bytes. All float64 weights are
float32-representable, so that a float64 -> float32 -> float64 round trip is
exact and the round-trip tests can ask for identical files.

Fixtures:
  inversion.h5                 the seed's layout: /Weights/LayerN (out x in,
                               float64, as MATLAB's column-major writers leave
                               them) and /Bias/LayerN (n x 1) for
                               Dense(100, tanh) on 7 inputs -> Dense(100, tanh)
                               -> Dense(3); layer 2 is square.
  inversion_keras.weights.h5   the same weights loaded the seed author's way,
                               set_weights([W.T, b.flatten()]), saved by
                               Keras 3 (layers/<snake_case_class>/vars/<i>).
  inversion_expected.json      inputs and the Keras model's predictions.
  small.weights.h5             Keras 3 weights of Dense(4, tanh) -> Dropout ->
                               BatchNormalization -> Dense(3) on 7 inputs,
                               saved after one training step (so the file has
                               optimizer/vars too).
  small_legacy.h5              the same model, legacy model.save('x.h5')
                               (model_weights/ with layer_names, plus
                               optimizer_weights/).
  small_legacy_weights.h5      the same weights, legacy save_weights layout
                               (layer_names on the root group).
  tfkeras2.h5                  the same weights as tf.keras 2 wrote them:
                               fixed-length string attributes, weight names
                               "dense/kernel:0", layer_names split into
                               layer_names0 / layer_names1.
  square.h5                    Dense(4) on 4 inputs -> Dense(2) stored in-out
                               (not transposed), float32, as /W/layer_1 and
                               /B/layer_1 with (n,) biases: the first kernel
                               is square.
  deep.h5                      ten Dense layers as /kernel/1 ... /kernel/10 and
                               /bias/1 ... /bias/10 (numeric order matters).
  nan.h5                       Dense(2) on 3 inputs -> Dense(1), layered, with
                               a NaN in /Weights/Layer1 and +Inf in /Bias/Layer2.
  custom.h5                    an arbitrary layout that needs a mapping file;
                               custom.map.yaml and custom.map.json map it.
  types.h5                     one dataset or attribute of every kind the
                               HDF5 layer reads (for its own tests).
  truncated.h5                 inversion.h5 cut in half.
  not_hdf5.h5                  a text file with an .h5 name.
  *_variables.json             the Keras models' variables (path, dtype, shape,
                               trainable, layer, layer class, index in
                               layer.weights) in the form h5convert.Variable
                               reads, so the Go tests need no TensorFlow.
"""

import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def f32_exact(rng, shape, scale=8.0):
    """Random float64 values that are exactly representable in float32."""
    return (rng.standard_normal(shape).astype(np.float32) / np.float32(scale)).astype(np.float64)


def variables_of(model):
    """The model's variables in layer order, as h5convert.Variable."""
    out_vars = []
    for layer in model.layers:
        for i, w in enumerate(layer.weights):
            out_vars.append(
                {
                    "name": w.path,
                    "dtype": str(w.dtype),
                    "shape": [int(d) for d in w.shape],
                    "trainable": bool(w.trainable),
                    "layer": layer.name,
                    "layer_class": layer.__class__.__name__,
                    "index": i,
                }
            )
    return out_vars


def write_json(name, obj):
    with open(out(name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def dense_model(keras, n_in, units, activations=None, name="sequential"):
    keras.backend.clear_session()  # layer names start afresh: dense, dense_1, ...
    layers = [keras.Input((n_in,))]
    for i, u in enumerate(units):
        act = activations[i] if activations else None
        layers.append(keras.layers.Dense(u, activation=act))
    return keras.Sequential(layers, name=name)


def inversion(keras):
    rng = np.random.default_rng(7)
    sizes = [7, 100, 100, 3]
    weights = []  # (W out x in, b n x 1)
    with h5py.File(out("inversion.h5"), "w") as f:
        f.attrs["creator"] = np.bytes_("column-major writer (made by gen_fixtures.py)")
        for n in range(1, 4):
            w = f32_exact(rng, (sizes[n], sizes[n - 1]))
            b = f32_exact(rng, (sizes[n], 1))
            f.create_dataset(f"Weights/Layer{n}", data=w)
            f.create_dataset(f"Bias/Layer{n}", data=b)
            weights.append((w, b))
    model = dense_model(keras, 7, [100, 100, 3], ["tanh", "tanh", None])
    for layer, (w, b) in zip(model.layers, weights):
        layer.set_weights([w.T, b.flatten()])
    model.save_weights(out("inversion_keras.weights.h5"))
    write_json("inversion_variables.json", variables_of(model))
    x = (rng.standard_normal((4, 7)).astype(np.float32) / np.float32(2)).astype(np.float32)
    y = model.predict(x, verbose=0)
    write_json("inversion_expected.json", {"inputs": x.tolist(), "outputs": y.astype(float).tolist()})
    # The truncated file: the first half of inversion.h5.
    with open(out("inversion.h5"), "rb") as f:
        data = f.read()
    with open(out("truncated.h5"), "wb") as f:
        f.write(data[: len(data) // 2])


def small(keras):
    from keras.src.legacy.saving import legacy_h5_format

    rng = np.random.default_rng(11)
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input((7,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dropout(0.1),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(3),
        ],
        name="sequential",
    )
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([f32_exact(rng, w.shape).astype(np.float32) for w in layer.weights])
    model.compile(optimizer="adam", loss="mse")
    x = rng.standard_normal((8, 7)).astype(np.float32)
    y = rng.standard_normal((8, 3)).astype(np.float32)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.save_weights(out("small.weights.h5"))
    legacy_h5_format.save_model_to_hdf5(model, out("small_legacy.h5"))
    with h5py.File(out("small_legacy_weights.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    write_json("small_variables.json", variables_of(model))

    # tf.keras 2 style: fixed-length names, ":0" suffixes, chunked layer_names.
    with h5py.File(out("tfkeras2.h5"), "w") as f:
        names = [layer.name for layer in model.layers]
        f.attrs["layer_names0"] = np.array([n.encode() for n in names[:2]], dtype="S")
        f.attrs["layer_names1"] = np.array([n.encode() for n in names[2:]], dtype="S")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["keras_version"] = np.bytes_("2.15.0")
        for layer in model.layers:
            g = f.create_group(layer.name)
            ws = layer.trainable_weights + layer.non_trainable_weights
            ws = [w for w in ws if "seed_generator" not in w.path]
            wnames = [f"{layer.name}/{w.name}:0".encode() for w in ws]
            g.attrs["weight_names"] = np.array(wnames, dtype="S") if wnames else np.array([], dtype="S1")
            for wn, w in zip(wnames, ws):
                g.create_dataset(wn.decode(), data=np.asarray(w.numpy()))


def square(keras):
    rng = np.random.default_rng(5)
    model = dense_model(keras, 4, [4, 2])
    with h5py.File(out("square.h5"), "w") as f:
        for n, layer in enumerate(model.layers, start=1):
            kin, kout = layer.weights[0].shape
            w = f32_exact(rng, (kin, kout)).astype(np.float32)  # in x out: not transposed
            b = f32_exact(rng, (kout,)).astype(np.float32)
            f.create_dataset(f"W/layer_{n}", data=w)
            f.create_dataset(f"B/layer_{n}", data=b)
    write_json("square_variables.json", variables_of(model))


def deep(keras):
    rng = np.random.default_rng(3)
    widths = [2 + i for i in range(11)]  # 2 -> 3 -> ... -> 12
    model = dense_model(keras, widths[0], widths[1:])
    with h5py.File(out("deep.h5"), "w") as f:
        for n in range(1, 11):
            f.create_dataset(f"kernel/{n}", data=f32_exact(rng, (widths[n], widths[n - 1])).astype(np.float32))
            f.create_dataset(f"bias/{n}", data=f32_exact(rng, (widths[n], 1)).astype(np.float32))
    write_json("deep_variables.json", variables_of(model))


def nan_case(keras):
    rng = np.random.default_rng(13)
    model = dense_model(keras, 3, [2, 1])
    w1 = f32_exact(rng, (2, 3))
    w1[1, 2] = np.nan
    b2 = f32_exact(rng, (1, 1))
    b2[0, 0] = np.inf
    with h5py.File(out("nan.h5"), "w") as f:
        f.create_dataset("Weights/Layer1", data=w1)
        f.create_dataset("Bias/Layer1", data=f32_exact(rng, (2, 1)))
        f.create_dataset("Weights/Layer2", data=f32_exact(rng, (1, 2)))
        f.create_dataset("Bias/Layer2", data=b2)
    write_json("nan_variables.json", variables_of(model))


def custom(keras):
    rng = np.random.default_rng(17)
    model = dense_model(keras, 5, [4, 3])
    with h5py.File(out("custom.h5"), "w") as f:
        net = f.create_group("net")
        net.attrs["description"] = "encoder in x out float32; decoder out x in float64"
        net.create_dataset("encoder/W", data=f32_exact(rng, (5, 4)).astype(np.float32))
        net.create_dataset("encoder/b", data=f32_exact(rng, (4,)).astype(np.float32))
        net.create_dataset("decoder/W", data=f32_exact(rng, (3, 4)))
        net.create_dataset("decoder/b", data=f32_exact(rng, (1, 3)))
        net.create_dataset("meta/scale", data=np.float64(0.5))
        net.create_dataset("steps", data=np.arange(6, dtype=np.int32).reshape(2, 3))
    write_json("custom_variables.json", variables_of(model))


def types():
    with h5py.File(out("types.h5"), "w") as f:
        num = f.create_group("num")
        for dt in ["f2", "f4", "f8", ">f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", ">i4"]:
            name = dt.replace(">", "be_")
            num.create_dataset(name, data=np.arange(6, dtype=dt).reshape(2, 3))
        num.create_dataset("scalar", data=np.float64(2.5))
        num.create_dataset("empty", shape=(0, 3), dtype="f4")
        num.create_dataset("cube", data=np.arange(24, dtype="f8").reshape(2, 3, 4))
        num.create_dataset("chunked", data=np.arange(12, dtype="f4").reshape(3, 4), chunks=(1, 4), compression="gzip")
        num.create_dataset("nonfinite", data=np.array([1.0, np.nan, -np.inf, -2.0, np.nan, np.inf]))
        # 2^40 elements that take no space on disk: readers must refuse them.
        num.create_dataset("huge", shape=(1 << 20, 1 << 20), dtype="f8", chunks=(1, 64))
        s = f.create_group("str")
        s.create_dataset("vlen", data=np.array(["alpha", "béta", ""], dtype=h5py.string_dtype()))
        s.create_dataset("fixed", data=np.array([b"ab", b"cde", b""], dtype="S4"))
        f.create_dataset("other/compound", data=np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]))
        f.create_dataset("other/enum", data=np.array([True, False]))
        a = f["/"].attrs
        a["vlen_scalar"] = "héllo"
        a["vlen_array"] = np.array(["dense", "dense_1"], dtype=h5py.string_dtype())
        a["fixed_scalar"] = np.bytes_("fixed")
        a["fixed_array"] = np.array([b"dense", b"batch_normalization"], dtype="S")
        a["float_scalar"] = np.float64(0.25)
        a["int_array"] = np.array([1, -2, 3], dtype="i8")
        a["empty_array"] = np.array([], dtype="f8")
        a["compound"] = np.zeros(1, dtype=[("a", "i4")])
        f["links/soft"] = h5py.SoftLink("/num/f8")
        f["links/external"] = h5py.ExternalLink("elsewhere.h5", "/x")
        f["links/hard"] = f["num/f4"]
        f["links/loop"] = f["links"]
        f["links/dangling"] = h5py.SoftLink("/nowhere")


def mapping_files():
    entries = [
        {"source": "/net/encoder/W", "variable": "sequential/dense/kernel"},
        {"source": "/net/encoder/b", "variable": "sequential/dense/bias"},
        {"source": "/net/decoder/W", "variable": "sequential/dense_1/kernel", "transpose": True, "cast": "float32"},
        {"source": "/net/decoder/b", "variable": "sequential/dense_1/bias", "reshape": [-1], "cast": "float32"},
        {"source": "/net/meta/scale", "skip": True},
        {"source": "/net/steps", "skip": True},
    ]
    write_json("custom.map.json", {"version": 1, "layout": "none", "entries": entries})
    # The YAML twin is written by hand below so that it shows comments.
    with open(out("custom.map.yaml"), "w") as f:
        f.write(
            """# h5convert mapping for custom.h5 (made by gen_fixtures.py)
version: 1
layout: none            # no automatic mapping: only the entries below
entries:
  - source: /net/encoder/W
    variable: sequential/dense/kernel      # stored in x out already
  - source: /net/encoder/b
    variable: sequential/dense/bias
  - source: /net/decoder/W
    variable: sequential/dense_1/kernel
    transpose: true                        # stored out x in
    cast: float32
  - source: /net/decoder/b
    variable: sequential/dense_1/bias
    reshape: [-1]                          # (1, 3) -> (3,)
    cast: float32
  - source: /net/meta/scale
    skip: true
  - source: /net/steps
    skip: true
"""
        )


def main():
    import keras

    keras.utils.set_random_seed(1)
    inversion(keras)
    small(keras)
    square(keras)
    deep(keras)
    nan_case(keras)
    custom(keras)
    types()
    mapping_files()
    with open(out("not_hdf5.h5"), "w") as f:
        f.write("this is not an HDF5 file, only a text file with an .h5 name\n")
    shutil.rmtree(out("__pycache__"), ignore_errors=True)


if __name__ == "__main__":
    main()
