"""Helpers the study drivers share: run bin/tfrun and the exporter, time
them, print the commands (so that each result can be reproduced by hand),
and format tables. Standard library only; the drivers run with any Python 3.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TFRUN = os.path.join(ROOT, "bin", "tfrun")
VENV_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
EXPORT = os.path.join(ROOT, "scripts", "export.py")


def rel(path: str) -> str:
    """A path relative to the repository root when it lies inside it."""
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def run(args: list[str], capture: bool = False) -> str:
    """Runs a command from the repository root, printing it first."""
    shown = [rel(a) if os.path.isabs(a) else a for a in args]
    print("+ " + " ".join(shlex.quote(a) for a in shown), flush=True)
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    res = subprocess.run(args, cwd=ROOT, env=env, text=True,
                         stdout=subprocess.PIPE if capture else None)
    if res.returncode != 0:
        sys.exit(f"command failed with exit code {res.returncode}: {' '.join(shown)}")
    return res.stdout if capture else ""


def tfrun(*args: str, as_json: bool = False):
    out = run([TFRUN, *args], capture=as_json)
    return json.loads(out) if as_json else None


def export(model_file: str, out_dir: str, seed: int = 1) -> None:
    run([VENV_PYTHON, EXPORT, "--model", f"{model_file}:build", "--out", out_dir, "--seed", str(seed), "--force"])


def python(script: str, *args: str) -> None:
    run([VENV_PYTHON, script, *args])


def check_built() -> None:
    if not os.access(TFRUN, os.X_OK):
        sys.exit(f"{rel(TFRUN)} is missing: run make build (or make setup) first")


class Clock:
    """Wall-clock seconds of a block, for the record."""

    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.start


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table."""
    def cell(v):
        if isinstance(v, float):
            return f"{v:.4f}"
        return "" if v is None else str(v)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def write_json(path: str, obj) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path: str):
    with open(path) as f:
        return json.load(f)
