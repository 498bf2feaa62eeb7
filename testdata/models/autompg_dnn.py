"""The Auto MPG regression tutorial's DNN: Normalization (adapted from the
training data, from Go) -> Dense(64, relu) -> Dense(64, relu) -> Dense(1);
mean absolute error, Adam(0.001). Nine features (see dataset.AutoMPGFeatures).

Exported to testdata/models/autompg_dnn by make_fixtures.py.
"""

import keras


def build():
    model = keras.Sequential(
        [
            keras.Input(shape=(9,), name="features"),
            keras.layers.Normalization(axis=-1),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ],
        name="autompg_dnn",
    )
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mean_absolute_error")
    return model
