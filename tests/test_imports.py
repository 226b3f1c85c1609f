"""Every module of the product imports on its own, first thing: an import cycle between
modules breaks the one a user's entry point happens to load first (`salesbot manifest`
once failed this way while the test suite, importing in another order, passed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "commands", "jobs", "storage", "demo")
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for package in PACKAGES
    for path in (ROOT / package).rglob("*.py")
    if "migrations" not in path.parts
)
# In a fresh interpreter: forget every product module before importing the next one, so
# each is the first of ours to load (third-party libraries stay loaded: it stays fast).
SCRIPT = f"""
import importlib, sys, traceback, warnings
warnings.simplefilter("ignore")
failed = []
for module in sys.argv[1:]:
    for name in [n for n in sys.modules if n.split(".")[0] in {set(PACKAGES)!r}]:
        del sys.modules[name]
    try:
        importlib.import_module(module)
    except Exception:
        failed.append(module + ": " + traceback.format_exc(limit=3))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_first_on_its_own() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *MODULES], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
