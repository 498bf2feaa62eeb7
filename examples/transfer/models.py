"""The transfer-learning study's models: one small convolutional base, two heads.

  digits04   base -> Dropout(0.2) -> Dense(5, softmax) "classes"   (digits 0-4: the source task)
  digits59   base -> Dropout(0.2) -> Dense(5, softmax) "classes"   (digits 5-9: the new task)

The base is a named sub-model, keras.Sequential([...], name="base"), built in
each model: its variables are called base/conv1/kernel, ..., base/conv3/bias in
both, which is what `tfrun convert SRC --model DST --vars '^base$'` matches
by. Its layers have names too (conv1, conv2, conv3), so --freeze and
--trainable can pick the top of the base by layer name. As in the
cats-vs-dogs transfer-learning tutorial (a pretrained base, then dropout and
one dense layer), the head is small: the base's 576 features -> 5 classes.

Adam(0.001), sparse categorical cross-entropy, accuracy. One exporter call:
  python scripts/export.py --model examples/transfer/models.py:build --out DIR --seed 1
"""

import keras


def base():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28), name="image"),
            keras.layers.Reshape((28, 28, 1), name="channels"),
            keras.layers.Conv2D(32, 3, activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(name="pool1"),
            keras.layers.Conv2D(64, 3, activation="relu", name="conv2"),
            keras.layers.MaxPooling2D(name="pool2"),
            keras.layers.Conv2D(64, 3, activation="relu", name="conv3"),
            keras.layers.Flatten(name="flatten"),
        ],
        name="base",
    )


def model(name):
    x = keras.Input(shape=(28, 28), name="image")
    h = keras.layers.Dropout(0.2, name="dropout")(base()(x))
    out = keras.layers.Dense(5, activation="softmax", name="classes")(h)
    m = keras.Model(x, out, name=name)
    m.compile(optimizer=keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def build():
    return {"digits04": model("digits04"), "digits59": model("digits59")}
