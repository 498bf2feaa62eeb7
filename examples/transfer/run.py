#!/usr/bin/env python3
"""Study 3, transfer learning and fine-tuning with exact freezing: a small
conv base trained on digits 0-4, its head replaced, the base frozen while the
new head learns digits 5-9 from 200 images, then the top of the base
unfrozen at a 10x lower learning rate; against training from scratch.

  examples/transfer/run.py [--quick] [--keras] [--seeds N] [--out DIR]

1. tfrun data: digits 0-4 (all of MNIST's) and digits 5-9 (the first 200
   training images), relabelled 0..4, written to .npz files both tools read.
2. scripts/export.py exports digits04 and digits59 (models.py) in one call;
   both build the base as a sub-model named "base".
3. Source task: tfrun train digits04, 3 epochs. New task from scratch:
   tfrun train digits59 (every variable), 20 epochs.
4. Head swap: tfrun convert copies the trained base/* variables into digits59
   (the new head keeps its initial weights, the optimizer state is not copied).
5. Phase 1: tfrun train --freeze '^base$', 10 epochs: only the head learns;
   the base stays bitwise what the source task made it.
6. Phase 2: tfrun train --freeze 'conv1|conv2' --learning-rate 0.0001
   --reset-optimizer, 10 epochs: the top conv layer and the head learn, at a
   tenth of the rate, with a fresh optimizer (as the tutorial's recompile).
7. tfrun evaluate after each phase on the test digits of its task.
Steps 3 (new task) to 7 run with --seeds shuffle seeds (default 3): with 160
images to train on, one run says little; the table gives the mean and range.
With --keras, keras_baseline.py runs the same protocol in Keras (trainable
flags and recompiles) on the same .npz files.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import study  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PHASES = [
    ("source", "source task, digits 0-4: every variable"),
    ("scratch", "new task, digits 5-9, from scratch: every variable"),
    ("head", "transfer, phase 1: base frozen, new head trained"),
    ("finetuned", "transfer, phase 2: conv3 + head, learning rate / 10"),
]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run: fewer images and epochs")
    p.add_argument("--keras", action="store_true", help="also run the Keras baseline on the same data")
    p.add_argument("--seeds", type=int, help="shuffle seeds for the new task's runs (default 3, 1 with --quick)")
    p.add_argument("--out", default=os.path.join(study.ROOT, "out", "studies", "transfer"))
    args = p.parse_args()
    seeds = args.seeds or (1 if args.quick else 3)
    study.check_built()
    out = os.path.abspath(args.out)
    # source images (0: all), new-task images, source epochs, scratch epochs, phase epochs
    cfg = dict(source_take=2000, take=100, source_epochs=1, scratch_epochs=2, phase_epochs=1) if args.quick else \
        dict(source_take=0, take=200, source_epochs=3, scratch_epochs=20, phase_epochs=10)
    data, models, trained = (os.path.join(out, d) for d in ("data", "models", "trained"))
    os.makedirs(data, exist_ok=True)
    src_npz, new_npz = os.path.join(data, "digits04.npz"), os.path.join(data, "digits59.npz")
    t = lambda name: os.path.join(trained, name)  # noqa: E731

    def train(model, out_name, epochs, *extra, val="0.2"):
        study.tfrun("train", model, "--data", new_npz if out_name != "source" else src_npz,
                    "--validation-split", val, "--epochs", str(epochs), "--verbose", "2", *extra,
                    "--out", t(out_name))

    def evaluate(name):
        npz = src_npz if name == "source" else new_npz
        ev = study.tfrun("evaluate", t(name), "--data", npz, "--split", "test", "--json", as_json=True)
        return {"test_accuracy": ev["metrics"]["accuracy"], "test_loss": ev["metrics"]["loss"],
                "test_samples": ev["samples"]}

    with study.Clock() as clock:
        study.tfrun("data", "mnist", "--classes", "0-4", "--take", str(cfg["source_take"]), "--out", src_npz)
        study.tfrun("data", "mnist", "--classes", "5-9", "--take", str(cfg["take"]), "--out", new_npz)
        study.export(os.path.join(HERE, "models.py"), models)
        src_images = study.tfrun("data", src_npz, "--json", as_json=True)["splits"]["train"]["samples"]
        train(os.path.join(models, "digits04"), "source", cfg["source_epochs"], val="0.1")
        results = {"source": [evaluate("source")]}
        study.tfrun("convert", t("source"), "--model", os.path.join(models, "digits59"), "--vars", "^base$",
                    "--out", t("swapped"))
        for seed in range(seeds):
            sd = ("--seed", str(seed))
            train(os.path.join(models, "digits59"), f"scratch-{seed}", cfg["scratch_epochs"], *sd)
            train(t("swapped"), f"head-{seed}", cfg["phase_epochs"], "--freeze", "^base$", *sd)
            train(t(f"head-{seed}"), f"finetuned-{seed}", cfg["phase_epochs"], "--freeze", "conv1|conv2",
                  "--learning-rate", "0.0001", "--reset-optimizer", *sd)
            for name in ("scratch", "head", "finetuned"):
                results.setdefault(name, []).append(evaluate(f"{name}-{seed}"))
    study.write_json(os.path.join(out, "results.json"), dict(cfg, seeds=seeds, seconds=clock.seconds, phases=results))
    print(f"tfrun: the whole protocol in {clock.seconds:.0f} s")

    keras = None
    if args.keras:
        with study.Clock() as kclock:
            study.python(os.path.join(HERE, "keras_baseline.py"), "--source", src_npz, "--new", new_npz,
                         "--seeds", str(seeds),
                         "--source-epochs", str(cfg["source_epochs"]), "--scratch-epochs", str(cfg["scratch_epochs"]),
                         "--phase-epochs", str(cfg["phase_epochs"]), "--out", os.path.join(out, "keras.json"))
        keras = study.read_json(os.path.join(out, "keras.json"))
        print(f"keras: the whole protocol in {kclock.seconds:.0f} s")

    epochs = {"source": cfg["source_epochs"], "scratch": cfg["scratch_epochs"], "head": cfg["phase_epochs"],
              "finetuned": cfg["phase_epochs"]}
    def accuracy(runs):
        return study.spread([r["test_accuracy"] for r in runs])

    headers = ["phase", "epochs", "test images", "tfrun test accuracy"] + (["Keras test accuracy"] if keras else [])
    rows = []
    for name, label in PHASES:
        row = [label, epochs[name], results[name][0]["test_samples"], accuracy(results[name])]
        if keras:
            row.append(accuracy(keras["phases"][name]))
        rows.append(row)
    text = (f"MNIST. Source task: digits 0-4, {src_images} training images. New task: digits 5-9, "
            f"{cfg['take']} training images (80% trained on, 20% validation). New-task accuracies: mean (min-max) "
            f"over {seeds} shuffle seed(s).\n\n" + study.table(headers, rows))
    print("\n" + text)
    if not args.quick:
        print("\nwrote " + study.rel(study.write_report("transfer", sys.argv[1:], text)))


if __name__ == "__main__":
    main()
