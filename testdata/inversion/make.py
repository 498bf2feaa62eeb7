#!/usr/bin/env python3
"""Makes the files of the inversion example (README, "HDF5 weights"):

  weights.h5      the weights of a 7 -> 100 -> 100 -> 3 tanh network, as a
                  column-major tool (MATLAB) writes them: /Weights/LayerN (out x in),
                  /Bias/LayerN (n x 1), float64. The network was trained (here, in
                  NumPy-fed Keras) on the forward problem with its old constants.
  data.npz        x_train, y_train, x_test, y_test (float32) of the forward problem
                  with new constants: what the network is fine-tuned on.
  expected.json   inputs and the network's outputs computed with NumPy from
                  weights.h5 alone (the reference for tfrun's converted model).

The forward problem maps 7 parameters to 3 observations, smooth and nonlinear:
  d1 = sin(a*p1) * p2 + 0.5 * p3**2
  d2 = exp(-p4**2) * p5 - b * p6 * p7
  d3 = tanh(p1 + p2 - p3) + 0.3 * p4 * p6 + 0.1 * p7
with (a, b) = (1.0, 1.0) for the old data and (1.3, 0.7) for the new.

Run with the project venv: .venv/bin/python testdata/inversion/make.py
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def forward(p, a, b):
    p1, p2, p3, p4, p5, p6, p7 = p.T
    return np.stack([
        np.sin(a * p1) * p2 + 0.5 * p3 ** 2,
        np.exp(-p4 ** 2) * p5 - b * p6 * p7,
        np.tanh(p1 + p2 - p3) + 0.3 * p4 * p6 + 0.1 * p7,
    ], axis=1)


def numpy_net(x, layers):
    h = x
    for i, (w, b) in enumerate(layers):  # w is (out, in), b is (out, 1), as stored
        h = h @ w.T + b.reshape(-1)
        if i < len(layers) - 1:
            h = np.tanh(h)
    return h


def main():
    rng = np.random.default_rng(2024)
    keras.utils.set_random_seed(11)
    old_x = rng.uniform(-1.5, 1.5, (4000, 7))
    old_y = forward(old_x, 1.0, 1.0)
    net = keras.Sequential([keras.Input((7,)), keras.layers.Dense(100, activation="tanh"),
                            keras.layers.Dense(100, activation="tanh"), keras.layers.Dense(3)])
    net.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    net.fit(old_x.astype(np.float32), old_y.astype(np.float32), epochs=30, batch_size=64, verbose=0)
    layers = []
    for layer in net.layers:
        k, b = layer.get_weights()
        layers.append((k.T.astype(np.float64), b.reshape(-1, 1).astype(np.float64)))
    with h5py.File(os.path.join(HERE, "weights.h5"), "w") as f:
        f.attrs["creator"] = "inversion network, column-major layout"
        for i, (w, b) in enumerate(layers, start=1):
            f.create_dataset(f"Weights/Layer{i}", data=w)
            f.create_dataset(f"Bias/Layer{i}", data=b)

    x = rng.uniform(-1.5, 1.5, (2500, 7))
    y = forward(x, 1.3, 0.7) + rng.normal(0, 0.01, (2500, 3))
    np.savez(os.path.join(HERE, "data.npz"),
             x_train=x[:2000].astype(np.float32), y_train=y[:2000].astype(np.float32),
             x_test=x[2000:].astype(np.float32), y_test=y[2000:].astype(np.float32))

    probe = rng.uniform(-1.5, 1.5, (8, 7)).astype(np.float32)
    out = numpy_net(probe.astype(np.float64), layers)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"inputs": {"dtype": "float32", "shape": list(probe.shape), "data": probe.reshape(-1).tolist()},
                   "outputs": {"dtype": "float64", "shape": list(out.shape), "data": out.reshape(-1).tolist()}}, f)
        f.write("\n")
    print("wrote weights.h5, data.npz, expected.json in", HERE)


if __name__ == "__main__":
    main()
