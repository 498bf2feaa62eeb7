"""A small convolutional base shared by two models, for the head-swap tests:
the base is a named sub-model, keras.Sequential(..., name="base"), so its
variables are named base/conv1/kernel, … in both models and `tfrun convert`
copies them by name.

  transfer_src   base -> Dense(10, softmax) "head"   (digits 0-9)
  transfer_dst   base -> Dense(5, softmax)  "head"   (a new 5-class task)

The heads share a name but not a shape, so copying everything is refused and
the base is chosen with --vars base. Exported by make_fixtures.py (seed 11).
"""

import keras


def base():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28), name="image"),
            keras.layers.Reshape((28, 28, 1), name="channels"),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(name="pool1"),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv2"),
            keras.layers.GlobalAveragePooling2D(name="gap"),
        ],
        name="base",
    )


def model(name, classes):
    x = keras.Input(shape=(28, 28), name="image")
    out = keras.layers.Dense(classes, activation="softmax", name="head")(base()(x))
    m = keras.Model(x, out, name=name)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def build():
    return {"transfer_src": model("transfer_src", 10), "transfer_dst": model("transfer_dst", 5)}
