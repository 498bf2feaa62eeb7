#!/usr/bin/env python3
"""Benchmark tfrun against Keras, side by side in one run, on this machine.

What is measured (the MNIST quickstart model, testdata/models/mnist_mlp):

  training    Keras model.fit of the same model (mnist_mlp.py:build(), seed 42,
              the weights the shipped SavedModel was exported with), same data
              (MNIST's IDX files, x/255.0 as float32), batch size and epochs,
              against `tfrun train` on the exported graph. Per epoch time
              (the first epoch, which holds Keras' tracing and TensorFlow's
              first-run graph optimisation, apart from the later "steady"
              epochs), time per step, samples/s, wall time from process start
              to the trained model saved, peak RSS, final train loss/accuracy
              and test accuracy (Keras evaluate / `tfrun evaluate`); beside
              them the median step of Model.TrainStep alone on one batch
              (BenchmarkTrainStep in savedmodel/step_bench_test.go), which
              shows what tfrun's Fit loop adds to the session run.
  inference   per-call latency, batch 1 and 32, each from a host array to a
              host array: Keras model.predict, Keras model(x, training=False),
              the SavedModel's serving_default signature called from Python
              (tf.saved_model.load), and the Go API (savedmodel.Model.Call,
              BenchmarkCallLatency in savedmodel/latency_bench_test.go).
  cold start  process start -> first prediction written: `tfrun predict` on
              a one-image .npy, against a Python process that imports
              tensorflow, loads the SavedModel and calls its signature, and
              one that imports keras, loads the model (.keras) and predicts.
  callbacks   the Go benchmark of per-epoch callback overhead under
              savedmodel/... (BenchmarkFitCallbacks or BenchmarkFitEpoch), when
              the tree has it (skipped with a note otherwise); each
              sub-benchmark's difference from its "=none" sibling is shown.

Method. The machine may be shared and noisy, so every comparison runs in
alternation (Keras, tfrun, Keras, tfrun, ...; cold starts rotate their three
commands each round) and is repeated; tables show the median with the spread
(min-max) over the repeats and say how many there were. Ratios are ratios of
medians. Nothing here is a pass/fail threshold: the script measures and
reports.

TensorFlow's thread pools are its defaults on both sides; --intra-op-threads
and --inter-op-threads set them for every measurement on both sides (the tfrun
flags of the same names, tf.config.threading in Python, and the
TFRUN_BENCH_*_OP_THREADS variables the Go benchmarks read).

Every measured command runs in a process of its own. Its peak RSS is the
ru_maxrss that os.wait4() returns for exactly that child (the kernel's
high-water mark of its resident set, with any children it waited for).
getrusage(RUSAGE_CHILDREN) would be wrong here: its ru_maxrss is the maximum
over all children ever waited for, so per-process deltas cannot be taken. The
time to the first prediction is the output file's modification time minus
the moment the process was started (file times come from the kernel's coarse
clock: a few milliseconds of resolution); the page cache is warm (one
unrecorded run of each command first). Inference latency is the median over
many calls inside one process (after warm-up calls), taken again in each
round; the table shows the median of the rounds' medians.

Usage (with the project venv; `make bench` runs the second line):
  .venv/bin/python scripts/bench.py                 # full run, ~10 minutes
  .venv/bin/python scripts/bench.py --out out       # also out/bench.json, out/bench.md
  .venv/bin/python scripts/bench.py --quick         # ~2-minute smoke run
  .venv/bin/python scripts/bench.py --skip-train --cold-rounds 10

It builds bin/tfrun (go build, as `make build`) and a test binary of
savedmodel/ first, so the numbers are those of the working tree.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODEL = os.path.join(ROOT, "testdata", "models", "mnist_mlp")
WORKER = os.path.join(HERE, "bench_keras.py")
# The per-epoch callback overhead benchmark of savedmodel/... (either name).
CALLBACKS_BENCH = "Benchmark(FitCallbacks|FitEpoch)"
CALLBACKS_LABEL = "BenchmarkFitCallbacks / BenchmarkFitEpoch"
MIB = 1024.0


class BenchError(Exception):
    """A measured command failed; the message says which and why."""


# ---------------------------------------------------------------- processes

@dataclass
class Proc:
    cmd: list
    rc: int
    spawn: float  # time.time() just before the process was started
    wall: float  # seconds from start to exit
    max_rss_kib: int  # the child's own ru_maxrss (KiB on Linux)
    stdout: str
    stderr: str


def run_measured(cmd, env, cwd=ROOT, timeout=900.0, what=None) -> Proc:
    """Runs cmd in its own process and returns its wall time and peak RSS.

    The child is reaped with os.wait4, whose rusage is that child's alone.
    Output goes to temporary files (no pipes to drain while waiting).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        spawn = time.time()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        killed = []
        timer = threading.Timer(timeout, lambda: (killed.append(True), p.kill()))
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc = Proc(list(cmd), p.returncode, spawn, wall, usage.ru_maxrss, out.read(), err.read())
    if killed or proc.rc != 0:
        why = f"timed out after {timeout:.0f}s" if killed else f"exit status {proc.rc}"
        tail = "\n".join((proc.stderr.strip() or proc.stdout.strip()).splitlines()[-15:])
        raise BenchError(f"{what or cmd[0]}: {why}\n  command: {' '.join(map(str, cmd))}\n{tail}")
    return proc


def worker_result(proc: Proc) -> dict:
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    raise BenchError(f"{' '.join(proc.cmd[:3])}: no BENCH_RESULT line in its output")


def check_output(cmd, env, cwd=ROOT, timeout=600.0) -> str:
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True, text=True,
                              timeout=timeout).stdout
    except subprocess.CalledProcessError as e:
        raise BenchError(f"{' '.join(cmd)}: exit status {e.returncode}\n{e.stderr.strip()[-2000:]}") from None
    except subprocess.TimeoutExpired:
        raise BenchError(f"{' '.join(cmd)}: timed out after {timeout:.0f}s") from None


# ---------------------------------------------------------------- statistics

def summary(values) -> dict | None:
    vals = [float(v) for v in values if v is not None]
    if not vals:
        return None
    return {"n": len(vals), "median": statistics.median(vals), "min": min(vals), "max": max(vals)}


def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or not b["median"]:
        return None
    return a["median"] / b["median"]


def fmt_num(v: float, digits: int = 3) -> str:
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - mag)
    return f"{v:,.{decimals}f}"


def fmt_stat(s: dict | None, digits: int = 3) -> str:
    if not s:
        return "–"
    if s["n"] == 1 or s["min"] == s["max"]:
        return fmt_num(s["median"], digits)
    return f"{fmt_num(s['median'], digits)} ({fmt_num(s['min'], digits)}–{fmt_num(s['max'], digits)})"


def fmt_duration(ns: dict | None) -> str:
    """A summary of nanoseconds in the unit that suits its median."""
    if not ns:
        return "–"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3), ("ns", 1.0)):
        if abs(ns["median"]) >= scale or unit == "ns":
            return fmt_stat({k: (v / scale if k != "n" else v) for k, v in ns.items()}) + " " + unit


def fmt_ratio(r: float | None) -> str:
    return "–" if r is None else f"{fmt_num(r, 3)}×"


# ---------------------------------------------------------------- tables

@dataclass
class Table:
    title: str
    header: list
    rows: list
    notes: list


def render_text(t: Table) -> str:
    if not t.rows:
        return "\n".join([t.title] + [f"  {n}" for n in t.notes])
    widths = [max(len(str(r[i])) for r in [t.header] + t.rows) for i in range(len(t.header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    out = [t.title, line(t.header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in t.rows]
    out += [f"  {n}" for n in t.notes]
    return "\n".join(out)


def render_md(t: Table) -> str:
    if not t.rows:
        return "\n\n".join([f"**{t.title}**"] + t.notes)
    out = [f"**{t.title}**", "", "| " + " | ".join(t.header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(t.header) - 1)) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in t.rows]
    if t.notes:
        out += [""] + [f"{n}  " if i < len(t.notes) - 1 else n for i, n in enumerate(t.notes)]
    return "\n".join(out)


# ---------------------------------------------------------------- the benchmark

class Bench:
    def __init__(self, args):
        self.a = args
        self.tmp = tempfile.mkdtemp(prefix="tfrun-bench-")
        self.env = self._env()
        self.python = args.python
        self.tfrun = args.tfrun or os.path.join(ROOT, "bin", "tfrun")
        self.data_root = args.data
        self.results = {"options": {k: v for k, v in vars(args).items()}, "errors": []}

    def _env(self) -> dict:
        env = dict(os.environ)
        prefix = env.get("TF_PREFIX") or os.path.join(ROOT, ".deps", "libtensorflow")
        env.setdefault("CGO_ENABLED", "1")
        env.setdefault("CGO_CFLAGS", f"-I{prefix}/include")
        env.setdefault("CGO_LDFLAGS", f"-L{prefix}/lib -Wl,-rpath,{prefix}/lib")
        lib = env.get("LD_LIBRARY_PATH")
        if f"{prefix}/lib" not in (lib or "").split(":"):
            env["LD_LIBRARY_PATH"] = f"{prefix}/lib" + (f":{lib}" if lib else "")
        env["TF_CPP_MIN_LOG_LEVEL"] = "2"  # the same quiet logging on both sides
        env["TFRUN_DATA"] = self.a.data
        # The same thread pools on both sides (0: TensorFlow's default).
        env["TFRUN_BENCH_INTRA_OP_THREADS"] = str(self.a.intra_op_threads)
        env["TFRUN_BENCH_INTER_OP_THREADS"] = str(self.a.inter_op_threads)
        return env

    def py(self, *args) -> list:
        """A bench_keras.py job with this run's thread settings."""
        return [self.python, WORKER, args[0], "--intra-op-threads", str(self.a.intra_op_threads),
                "--inter-op-threads", str(self.a.inter_op_threads), *map(str, args[1:])]

    def tf(self, *args) -> list:
        """A tfrun command with this run's thread settings."""
        return [self.tfrun, *map(str, args), "--intra-op-threads", str(self.a.intra_op_threads),
                "--inter-op-threads", str(self.a.inter_op_threads)]

    def log(self, msg: str) -> None:
        if not self.a.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def phase(self, name: str, fn) -> None:
        t0 = time.perf_counter()
        try:
            fn()
        except BenchError as e:
            self.log(f"{name} FAILED: {e}")
            self.results["errors"].append({"phase": name, "error": str(e)})
        self.results.setdefault("phase_seconds", {})[name] = round(time.perf_counter() - t0, 1)

    # ---- setup

    def setup(self) -> None:
        self.log("building bin/tfrun and the savedmodel test binary")
        if not self.a.tfrun:
            os.makedirs(os.path.dirname(self.tfrun), exist_ok=True)
            check_output(["go", "build", "-o", self.tfrun, "./cmd/tfrun"], self.env)
        self.test_bin = os.path.join(self.tmp, "savedmodel.test")
        if not (self.a.skip_infer and self.a.skip_train):
            check_output(["go", "test", "-c", "-o", self.test_bin, "./savedmodel"], self.env)
        import numpy as np

        images = os.path.join(self.data_root, "mnist", "t10k-images-idx3-ubyte")
        if not os.path.exists(images):
            raise BenchError(f"MNIST is missing from {self.data_root}/mnist: run scripts/fetch-data.sh (make data)")
        with open(images, "rb") as f:
            raw = f.read(16 + 28 * 28)
        self.one_npy = os.path.join(self.tmp, "one.npy")
        np.save(self.one_npy, (np.frombuffer(raw[16:], np.uint8).reshape(1, 28, 28) / 255.0).astype(np.float32))
        self.keras_model = os.path.join(self.tmp, "mnist_mlp.keras")
        self.log("saving the Keras model (seed 42) and checking it against the SavedModel")
        prep = worker_result(run_measured(
            self.py("prepare", "--keras-model", self.keras_model, "--savedmodel", MODEL,
             "--input", self.one_npy), self.env, what="prepare"))
        self.results["machine"] = self.machine(prep)

    def machine(self, prep: dict) -> dict:
        cpu = "unknown"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        mem = None
        try:
            with open("/proc/meminfo") as f:
                mem = round(int(f.readline().split()[1]) / MIB / MIB, 1)
        except (OSError, ValueError, IndexError):
            pass
        go = check_output(["go", "env", "GOVERSION"], self.env).strip()
        version = check_output([self.tfrun, "version"], self.env).splitlines()
        try:
            commit = check_output(["git", "rev-parse", "--short", "HEAD"], self.env).strip()
            if check_output(["git", "status", "--porcelain", "--untracked-files=no"], self.env).strip():
                commit += "+changes"
        except (BenchError, FileNotFoundError):
            commit = "unknown"
        return {
            "cpu": cpu, "logical_cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "memory_gib": mem, "kernel": platform.release(), "date": datetime.datetime.now(
                datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "tensorflow": prep["tensorflow"], "keras": prep["keras"], "numpy": prep["numpy"],
            "python": prep["python"], "go": go, "tfrun": version[0] if version else "", "commit": commit,
            "load_average_start": list(os.getloadavg()),
            "keras_vs_savedmodel_max_abs_diff": prep["keras_vs_savedmodel_max_abs_diff"],
        }

    # ---- training

    def train(self) -> None:
        a = self.a
        runs = {"keras": [], "tfrun": []}
        self.results["train"] = {"epochs": a.epochs, "batch_size": a.batch_size, "repeats": a.repeats, "runs": runs}
        for r in range(a.repeats):
            self.log(f"training {r + 1}/{a.repeats}: Keras model.fit, {a.epochs} epoch(s)")
            save = os.path.join(self.tmp, f"keras_{r}.keras")
            p = run_measured(self.py("train", "--data", os.path.join(self.data_root, "mnist"),
                                     "--epochs", a.epochs, "--batch-size", a.batch_size, "--save", save),
                             self.env, timeout=120 + 300 * a.epochs, what="keras train")
            k = worker_result(p)
            runs["keras"].append({
                "epoch_seconds": k["epoch_seconds"], "samples": k["samples"], "jit_compile": k["jit_compile"],
                "total_seconds": k["wall"]["saved"] - p.spawn, "process_seconds": p.wall,
                "fit_seconds": sum(k["epoch_seconds"]),
                "fit_call_seconds": k["wall"]["fit_end"] - k["wall"]["fit"],
                "startup_seconds": k["wall"]["fit"] - p.spawn,
                "max_rss_kib": p.max_rss_kib, "max_rss_kib_at_saved": k["max_rss_kib_at_saved"],
                "loss": k["final"].get("loss"), "accuracy": k["final"].get("accuracy"),
                "test_loss": k["test"].get("loss"), "test_accuracy": k["test"].get("accuracy"),
            })
            os.remove(save)

            self.log(f"training {r + 1}/{a.repeats}: tfrun train, {a.epochs} epoch(s)")
            out = os.path.join(self.tmp, f"tfrun_{r}")
            p = run_measured(self.tf("train", MODEL, "--data", "mnist", "--epochs", a.epochs,
                                     "--batch-size", a.batch_size, "--out", out, "--verbose", "0", "--json"),
                             self.env, timeout=120 + 300 * a.epochs, what="tfrun train")
            epochs = [json.loads(line) for line in p.stderr.splitlines()
                      if line.startswith("{") and '"seconds"' in line]
            final = json.loads(p.stdout.strip().splitlines()[-1])["final"]
            ev = run_measured(self.tf("evaluate", out, "--data", "mnist", "--split", "test",
                                      "--batch-size", a.batch_size, "--json"), self.env, what="tfrun evaluate")
            test = json.loads(ev.stdout.strip().splitlines()[-1])["metrics"]
            self.log(f"training {r + 1}/{a.repeats}: Go BenchmarkTrainStep ({a.step_calls} steps)")
            gb = run_measured([self.test_bin, "-test.run", "^$", "-test.bench", "^BenchmarkTrainStep$",
                               "-test.benchtime", f"{a.step_calls}x"], self.env,
                              cwd=os.path.join(ROOT, "savedmodel"), what="go train step benchmark")
            step = [b["metrics"].get("p50-us/step") for b in parse_go_bench(gb.stdout)]
            runs["tfrun"].append({
                "epoch_seconds": [e["seconds"] for e in epochs], "samples": k["samples"],
                "total_seconds": p.wall, "process_seconds": p.wall,
                "fit_seconds": sum(e["seconds"] for e in epochs),
                "max_rss_kib": p.max_rss_kib, "loss": final.get("loss"), "accuracy": final.get("accuracy"),
                "test_loss": test.get("loss"), "test_accuracy": test.get("accuracy"),
                "evaluate_process_seconds": ev.wall, "evaluate_max_rss_kib": ev.max_rss_kib,
                "train_step_alone_p50_us": step[0] if step else None,
            })
            shutil.rmtree(out, ignore_errors=True)
        self.results["train"]["summary"] = self.train_summary(runs)

    def train_summary(self, runs) -> dict:
        steps = math.ceil(runs["keras"][0]["samples"] / self.a.batch_size)
        out = {"steps_per_epoch": steps}
        for side, rs in runs.items():
            first = [r["epoch_seconds"][0] for r in rs]
            steady = [s for r in rs for s in r["epoch_seconds"][1:]]
            n = rs[0]["samples"]
            out[side] = {
                "first_epoch_s": summary(first),
                "steady_epoch_s": summary(steady),
                "step_ms": summary([s / steps * 1e3 for s in steady]),
                "samples_per_s": summary([n / s for s in steady]),
                "fit_s": summary(r["fit_seconds"] for r in rs),
                "total_s": summary(r["total_seconds"] for r in rs),
                "peak_rss_mib": summary(r["max_rss_kib"] / MIB for r in rs),
                "loss": summary(r["loss"] for r in rs),
                "accuracy": summary(r["accuracy"] for r in rs),
                "test_accuracy": summary(r["test_accuracy"] for r in rs),
            }
        out["tfrun"]["train_step_alone_ms"] = summary(
            r["train_step_alone_p50_us"] / 1e3 for r in runs["tfrun"] if r.get("train_step_alone_p50_us"))
        return out

    # ---- inference

    def infer(self) -> None:
        a = self.a
        rounds = {"python": [], "go": []}
        self.results["infer"] = {"rounds": rounds, "go_calls": a.go_calls, "python_budget_s": a.py_budget}
        for r in range(a.infer_rounds):
            self.log(f"inference {r + 1}/{a.infer_rounds}: Python (Keras predict, model(x), signature)")
            p = run_measured(self.py("infer", "--keras-model", self.keras_model, "--savedmodel", MODEL,
                                     "--batches", "1,32", "--budget", a.py_budget, "--max-calls", a.go_calls),
                             self.env, what="python inference")
            rounds["python"].append(worker_result(p)["results"])
            self.log(f"inference {r + 1}/{a.infer_rounds}: Go (BenchmarkCallLatency)")
            p = run_measured([self.test_bin, "-test.run", "^$", "-test.bench", "^BenchmarkCallLatency$",
                              "-test.benchtime", f"{a.go_calls}x"], self.env,
                             cwd=os.path.join(ROOT, "savedmodel"), what="go inference benchmark")
            rounds["go"].append({b["name"].removeprefix("BenchmarkCallLatency/"): {
                "calls": b["n"], "p50_us": b["metrics"].get("p50-us/call"),
                "p90_us": b["metrics"].get("p90-us/call"), "mean_us": b["metrics"]["ns/op"] / 1e3}
                for b in parse_go_bench(p.stdout)})
        out = {}
        for n in (1, 32):
            key = f"batch={n}"
            go = summary(rd.get(key, {}).get("p50_us") for rd in rounds["go"])
            row = {"go_call": go}
            for v in ("keras_predict", "keras_call", "tf_signature"):
                row[v] = summary(rd[f"{v}/{key}"]["p50_us"] for rd in rounds["python"])
            row["calls_per_round"] = {
                "go_call": rounds["go"][0].get(key, {}).get("calls"),
                **{v: summary(rd[f"{v}/{key}"]["calls"] for rd in rounds["python"])["median"]
                   for v in ("keras_predict", "keras_call", "tf_signature")}}
            out[key] = row
        self.results["infer"]["summary"] = out

    # ---- cold start

    def cold(self) -> None:
        a = self.a
        cmds = {
            "tfrun": lambda o: self.tf("predict", MODEL, "--input", self.one_npy, "--output", o),
            "python_tf": lambda o: self.py("cold-tf", "--savedmodel", MODEL, "--input", self.one_npy, "--output", o),
            "python_keras": lambda o: self.py("cold-keras", "--keras-model", self.keras_model,
                                              "--input", self.one_npy, "--output", o),
        }
        names = list(cmds)
        runs = {k: [] for k in names}
        self.results["cold"] = {"rounds": a.cold_rounds, "runs": runs}
        self.log("cold start: one unrecorded run of each (page cache)")
        outputs = {}
        for name in names:
            o = os.path.join(self.tmp, f"cold_{name}.json")
            run_measured(cmds[name](o), self.env, what=f"cold start {name}")
            with open(o) as f:
                outputs[name] = json.load(f)["outputs"]["output_0"]
        for r in range(a.cold_rounds):
            self.log(f"cold start {r + 1}/{a.cold_rounds}")
            for name in names[r % len(names):] + names[:r % len(names)]:
                o = os.path.join(self.tmp, f"cold_{name}_{r}.json")
                p = run_measured(cmds[name](o), self.env, what=f"cold start {name}")
                runs[name].append({"to_prediction_s": os.stat(o).st_mtime_ns / 1e9 - p.spawn,
                                   "to_exit_s": p.wall, "max_rss_kib": p.max_rss_kib})
                os.remove(o)
        diff = max(abs(x - y) for name in names[1:]
                   for x, y in zip(flat(outputs["tfrun"]), flat(outputs[name])))
        self.results["cold"]["max_abs_diff_vs_tfrun"] = diff
        self.results["cold"]["summary"] = {name: {
            "to_prediction_s": summary(x["to_prediction_s"] for x in rs),
            "to_exit_s": summary(x["to_exit_s"] for x in rs),
            "peak_rss_mib": summary(x["max_rss_kib"] / MIB for x in rs)} for name, rs in runs.items()}

    # ---- Go callback benchmark

    def callbacks(self) -> None:
        res = {"benchmark": CALLBACKS_BENCH}
        self.results["callbacks"] = res
        listed = check_output(["go", "test", "-list", f"^{CALLBACKS_BENCH}$", "./savedmodel/..."], self.env)
        pkgs, names = [], []
        for line in listed.splitlines():
            if re.match(CALLBACKS_BENCH + "$", line.strip()):
                names.append(line.strip())
            elif line.startswith("ok") and names:
                pkgs.append(line.split()[1])
                res.setdefault("found", {})[line.split()[1]] = names
                names = []
            elif line.startswith("ok"):
                names = []
        if not pkgs:
            res["note"] = f"no {CALLBACKS_LABEL} benchmark in ./savedmodel/... (skipped)"
            self.log(res["note"])
            return
        results = []
        for pkg in pkgs:
            self.log(f"Go benchmark {', '.join(res['found'][pkg])} in {pkg} ({self.a.callbacks_count} counts)")
            p = run_measured(["go", "test", "-run", "^$", "-bench", f"^{CALLBACKS_BENCH}$",
                              "-benchtime", self.a.callbacks_benchtime, "-count", str(self.a.callbacks_count),
                              "-timeout", "15m", pkg], self.env, timeout=self.a.callbacks_timeout,
                             what=f"go test -bench {CALLBACKS_LABEL}")
            results += [dict(b, package=pkg) for b in parse_go_bench(p.stdout)]
        by_name = {}
        for b in results:
            by_name.setdefault(b["name"], []).append(b)
        res["summary"] = {name: {unit: summary(b["metrics"].get(unit) for b in bs)
                                 for unit in bs[0]["metrics"]} for name, bs in by_name.items()}
        # Overhead: each sub-benchmark's median minus its "=none" sibling's.
        res["overhead_ns"] = {}
        for name, units in res["summary"].items():
            parent, _, sub = name.rpartition("/")
            base = res["summary"].get(f"{parent}/{sub.split('=')[0]}=none") if "=" in sub else None
            if base and base is not units and units.get("ns/op") and base.get("ns/op"):
                res["overhead_ns"][name] = units["ns/op"]["median"] - base["ns/op"]["median"]
        res["runs"] = results

    # ---- report

    def tables(self) -> list:
        R, out = self.results, []
        m = R.get("machine")
        ratio_note = ("tfrun ×: how many times better tfrun is — the other side's time or memory ÷ tfrun's "
                      "(tfrun's samples/s ÷ the other's); below 1 means tfrun is slower or larger.")
        tr = R.get("train", {}).get("summary")
        if tr:
            a = self.a
            k, t = tr["keras"], tr["tfrun"]
            rep = a.repeats
            steady_n = rep * (a.epochs - 1)
            rows = [
                [f"first epoch, s (n={rep})", fmt_stat(k["first_epoch_s"]), fmt_stat(t["first_epoch_s"]),
                 fmt_ratio(ratio(k["first_epoch_s"], t["first_epoch_s"]))],
            ]
            if steady_n:
                rows += [
                    [f"later epochs, s (n={steady_n})", fmt_stat(k["steady_epoch_s"]), fmt_stat(t["steady_epoch_s"]),
                     fmt_ratio(ratio(k["steady_epoch_s"], t["steady_epoch_s"]))],
                    ["later epochs: per step, ms", fmt_stat(k["step_ms"]), fmt_stat(t["step_ms"]),
                     fmt_ratio(ratio(k["step_ms"], t["step_ms"]))],
                    ["later epochs: samples/s", fmt_stat(k["samples_per_s"]), fmt_stat(t["samples_per_s"]),
                     fmt_ratio(ratio(t["samples_per_s"], k["samples_per_s"]))],
                ]
            rows += [
                ["Model.TrainStep alone (Go benchmark), ms", "", fmt_stat(t["train_step_alone_ms"]), ""],
                [f"sum of the {a.epochs} epoch(s), s", fmt_stat(k["fit_s"]), fmt_stat(t["fit_s"]),
                 fmt_ratio(ratio(k["fit_s"], t["fit_s"]))],
                ["process start → model saved, s", fmt_stat(k["total_s"]), fmt_stat(t["total_s"]),
                 fmt_ratio(ratio(k["total_s"], t["total_s"]))],
                ["peak RSS, MiB", fmt_stat(k["peak_rss_mib"]), fmt_stat(t["peak_rss_mib"]),
                 fmt_ratio(ratio(k["peak_rss_mib"], t["peak_rss_mib"]))],
                ["final train loss", fmt_stat(k["loss"], 4), fmt_stat(t["loss"], 4), ""],
                ["final train accuracy", fmt_stat(k["accuracy"], 4), fmt_stat(t["accuracy"], 4), ""],
                ["test accuracy", fmt_stat(k["test_accuracy"], 4), fmt_stat(t["test_accuracy"], 4), ""],
            ]
            out.append(Table(
                f"Training: mnist_mlp on MNIST (60,000 samples), batch {a.batch_size} ({tr['steps_per_epoch']} "
                f"steps/epoch), {a.epochs} epoch(s), {rep} repeat(s) alternating Keras, tfrun",
                ["", "Keras model.fit", "tfrun train", "tfrun ×"], rows,
                ["median (min–max) over repeats; later epochs pooled over repeats. The first epoch holds "
                 "Keras' tracing and TensorFlow's first-run graph optimisation. Epoch times come from epoch "
                 "callbacks on both sides (Keras' fit() call as a whole, with its set-up, is in bench.json).",
                 "Model.TrainStep alone: median step of BenchmarkTrainStep (one batch of 32 held in tensors, "
                 f"{a.step_calls} steps after each tfrun run), i.e. the session run without Fit's data pipeline.",
                 "Peak RSS of the whole process; the Keras process also evaluates on the test set "
                 "afterwards (its peak before that is in bench.json), tfrun evaluate is a process of its own.",
                 ratio_note]))
        inf = R.get("infer", {}).get("summary")
        if inf:
            names = [("keras_predict", "Keras model.predict"), ("keras_call", "Keras model(x, training=False)"),
                     ("tf_signature", "Python signature call (tf.saved_model.load)"),
                     ("go_call", "tfrun Go API (Model.Call)")]
            rows = []
            for key, label in names:
                row = [label]
                for b in ("batch=1", "batch=32"):
                    row += [fmt_stat(inf[b][key]), fmt_ratio(ratio(inf[b][key], inf[b]["go_call"]))]
                rows.append(row)
            calls = inf["batch=1"]["calls_per_round"]
            out.append(Table(
                f"Inference: µs per call, {self.a.infer_rounds} round(s) alternating Python, Go",
                ["", "batch 1", "÷ Go", "batch 32", "÷ Go"], rows,
                ["median of the rounds' per-call medians (min–max over rounds); each from a host array to a host "
                 "array, after warm-up calls.",
                 "calls per round (batch 1): " + ", ".join(f"{lbl.split(' (')[0]} {int(calls[k])}"
                                                          for k, lbl in names if calls.get(k)) +
                 f"; Python timed {self.a.py_budget:g} s per case (20 calls at least).",
                 "÷ Go: time per call ÷ the Go API's; above 1 means slower than Go."]))
        cold = R.get("cold", {}).get("summary")
        if cold:
            labels = {"tfrun": "tfrun predict (Go binary)",
                      "python_tf": "Python: import tensorflow, saved_model.load, signature call",
                      "python_keras": "Python: import keras, load_model(.keras), predict"}
            t = cold["tfrun"]
            rows = [[labels[k], fmt_stat(v["to_prediction_s"]), fmt_ratio(ratio(v["to_prediction_s"],
                                                                            t["to_prediction_s"])),
                     fmt_stat(v["to_exit_s"]), fmt_stat(v["peak_rss_mib"]),
                     fmt_ratio(ratio(v["peak_rss_mib"], t["peak_rss_mib"]))] for k, v in cold.items()]
            out.append(Table(
                f"Cold start: process start → first prediction written (one 28×28 image), "
                f"{self.a.cold_rounds} round(s), order rotated",
                ["", "to prediction, s", "÷ tfrun", "to exit, s", "peak RSS, MiB", "÷ tfrun"], rows,
                ["median (min–max); page cache warm; time to prediction from the output file's mtime "
                 "(ms resolution).",
                 f"largest difference between the predictions: {R['cold']['max_abs_diff_vs_tfrun']:.1e}."]))
        cb = R.get("callbacks")
        if cb is not None:
            if cb.get("summary"):
                rows = []
                for name, units in cb["summary"].items():
                    extra = ", ".join(f"{fmt_stat(s)} {u}" for u, s in units.items()
                                      if u not in ("ns/op", "B/op") and s)
                    over = cb.get("overhead_ns", {}).get(name)
                    rows.append([name, fmt_duration(units.get("ns/op")),
                                 "" if over is None else fmt_duration({"n": 1, "median": over, "min": over, "max": over}),
                                 extra or "–"])
                out.append(Table(f"Go: callback overhead, {CALLBACKS_LABEL} (go test -bench, "
                                 f"-count {self.a.callbacks_count})",
                                 ["benchmark", "time/op", "− none", "other metrics"], rows,
                                 ["median (min–max) over counts; ns/op is Go's mean per op within a count; "
                                  "− none: median minus the median of the =none sub-benchmark (the overhead)."]))
            elif cb.get("note"):
                out.append(Table(f"Go: callback overhead ({CALLBACKS_LABEL})", [], [], [cb["note"]]))
        return out

    def machine_line(self) -> str:
        m = self.results.get("machine")
        if not m:
            return ""
        load = m.get("load_average_start")
        end = self.results.get("load_average_end")
        return (f"Machine: {m['cpu']}, {m['usable_cores']} usable cores ({m['logical_cores']} logical), "
                f"{m['memory_gib']} GiB; Linux {m['kernel']}; TensorFlow {m['tensorflow']}, Keras {m['keras']}, "
                f"Python {m['python']}, NumPy {m['numpy']}, {m['go']}; {m['tfrun']} at {m['commit']}; "
                f"{m['date']}; TensorFlow threads: {self.threads()}; load average {load[0]:.2f} at start"
                + (f", {end[0]:.2f} at end." if end else "."))

    def threads(self) -> str:
        a = self.a
        if not a.intra_op_threads and not a.inter_op_threads:
            return "defaults on both sides"
        return f"intra-op {a.intra_op_threads or 'default'}, inter-op {a.inter_op_threads or 'default'} on both sides"

    def report(self) -> tuple[str, str]:
        tables = self.tables()
        cmd = ".venv/bin/python scripts/bench.py " + " ".join(self.a.argv)
        text = "\n\n".join([self.machine_line()] + [render_text(t) for t in tables])
        md = "\n\n".join([f"### Benchmark: tfrun vs Keras\n\n{self.machine_line()}  \nCommand: `{cmd.strip()}`"]
                         + [render_md(t) for t in tables])
        if self.results["errors"]:
            errs = "\n".join(f"- {e['phase']}: {e['error'].splitlines()[0]}" for e in self.results["errors"])
            text += "\n\nFAILED:\n" + errs
            md += "\n\n**Failed:**\n\n" + errs
        return text, md + "\n"


def flat(v):
    if isinstance(v, list):
        for x in v:
            yield from flat(x)
    else:
        yield v


_BENCH_LINE = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$")


def parse_go_bench(text: str) -> list:
    """The result lines of `go test -bench` output: name (without the
    -GOMAXPROCS suffix), iterations and every "value unit" metric."""
    out = []
    for line in text.splitlines():
        m = _BENCH_LINE.match(line.strip())
        if not m:
            continue
        fields = m.group(3).split()
        metrics = {}
        for i in range(0, len(fields) - 1, 2):
            try:
                metrics[fields[i + 1]] = float(fields[i])
            except ValueError:
                break
        if "ns/op" in metrics:
            out.append({"name": m.group(1), "n": int(m.group(2)), "metrics": metrics})
    return out


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Benchmark tfrun against Keras side by side (training, inference, cold start, memory).",
        epilog="See the module docstring for the method.")
    p.add_argument("--out", help="directory to write bench.json and bench.md to")
    p.add_argument("--quick", action="store_true", help="a ~2-minute smoke run (2 epochs, 1 repeat, fewer calls)")
    p.add_argument("--epochs", type=int, help="training epochs per run (default 5; --quick 2)")
    p.add_argument("--batch-size", type=int, default=32, help="training batch size (default 32)")
    p.add_argument("--repeats", type=int, help="training runs per side, alternating (default 3; --quick 1)")
    p.add_argument("--infer-rounds", type=int, help="inference rounds per side, alternating (default 5; --quick 2)")
    p.add_argument("--go-calls", type=int, help="Go calls per inference round, also the Python cap (default 2000)")
    p.add_argument("--py-budget", type=float, help="seconds of timed Python calls per case and round (default 2)")
    p.add_argument("--cold-rounds", type=int, help="cold-start rounds (default 5; --quick 2)")
    p.add_argument("--step-calls", type=int, help="BenchmarkTrainStep steps after each tfrun train (default 1000)")
    p.add_argument("--intra-op-threads", type=int, default=0,
                   help="TensorFlow intra-op threads for every measurement, both sides (default 0: TF's default)")
    p.add_argument("--inter-op-threads", type=int, default=0,
                   help="TensorFlow inter-op threads for every measurement, both sides (default 0: TF's default)")
    p.add_argument("--callbacks-count", type=int, default=5, help="-count for the callback benchmark run")
    p.add_argument("--callbacks-benchtime", default="1s", help="-benchtime for the callback benchmark run")
    p.add_argument("--callbacks-timeout", type=float, default=600, help="seconds before that run is stopped")
    for phase in ("train", "infer", "cold", "callbacks"):
        p.add_argument(f"--skip-{phase}", action="store_true", help=f"skip the {phase} measurements")
    p.add_argument("--python", default=sys.executable, help="Python with TensorFlow and Keras (default: this one)")
    p.add_argument("--tfrun", help="an existing tfrun binary (default: build bin/tfrun from this tree)")
    p.add_argument("--data", default=os.environ.get("TFRUN_DATA") or os.path.join(ROOT, ".cache", "data"),
                   help="data cache holding mnist/ (default $TFRUN_DATA or .cache/data)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    a = p.parse_args(argv)
    quick = a.quick
    defaults = {"epochs": (5, 2), "repeats": (3, 1), "infer_rounds": (5, 2), "go_calls": (2000, 500),
                "py_budget": (2.0, 0.5), "cold_rounds": (5, 2), "step_calls": (1000, 300)}
    for k, (full, q) in defaults.items():
        if getattr(a, k) is None:
            setattr(a, k, q if quick else full)
    if quick:
        a.callbacks_count = min(a.callbacks_count, 2)
    for k in ("epochs", "repeats", "infer_rounds", "go_calls", "cold_rounds", "batch_size", "callbacks_count",
              "step_calls"):
        if getattr(a, k) < 1:
            p.error(f"--{k.replace('_', '-')} must be at least 1")
    if a.intra_op_threads < 0 or a.inter_op_threads < 0:
        p.error("--intra-op-threads and --inter-op-threads must be >= 0")
    if a.py_budget <= 0:
        p.error("--py-budget must be positive")
    a.argv = list(argv)
    return a


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    a = parse_args(argv)
    bench = Bench(a)
    t0 = time.perf_counter()
    try:
        try:
            bench.setup()
        except BenchError as e:
            print(f"bench: setup failed: {e}", file=sys.stderr)
            return 1
        for name in ("train", "infer", "cold", "callbacks"):
            if not getattr(a, f"skip_{name}"):
                bench.phase(name, getattr(bench, name))
        bench.results["load_average_end"] = list(os.getloadavg())
        bench.results["seconds"] = round(time.perf_counter() - t0, 1)
        text, md = bench.report()
        print(text)
        print(f"\n(total {bench.results['seconds']:.0f} s)")
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, "bench.json"), "w") as f:
                json.dump(bench.results, f, indent=1)
                f.write("\n")
            with open(os.path.join(a.out, "bench.md"), "w") as f:
                f.write(md)
            print(f"wrote {os.path.join(a.out, 'bench.json')} and {os.path.join(a.out, 'bench.md')}")
    finally:
        if a.keep:
            print(f"kept {bench.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(bench.tmp, ignore_errors=True)
    return 1 if bench.results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
