"""The MNIST quickstart model: Flatten(28x28) -> Dense(128, relu) -> Dropout(0.2)
-> Dense(10, softmax); Adam, sparse categorical cross-entropy, accuracy.

Exported to testdata/models/mnist_mlp by make_fixtures.py with
scripts/export.py --model testdata/models/mnist_mlp.py:build.
"""

import keras


def build():
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28), name="image"),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="mnist_mlp",
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
