"""A SavedModel that tfrun's exporter did not make: a plain tf.Module with two
signatures and int64 / string inputs, saved by tf.saved_model.save. tfrun must
inspect and predict it like any SavedModel (it has no training contract).

Written to testdata/models/plain_module by make_fixtures.py.
"""

import tensorflow as tf


class Plain(tf.Module):
    def __init__(self):
        super().__init__()
        self.scale = tf.Variable([1.5, -2.0, 0.25], dtype=tf.float32, name="scale")
        self.offset = tf.Variable(7, dtype=tf.int64, name="offset")

    @tf.function(input_signature=[
        tf.TensorSpec([None, 3], tf.int64, name="ids"),
        tf.TensorSpec([None], tf.string, name="words"),
    ])
    def lookup(self, ids, words):
        scaled = tf.cast(ids, tf.float32) * self.scale
        return {
            "scaled": scaled,
            "shifted": ids + self.offset,
            "greeting": tf.strings.join(["hello ", words]),
            "length": tf.strings.length(words, unit="UTF8_CHAR"),
        }

    @tf.function(input_signature=[tf.TensorSpec([], tf.float64, name="t")])
    def square(self, t):
        return t * t  # a bare tensor: the output key becomes output_0


def save(out_dir):
    m = Plain()
    tf.saved_model.save(m, out_dir, signatures={"lookup": m.lookup, "square": m.square})
