#!/usr/bin/env python3
"""Study 1, regression: the Auto MPG tutorial's four models, trained by tfrun.

  examples/regression/run.py [--quick] [--keras] [--seeds N] [--out DIR]

1. tfrun data writes the seeded 80/20 split (all 9 features, and Horsepower
   alone) to .npz files: the very arrays tfrun trains and evaluates on.
2. scripts/export.py exports the four models of models.py in one call.
3. tfrun train: --adapt-normalization (the statistics of the samples trained
   on, computed in Go and stored in the model's variables), 100 epochs,
   batch 32, --validation-split 0.2, MAE loss; tfrun evaluate: test MAE.
   Each model is trained with --seeds shuffle seeds (default 3): the test
   set has 78 cars, so one run says little; the table gives the mean and range.
4. With --keras, keras_baseline.py runs the same models (same initial
   weights: same seed, same build order) on the same .npz with Keras' fit.

Outputs under DIR (default out/studies/regression): the data, the exported
and trained models, their histories and curves, results.json and, with
--keras, keras.json. A full run also writes docs/studies/regression.md.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import study  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# model -> data file (the Horsepower models see one feature)
MODELS = {"linear_horsepower": "horsepower", "linear": "autompg", "dnn_horsepower": "horsepower", "dnn": "autompg"}
LABELS = {"linear_horsepower": "linear, Horsepower (Adam 0.1)", "linear": "linear, all features (Adam 0.1)",
          "dnn_horsepower": "DNN 64-64-1, Horsepower (Adam 0.001)", "dnn": "DNN 64-64-1, all features (Adam 0.001)"}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run: 5 epochs, one seed")
    p.add_argument("--keras", action="store_true", help="also run the Keras baseline on the same data")
    p.add_argument("--seeds", type=int, help="shuffle seeds per model (default 3, 1 with --quick)")
    p.add_argument("--out", default=os.path.join(study.ROOT, "out", "studies", "regression"))
    args = p.parse_args()
    study.check_built()
    epochs = 5 if args.quick else 100
    seeds = args.seeds or (1 if args.quick else 3)
    out = os.path.abspath(args.out)
    data, models, trained = (os.path.join(out, d) for d in ("data", "models", "trained"))
    os.makedirs(data, exist_ok=True)

    with study.Clock() as clock:
        study.tfrun("data", "autompg", "--out", os.path.join(data, "autompg.npz"))
        study.tfrun("data", "autompg:Horsepower", "--out", os.path.join(data, "horsepower.npz"))
        study.export(os.path.join(HERE, "models.py"), models)
        results = {}
        for name, d in MODELS.items():
            npz = os.path.join(data, d + ".npz")
            for seed in range(seeds):
                run = os.path.join(trained, f"{name}-{seed}")
                study.tfrun("train", os.path.join(models, name), "--data", npz, "--adapt-normalization",
                            "--validation-split", "0.2", "--epochs", str(epochs), "--batch-size", "32",
                            "--seed", str(seed), "--verbose", "0", "--out", run)
                ev = study.tfrun("evaluate", run, "--data", npz, "--split", "test", "--json", as_json=True)
                hist = study.read_json(run + ".history.json")["history"]
                results.setdefault(name, []).append({
                    "seed": seed, "test_mae": ev["metrics"]["loss"], "test_samples": ev["samples"],
                    "final_loss": hist["loss"][-1], "final_val_loss": hist["val_loss"][-1]})
    study.write_json(os.path.join(out, "results.json"),
                     {"epochs": epochs, "seeds": seeds, "seconds": clock.seconds, "models": results})
    print(f"tfrun: exported the models and ran {len(MODELS) * seeds} trainings in {clock.seconds:.0f} s")

    keras = None
    if args.keras:
        with study.Clock() as kclock:
            study.python(os.path.join(HERE, "keras_baseline.py"), "--data", data, "--epochs", str(epochs),
                         "--seeds", str(seeds), "--out", os.path.join(out, "keras.json"))
        keras = study.read_json(os.path.join(out, "keras.json"))
        print(f"keras: ran {len(MODELS) * seeds} trainings in {kclock.seconds:.0f} s")

    headers = ["model", "tfrun test MAE (MPG)"] + (["Keras test MAE (MPG)"] if keras else [])
    rows = []
    for name in MODELS:
        row = [LABELS[name], study.spread([r["test_mae"] for r in results[name]])]
        if keras:
            row.append(study.spread([r["test_mae"] for r in keras["models"][name]]))
        rows.append(row)
    text = (f"Auto MPG: {results['dnn'][0]['test_samples']} test cars; {epochs} epochs, batch 32, validation split 0.2; "
            f"mean (min-max) over {seeds} shuffle seed(s).\n\n" + study.table(headers, rows))
    print("\n" + text)
    if not args.quick:
        print("\nwrote " + study.rel(study.write_report("regression", sys.argv[1:], text)))


if __name__ == "__main__":
    main()
