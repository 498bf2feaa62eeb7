#!/usr/bin/env python3
"""Export a compiled Keras model as a *trainable SavedModel* for tfrun.

Python is needed only here, at export time. The SavedModel written has the
signatures of tfrun's training contract (see DESIGN.md):

  serving_default, predict   model inputs            -> model outputs (training=False)
  train_step                 inputs + y + sample_weight -> loss + one scalar per metric
                             (one optimizer update, training=True)
  evaluate                   inputs + y + sample_weight -> loss + metrics (no effect)

and a description in assets.extra/tfrun.json (inputs, outputs, loss, metrics and
how they aggregate, the learning-rate variable, the layers and their variables,
the per-variable trainable masks).

Every signature value is a per-batch value: metric state is reset at the start of
each call, so tfrun aggregates epoch values itself as Keras does (the loss weighted
by batch size, metrics by sample count or by sample weight).

Freezing at run time: each trainable variable has a boolean mask variable
(tfrun/trainable/<i>). When a mask is false, train_step leaves that variable and
all of its optimizer slots bitwise unchanged (it snapshots them before the update
and restores them after), so one exported model supports any freeze set.

Usage:
  python scripts/export.py --model path/to/file.py:build --out DIR [--name NAME]

where build() returns a compiled keras.Model (any inputs, one output, any loss,
optimizer and Mean-style metrics), or a dict {name: model} to export a family of
models in one call (each to DIR/name, built in order with the same seed). The output
directory is written to a temporary sibling and renamed into place.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

FORMAT = "tfrun.trainable/1"
DESCRIPTION = "tfrun.json"


class ExportError(Exception):
    """A model tfrun cannot export, with the reason."""


def load_builder(spec: str):
    """Resolves 'path/to/file.py:build' to the build function."""
    path, _, fn = spec.rpartition(":")
    if not path or not fn:
        raise ExportError(f"--model {spec!r}: want path/to/file.py:function")
    if not os.path.isfile(path):
        raise ExportError(f"--model {spec!r}: no such file {path}")
    name = "tfrun_model_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    mod_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(mod_spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        mod_spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    if not hasattr(module, fn):
        raise ExportError(f"--model {spec!r}: {path} has no function {fn}()")
    return getattr(module, fn)


def _key(name: str) -> str:
    """A signature key from a Keras name (letters, digits, underscores)."""
    key = re.sub(r"\W", "_", name)
    return key if re.match(r"[A-Za-z_]", key) else "_" + key


def _dtype_name(dtype) -> str:
    return tf.as_dtype(dtype).name


def _loss_name(model) -> str:
    loss = model.loss
    if isinstance(loss, (list, tuple, dict)):
        raise ExportError("models with several losses (multi-output) cannot be trained by tfrun yet")
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


def _check_model(model):
    if not isinstance(model, keras.Model):
        raise ExportError(f"build() returned {type(model).__name__}, want a keras.Model")
    if not model.built or not model.inputs:
        raise ExportError("the model is not built: give it a keras.Input (or call build(input_shape)) before export")
    if not getattr(model, "compiled", False) or model.optimizer is None or model.loss is None:
        raise ExportError("the model is not compiled: call model.compile(optimizer=..., loss=..., metrics=[...])")
    if len(model.outputs) != 1:
        raise ExportError(f"the model has {len(model.outputs)} outputs; tfrun trains single-output models")
    for t in model.inputs:
        if getattr(t, "sparse", False) or getattr(t, "ragged", False):
            raise ExportError(f"input {t.name} is sparse or ragged; tfrun feeds dense tensors only")
        if any(d is None for d in t.shape[1:]):
            raise ExportError(
                f"input {t.name} has shape {tuple(t.shape)}: only the batch dimension may be unknown")


class _SlotRecorder:
    """Records which optimizer variables are slots of which model variable."""

    def __init__(self, optimizer):
        self.slots = {}  # id(model variable) -> [optimizer variables]
        original = optimizer.add_variable_from_reference

        def add_variable_from_reference(reference_variable, *args, **kwargs):
            var = original(reference_variable, *args, **kwargs)
            self.slots.setdefault(id(reference_variable), []).append(var)
            return var

        optimizer.add_variable_from_reference = add_variable_from_reference
        self._optimizer = optimizer
        self._original = original

    def close(self):
        self._optimizer.add_variable_from_reference = self._original


def _dummy(spec: tf.TensorSpec, n: int = 2):
    shape = [n if d is None else d for d in spec.shape]
    if spec.dtype.is_floating:
        return tf.zeros(shape, spec.dtype)
    return tf.zeros(shape, spec.dtype)


def export(model: keras.Model, out_dir: str, name: str | None = None, y_dtype: str | None = None,
           force: bool = False) -> dict:
    """Writes model as a trainable SavedModel in out_dir; returns the description."""
    _check_model(model)
    optimizer = model.optimizer
    loss_name = _loss_name(model)
    out_tensor = model.outputs[0]
    out_shape = list(out_tensor.shape)
    sparse = "sparse" in loss_name.lower()

    # Input specs: a single input is fed as "x"; several keep their (sanitised) names.
    if len(model.inputs) == 1:
        input_keys = ["x"]
    else:
        input_keys = [_key(t.name) for t in model.inputs]
        if len(set(input_keys)) != len(input_keys):
            raise ExportError(f"input names {input_keys} are not unique once sanitised")
    reserved = {"y", "sample_weight"}
    if reserved & set(input_keys):
        raise ExportError(f"input names may not be {sorted(reserved)}: rename the keras.Input")
    input_specs = {k: tf.TensorSpec([None] + list(t.shape[1:]), t.dtype, name=k)
                   for k, t in zip(input_keys, model.inputs)}
    if y_dtype is None:
        y_dtype = "int64" if sparse else _dtype_name(out_tensor.dtype)
    y_shape = [None] + out_shape[1:-1] if sparse else [None] + out_shape[1:]
    y_spec = tf.TensorSpec(y_shape, tf.as_dtype(y_dtype), name="y")
    sw_spec = tf.TensorSpec([None], tf.float32, name="sample_weight")
    train_specs = dict(input_specs, y=y_spec, sample_weight=sw_spec)

    def model_input(batch):
        if len(input_keys) == 1:
            return batch["x"]
        return [batch[k] for k in input_keys]

    # Build everything that creates variables eagerly, before tracing.
    recorder = _SlotRecorder(optimizer)
    try:
        optimizer.build(model.trainable_variables)
    finally:
        recorder.close()
    dummy = {k: _dummy(s) for k, s in train_specs.items()}
    dummy["sample_weight"] = tf.ones([2], tf.float32)
    y_pred = model(model_input(dummy), training=False)
    model._compute_loss(x=model_input(dummy), y=dummy["y"], y_pred=y_pred,
                        sample_weight=dummy["sample_weight"], training=False)
    compile_metrics = model._compile_metrics
    metric_specs = []
    if compile_metrics is not None:
        compile_metrics.update_state(dummy["y"], y_pred, dummy["sample_weight"])
        names = list(compile_metrics.result().keys())
        n_unweighted = sum(len(m.metrics) for m in compile_metrics._flat_metrics if m)
        for i, m in enumerate(compile_metrics.metrics):
            if not isinstance(m, keras.metrics.Mean):
                raise ExportError(
                    f"metric {m.name!r} ({type(m).__name__}) is not a per-sample mean; tfrun aggregates "
                    "per-batch metric values and supports Mean-style metrics (accuracy, mae, mse, ...) only")
        for i, n in enumerate(names):
            if n in reserved or n == "loss":
                raise ExportError(f"metric name {n!r} clashes with a signature key")
            metric_specs.append({"name": n, "weighting": "samples" if i < n_unweighted else "sample_weight"})
        compile_metrics.reset_state()

    trainable = list(model.trainable_variables)
    for v in trainable:
        if v.dtype not in ("float16", "bfloat16", "float32", "float64"):
            raise ExportError(f"trainable variable {v.path} has dtype {v.dtype}")
    with tf.name_scope("tfrun"):
        masks = [tf.Variable(True, trainable=False, name=f"trainable_{i}") for i in range(len(trainable))]
    slots = [recorder.slots.get(id(v), []) for v in trainable]

    # Normalization layers adapted from data: Keras freezes their statistics into
    # constants (finalize_state); re-derive them from the variables inside every
    # traced function instead, so that statistics assigned later (tfrun adapts them
    # from Go) are what the graph uses.
    norm_layers = [l for l in model._flatten_layers(include_self=False)
                   if isinstance(l, keras.layers.Normalization) and getattr(l, "input_mean", None) is None]

    def refresh_normalization():
        for l in norm_layers:
            l.finalize_state()

    def batch_metrics(y, y_pred, sample_weight):
        if compile_metrics is None:
            return {}
        compile_metrics.reset_state()
        compile_metrics.update_state(y, y_pred, sample_weight)
        return {k: tf.cast(v, tf.float32) for k, v in compile_metrics.result().items()}

    @tf.function(input_signature=[input_specs], autograph=False)
    def predict(batch):
        refresh_normalization()
        out = model(model_input(batch), training=False)
        return {"output_0": out}

    @tf.function(input_signature=[train_specs], autograph=False)
    def train_step(batch):
        x, y, sw = model_input(batch), batch["y"], batch["sample_weight"]
        refresh_normalization()
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = model._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw, training=True)
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, [v.value for v in trainable])
        # Snapshot the frozen variables and their slots (nothing is copied for trainable ones).
        saved = []
        for v, mask, vs in zip(trainable, masks, slots):
            group = [v] + vs
            saved.append(tf.cond(
                mask,
                lambda group=group: [tf.zeros([0], g.dtype) for g in group],
                lambda group=group: [tf.identity(g.value) for g in group]))
        pairs = [(g, v) for g, v in zip(grads, trainable) if g is not None]
        optimizer.apply_gradients(pairs)
        for v, mask, vs, snap in zip(trainable, masks, slots, saved):
            group = [v] + vs

            def restore(group=group, snap=snap):
                for g, s in zip(group, snap):
                    g.value.assign(tf.reshape(s, g.shape))
                return tf.constant(False)

            tf.cond(mask, lambda: tf.constant(True), restore)
        out = {"loss": tf.cast(loss, tf.float32)}
        out.update(batch_metrics(y, y_pred, sw))
        return out

    @tf.function(input_signature=[train_specs], autograph=False)
    def evaluate(batch):
        x, y, sw = model_input(batch), batch["y"], batch["sample_weight"]
        refresh_normalization()
        y_pred = model(x, training=False)
        loss = model._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw, training=False)
        out = {"loss": tf.cast(loss, tf.float32)}
        out.update(batch_metrics(y, y_pred, sw))
        return out

    # Track the TensorFlow variables themselves (not the Keras wrappers): each
    # becomes one VarHandleOp named after its Keras path, restored by the saver,
    # which is what TensorFlow's C API session loader uses.
    module = tf.Module()
    model_vars = list(model.variables)
    opt_vars = list(optimizer.variables)
    metric_vars = list(compile_metrics.variables) if compile_metrics is not None else []
    module.tfrun_variables = [v.value for v in model_vars + opt_vars + metric_vars] + masks
    module.predict = predict
    module.train_step = train_step
    module.evaluate = evaluate
    signatures = {
        "serving_default": predict.get_concrete_function(),
        "predict": predict.get_concrete_function(),
        "train_step": train_step.get_concrete_function(),
        "evaluate": evaluate.get_concrete_function(),
    }

    out_dir = os.path.abspath(out_dir)
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    if os.path.exists(out_dir) and not force:
        raise ExportError(f"{out_dir} exists; pass --force to replace it")
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(out_dir) + ".tmp-", dir=parent)
    os.chmod(tmp, 0o755)
    try:
        tf.saved_model.save(module, tmp, signatures=signatures)
        graph_vars = _graph_variables(os.path.join(tmp, "saved_model.pb"))

        def gname(v):
            shared = (v.value if isinstance(v, keras.Variable) else v)._shared_name
            if shared not in graph_vars:
                raise ExportError(f"variable {shared} did not become a graph variable")
            return shared

        opt_name = lambda attr: gname(getattr(optimizer, attr)) if isinstance(
            getattr(optimizer, attr, None), keras.Variable) else None
        desc = {
            "format": FORMAT,
            "name": name or model.name,
            "tensorflow_version": tf.__version__,
            "keras_version": keras.__version__,
            "inputs": [{"name": k, "keras_name": t.name, "dtype": _dtype_name(t.dtype),
                        "shape": [None] + list(t.shape[1:])} for k, t in zip(input_keys, model.inputs)],
            "outputs": [{"name": "output_0", "dtype": _dtype_name(out_tensor.dtype), "shape": out_shape}],
            "target": {"name": "y", "dtype": y_dtype, "shape": y_shape,
                       "sparse_classes": out_shape[-1] if sparse else None},
            "sample_weight": True,
            "loss": {"name": loss_name, "weighting": "samples"},
            "metrics": metric_specs,
            "optimizer": {"class": type(optimizer).__name__,
                          "config": json.loads(json.dumps(optimizer.get_config(), default=str))},
            "learning_rate_variable": opt_name("_learning_rate"),
            "iterations_variable": opt_name("_iterations"),
            "layers": _layers(model, gname),
            "trainable_variables": [
                {"name": gname(v), "mask": gname(m), "slots": [gname(s) for s in vs]}
                for v, m, vs in zip(trainable, masks, slots)],
            "non_trainable_variables": [gname(v) for v in model.non_trainable_variables],
            "normalization": _normalization(model, norm_layers, input_keys, gname),
            "optimizer_variables": [gname(v) for v in opt_vars],
            "metric_variables": [gname(v) for v in metric_vars],
        }
        os.makedirs(os.path.join(tmp, "assets.extra"), exist_ok=True)
        with open(os.path.join(tmp, "assets.extra", DESCRIPTION), "w") as f:
            json.dump(desc, f, indent=1)
            f.write("\n")
        if os.path.exists(out_dir):
            old = out_dir + ".old"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out_dir, old)
            os.rename(tmp, out_dir)
            shutil.rmtree(old)
        else:
            os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return desc


def _graph_variables(pb_path: str) -> set:
    from tensorflow.core.protobuf import saved_model_pb2
    sm = saved_model_pb2.SavedModel()
    with open(pb_path, "rb") as f:
        sm.ParseFromString(f.read())
    return {n.name for n in sm.meta_graphs[0].graph_def.node if n.op == "VarHandleOp"}


def _normalization(model, layers, input_keys, gname):
    """The Normalization layers fed directly by a model input, which tfrun can
    adapt from data: their mean/variance variables and the axes they keep."""
    out = []
    for l in layers:
        for key, t in zip(input_keys, model.inputs):
            if l.input is t:
                out.append({"layer": l.name, "input": key, "mean": gname(l.adapt_mean),
                            "variance": gname(l.adapt_variance), "keep_axes": [int(a) for a in l._keep_axis]})
    return out


def _layers(model, gname):
    """Every layer, depth first, with its variables in layer.weights order."""
    out = []

    def walk(layer, depth, parent):
        children = list(layer._flatten_layers(include_self=False, recursive=False))
        out.append({
            "name": layer.name,
            "class": type(layer).__name__,
            "parent": parent,
            "depth": depth,
            "trainable": bool(layer.trainable),
            "leaf": not children,
            "variables": [gname(w) for w in layer.weights],
        })
        for c in children:
            walk(c, depth + 1, layer.name)

    for layer in model._flatten_layers(include_self=False, recursive=False):
        walk(layer, 0, None)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="path/to/file.py:build, build() returns a compiled keras.Model")
    p.add_argument("--out", required=True, help="SavedModel directory to write")
    p.add_argument("--name", help="model name recorded in the description (default: the Keras model name)")
    p.add_argument("--seed", type=int, help="keras.utils.set_random_seed before build(), for reproducible weights")
    p.add_argument("--y-dtype", help="dtype of the y input (default: int64 for sparse losses, else the output dtype)")
    p.add_argument("--force", action="store_true", help="replace an existing output directory")
    args = p.parse_args(argv)
    try:
        build = load_builder(args.model)
        if args.seed is not None:
            keras.utils.set_random_seed(args.seed)
        built = build()
        if isinstance(built, dict):
            if args.name:
                raise ExportError("--name does not apply to a family of models (build() returned a dict)")
            outs = [(name, model, os.path.join(args.out, name)) for name, model in built.items()]
        else:
            outs = [(args.name, built, args.out)]
        for name, model, out in outs:
            if name is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
                raise ExportError(f"model name {name!r}: use letters, digits, '_', '.', '-'")
            desc = export(model, out, name=name, y_dtype=args.y_dtype, force=args.force)
            print(f"exported {desc['name']} to {out}: signatures serving_default, predict, train_step, evaluate; "
                  f"{len(desc['trainable_variables'])} trainable variables")
    except ExportError as e:
        print(f"export: {args.model}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
