"""The over- and underfitting study's models: the TensorFlow tutorial's family
of sizes and regularisers ("Overfit and underfit"), on Fashion-MNIST images
instead of the Higgs features.

  tiny      Dense(16)                       -> Dense(10)
  small     Dense(16) x 2                   -> Dense(10)
  medium    Dense(64) x 3                   -> Dense(10)
  large     Dense(512) x 4                  -> Dense(10)
  l2        large with L2(0.001) on every hidden kernel
  dropout   large with Dropout(0.5) after every hidden layer
  combined  both

ELU activations and Adam(0.001), as in the tutorial (which decays the rate
by 1/(1 + epoch/1000), under 10% over the epochs run here; a constant rate
keeps the learning-rate variable tfrun sets). The output is 10 logits; the
loss is sparse categorical cross-entropy from logits, and "crossentropy" is
the same quantity as a metric: for the L2 models the loss also holds the
weight penalty, so the variants are compared on (val_)crossentropy, as the
tutorial compares them on binary_crossentropy.

One exporter call writes the family:
  python scripts/export.py --model examples/overfitting/models.py:build --out DIR --seed 1
"""

import keras

SIZES = {"tiny": [16], "small": [16, 16], "medium": [64, 64, 64], "large": [512] * 4}
VARIANTS = {"l2": (1e-3, 0.0), "dropout": (0.0, 0.5), "combined": (1e-3, 0.5)}


def model(name, units, l2=0.0, dropout=0.0):
    layers = [keras.Input(shape=(28, 28), name="image"), keras.layers.Flatten(name="flatten")]
    for i, n in enumerate(units):
        layers.append(keras.layers.Dense(
            n, activation="elu", name=f"hidden{i + 1}",
            kernel_regularizer=keras.regularizers.l2(l2) if l2 else None))
        if dropout:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout{i + 1}"))
    layers.append(keras.layers.Dense(10, name="logits"))
    m = keras.Sequential(layers, name=name)
    m.compile(
        optimizer=keras.optimizers.Adam(0.001),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalCrossentropy(from_logits=True, name="crossentropy"),
                 keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return m


def build():
    family = {name: model(name, units) for name, units in SIZES.items()}
    for name, (l2, dropout) in VARIANTS.items():
        family[name] = model(name, SIZES["large"], l2, dropout)
    return family
