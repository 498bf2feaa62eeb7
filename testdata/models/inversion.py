"""The inversion network of the h5convert example: Dense(100, tanh) on 7 inputs
-> Dense(100, tanh) -> Dense(3); MSE, Adam, MAE as a metric.

Exported to testdata/models/inversion by make_fixtures.py.
"""

import keras


def build():
    model = keras.Sequential(
        [
            keras.Input(shape=(7,), name="params"),
            keras.layers.Dense(100, activation="tanh"),
            keras.layers.Dense(100, activation="tanh"),
            keras.layers.Dense(3),
        ],
        name="inversion",
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
    return model
