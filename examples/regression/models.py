"""The regression study's models: the four models of TensorFlow's Auto MPG
tutorial ("Basic regression: Predict fuel efficiency").

  linear_horsepower  Normalization -> Dense(1)             on Horsepower alone, Adam(0.1)
  linear             Normalization -> Dense(1)             on all 9 features,   Adam(0.1)
  dnn_horsepower     Normalization -> Dense(64, relu) x 2 -> Dense(1)  on Horsepower, Adam(0.001)
  dnn                Normalization -> Dense(64, relu) x 2 -> Dense(1)  on all 9 features, Adam(0.001)

Mean absolute error is the loss. The Normalization layers are fed by the
model input, so the exporter records them and `tfrun train --adapt-normalization`
computes their mean and variance from the training data, in Go; the saved
model carries them. The 9 features are dataset.AutoMPGFeatures (Origin one-hot).

One exporter call writes the four:
  python scripts/export.py --model examples/regression/models.py:build --out DIR --seed 1
"""

import keras

ALL_FEATURES = 9


def _model(name, features, hidden, learning_rate):
    layers = [keras.Input(shape=(features,), name="features"), keras.layers.Normalization(axis=-1, name="normalization")]
    layers += [keras.layers.Dense(64, activation="relu", name=f"dense{i + 1}") for i in range(hidden)]
    layers.append(keras.layers.Dense(1, name="mpg"))
    m = keras.Sequential(layers, name=name)
    m.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mean_absolute_error")
    return m


def build():
    return {
        "linear_horsepower": _model("linear_horsepower", 1, 0, 0.1),
        "linear": _model("linear", ALL_FEATURES, 0, 0.1),
        "dnn_horsepower": _model("dnn_horsepower", 1, 2, 0.001),
        "dnn": _model("dnn", ALL_FEATURES, 2, 0.001),
    }
