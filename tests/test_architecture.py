"""The shape of the code: layers import downward only, the command line stays light, and the
README's pipeline section is the pipeline's own list."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, seed

# package of each source folder (pyproject.toml's package-dir)
LAYERS = {"model/core": "gongkai", "model": "gongkai.model", "inference": "gongkai.inference",
          "training": "gongkai.training"}


def _modules(folder: str) -> list[Path]:
    root = REPO / folder
    files = sorted(root.rglob("*.py"))
    if folder == "model":
        files = [f for f in files if "core" not in f.relative_to(root).parts]
    return files


def _package(path: Path) -> str:
    for folder, package in sorted(LAYERS.items(), key=lambda kv: -len(kv[0])):
        root = REPO / folder
        if root in path.parents:
            rel = path.relative_to(root).with_suffix("").parts
            return ".".join((package, *rel[:-1]))
    raise AssertionError(path)


def imports(path: Path) -> list[tuple[str, bool]]:
    """(absolute module name, imported at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _package(path)
    top = {id(node) for node in tree.body}
    for node in tree.body:  # imports in a module-level if/try still run at import time
        if isinstance(node, (ast.If, ast.Try)):
            top.update(id(n) for n in ast.walk(node))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, id(node) in top))
    return out


def _violations(folder: str, forbidden: tuple[str, ...], module_level_only: bool = False,
                skip: tuple[str, ...] = ()) -> list[str]:
    bad = []
    for path in _modules(folder):
        if path.name in skip:
            continue
        for name, at_top in imports(path):
            if module_level_only and not at_top:
                continue
            if name.startswith(forbidden):
                bad.append(f"{path.relative_to(REPO)} imports {name}")
    return bad


def test_the_core_imports_no_layer():
    # __main__ is the entry point (`python -m gongkai`), the one place that reaches up
    assert _violations("model/core", ("gongkai.model", "gongkai.inference", "gongkai.training"),
                       skip=("__main__.py",)) == []


def test_the_model_imports_only_the_core():
    assert _violations("model", ("gongkai.inference", "gongkai.training")) == []


def test_inference_never_imports_training_when_loaded():
    # the command line reaches training code only inside the training commands' functions
    assert _violations("inference", ("gongkai.training",), module_level_only=True) == []
    lazy = [v for v in _violations("inference", ("gongkai.training",)) if not v.startswith("inference/cli.py")]
    assert lazy == []


def test_extract_rules_only_imports_no_torch(tmp_path):
    # peak resident memory from VmHWM: ru_maxrss of a child starts at its parent's (pytest's) peak
    code = ("import json, re, sys; from gongkai.inference.cli import main; "
            f"rc = main(['extract', {str(seed(4))!r}, '--rules-only', '--no-text', '-o', {str(tmp_path / 'o.jsonl')!r}]); "
            "heavy = sorted(m for m in ('torch', 'transformers', 'sklearn', 'pandas') if m in sys.modules); "
            "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024; "
            "print(json.dumps([rc, heavy, hwm]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    rc, heavy, mib = json.loads(out.stdout.strip().splitlines()[-1])
    assert rc == 0, out.stderr
    assert heavy == [], f"imported {heavy}"
    assert mib < 200, f"{mib} MiB"
    assert json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))["agency"]


def test_python_m_gongkai_and_version():
    out = subprocess.run([sys.executable, "-m", "gongkai", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and re.fullmatch(r"gongkai \d+\.\d+\.\d+\s*", out.stdout)


def test_readme_lists_the_pipeline_in_order():
    from gongkai.inference.pipeline import STAGES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The pipeline", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip().strip("`") for line in section.splitlines()
            if line.startswith("| `")]
    assert rows == list(STAGES)
