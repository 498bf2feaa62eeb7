"""Helpers the study drivers share: run bin/tfrun and the exporter, time
them, print the commands (so that each result can be reproduced by hand),
and format tables. Standard library only; the drivers run with any Python 3.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The tfrun binary: $TFRUN_BIN (a path, or a name looked up in PATH) or bin/tfrun.
TFRUN = os.environ.get("TFRUN_BIN") or os.path.join(ROOT, "bin", "tfrun")
if os.sep not in TFRUN:
    TFRUN = shutil.which(TFRUN) or TFRUN
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
        sys.exit(f"{rel(TFRUN)} is missing: run make build (or make setup) first, or set TFRUN_BIN")


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


def spread(values: list[float]) -> str:
    """The mean of several runs and their range, or the one value."""
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{sum(values) / len(values):.4f} ({min(values):.4f}-{max(values):.4f})"


def write_report(study_name: str, argv: list[str], text: str) -> str:
    """Writes a full run's results as docs/studies/STUDY.md (the README quotes
    it): the table, the command that made it, the machine and versions."""
    import platform
    path = os.path.join(ROOT, "docs", "studies", study_name + ".md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    version = subprocess.run([TFRUN, "version"], capture_output=True, text=True).stdout.strip()
    cmd = " ".join(["python3", f"examples/{study_name}/run.py", *argv])
    body = (f"{text}\n\nMade by `{cmd}` on {time.strftime('%Y-%m-%d')}, {platform.machine()} with "
            f"{os.cpu_count()} CPU cores.\n\n```\n{version}\n```\n")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(body)
    os.replace(tmp, path)
    return path


def write_json(path: str, obj) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path: str):
    with open(path) as f:
        return json.load(f)
