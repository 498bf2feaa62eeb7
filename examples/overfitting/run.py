#!/usr/bin/env python3
"""Study 2, over- and underfitting: the tutorial's family of model sizes and
regularisers on Fashion-MNIST, trained by tfrun with early stopping, their
validation curves overlaid by tfrun plot.

  examples/overfitting/run.py [--quick] [--keras] [--out DIR] [--png PNG]

1. tfrun data: the first 12,500 Fashion-MNIST training images (the loader
   interleaves the classes, so every slice is balanced) and the 10,000 test
   images, written to one .npz that tfrun and Keras both read.
2. scripts/export.py exports the seven models of models.py in one call.
3. tfrun train each: --validation-split 0.2 (10,000 to train on, 2,500 to
   validate), batch 500 as in the tutorial, up to 150 epochs, EarlyStopping on
   val_crossentropy with patience 20 (long enough to watch the validation
   loss turn up), restoring the best epoch's weights; tfrun evaluate: test
   accuracy of those weights.
4. tfrun plot: every variant's cross-entropy (training solid, validation
   dashed) in one PNG (default docs/studies/overfitting.png; out/ with --quick),
   as the tutorial's two figures: the sizes in one panel, the regularised
   large models in the other (the driver writes copies of the histories whose
   cross-entropy is named after the panel, "crossentropy (sizes)", ...).
5. With --keras, keras_baseline.py runs the same protocol with Keras' fit
   and EarlyStopping on the same .npz, and its curves go to a second PNG.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import study  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VARIANTS = ["tiny", "small", "medium", "large", "l2", "dropout", "combined"]
PANELS = {"crossentropy (sizes)": ["tiny", "small", "medium", "large"],
          "crossentropy (regularisers)": ["large", "l2", "dropout", "combined"]}


def params(model_dir):
    rep = study.tfrun("inspect", model_dir, "--json", as_json=True)
    n = 0
    for name in rep["description"]["trainable_variables"]:
        for v in rep["meta_graphs"][0]["variables"]:
            if v["name"] == name["name"]:
                size = 1
                for d in v["shape"]:
                    size *= d
                n += size
    return n


def summarise(history, monitor="val_crossentropy"):
    h = history["history"]
    best = min(range(len(h[monitor])), key=lambda i: h[monitor][i])
    return {"epochs": len(h[monitor]), "best_epoch": best + 1, "best_val_crossentropy": h[monitor][best],
            "best_val_loss": h["val_loss"][best], "val_accuracy_at_best": h["val_accuracy"][best],
            "train_crossentropy_at_best": h["crossentropy"][best]}


def plot(histories, out_dir, png, title):
    """Draws the two panels with tfrun plot from per-panel copies of the histories."""
    os.makedirs(out_dir, exist_ok=True)
    files = []
    for name in VARIANTS:
        h = study.read_json(os.path.join(histories, name + ".history.json"))
        values = {}
        for panel, members in PANELS.items():
            if name in members:
                values[panel] = h["history"]["crossentropy"]
                values["val_" + panel] = h["history"]["val_crossentropy"]
        path = os.path.join(out_dir, name + ".history.json")
        study.write_json(path, {"epoch": h["epoch"], "history": values})
        files.append(path)
    os.makedirs(os.path.dirname(png), exist_ok=True)
    study.tfrun("plot", *files, "--label", ",".join(VARIANTS), "--metrics", ",".join(PANELS),
                "--width", "1400", "--height", "560", "--title", title, "--out", png)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run: 2,500 images, at most 4 epochs, patience 1")
    p.add_argument("--keras", action="store_true", help="also run the Keras baseline on the same data")
    p.add_argument("--out", default=os.path.join(study.ROOT, "out", "studies", "overfitting"))
    p.add_argument("--png", help="the overlaid curves (default docs/studies/overfitting.png, or DIR/overfitting.png with --quick)")
    args = p.parse_args()
    study.check_built()
    out = os.path.abspath(args.out)
    take, epochs, patience = (2500, 4, 1) if args.quick else (12500, 150, 20)
    png = args.png or (os.path.join(out, "overfitting.png") if args.quick
                       else os.path.join(study.ROOT, "docs", "studies", "overfitting.png"))
    data, models, trained = (os.path.join(out, d) for d in ("data", "models", "trained"))
    os.makedirs(data, exist_ok=True)
    npz = os.path.join(data, "fashion.npz")

    with study.Clock() as clock:
        study.tfrun("data", "fashion-mnist", "--take", str(take), "--out", npz)
        study.export(os.path.join(HERE, "models.py"), models)
        results = {}
        for name in VARIANTS:
            study.tfrun("train", os.path.join(models, name), "--data", npz, "--validation-split", "0.2",
                        "--batch-size", "500", "--epochs", str(epochs), "--early-stopping",
                        "--early-stopping-monitor", "val_crossentropy", "--early-stopping-mode", "min",
                        "--early-stopping-patience", str(patience),
                        "--early-stopping-restore-best-weights", "--verbose", "0", "--curves", "none",
                        "--out", os.path.join(trained, name))
            ev = study.tfrun("evaluate", os.path.join(trained, name), "--data", npz, "--split", "test",
                             "--batch-size", "500", "--json", as_json=True)
            r = summarise(study.read_json(os.path.join(trained, name + ".history.json")))
            r["params"] = params(os.path.join(models, name))
            r["test_accuracy"] = ev["metrics"]["accuracy"]
            results[name] = r
        plot(trained, os.path.join(out, "plot"), png, "tfrun")
    study.write_json(os.path.join(out, "results.json"), {"take": take, "max_epochs": epochs, "patience": patience,
                                                         "seconds": clock.seconds, "models": results})
    print(f"tfrun: exported, trained and evaluated {len(VARIANTS)} models in {clock.seconds:.0f} s")

    keras = None
    if args.keras:
        kdir = os.path.join(out, "keras")
        with study.Clock() as kclock:
            study.python(os.path.join(HERE, "keras_baseline.py"), "--data", npz, "--epochs", str(epochs),
                         "--patience", str(patience), "--out", kdir)
        keras = study.read_json(os.path.join(kdir, "keras.json"))
        for name in VARIANTS:
            keras["models"][name].update(summarise(study.read_json(os.path.join(kdir, name + ".history.json"))))
        study.write_json(os.path.join(kdir, "keras.json"), keras)
        kpng = png[:-len(".png")] + "-keras.png"
        plot(kdir, os.path.join(kdir, "plot"), kpng, "Keras")
        print(f"keras: trained and evaluated {len(VARIANTS)} models in {kclock.seconds:.0f} s")

    headers = ["variant", "parameters", "epochs run", "best epoch", "best val cross-entropy", "val accuracy",
               "test accuracy"]
    if keras:
        headers += ["Keras: epochs run", "best epoch", "best val cross-entropy", "val accuracy", "test accuracy"]
    rows = []
    for name in VARIANTS:
        r = results[name]
        row = [name, r["params"], r["epochs"], r["best_epoch"], r["best_val_crossentropy"], r["val_accuracy_at_best"],
               r["test_accuracy"]]
        if keras:
            k = keras["models"][name]
            row += [k["epochs"], k["best_epoch"], k["best_val_crossentropy"], k["val_accuracy_at_best"],
                    k["test_accuracy"]]
        rows.append(row)
    text = (f"Fashion-MNIST: {take} training images (80% trained on, 20% validation), batch 500, at most {epochs} "
            f"epochs, EarlyStopping(val_crossentropy, patience {patience}, restore best weights); test accuracy of "
            f"the restored weights on the 10,000 test images. Curves: {study.rel(png)}"
            + (f", {study.rel(kpng)}" if keras else "") + ".\n\n" + study.table(headers, rows))
    print("\n" + text)
    if not args.quick:
        print("\nwrote " + study.rel(study.write_report("overfitting", sys.argv[1:], text)))


if __name__ == "__main__":
    main()
