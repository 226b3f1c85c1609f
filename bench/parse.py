"""Benchmark: how parse time grows with the length of a slash command's text.

Times, for inputs of 1 KB to 1 MB (powers of two):

- `commands.core.text.tokenize`, the splitter every command's text goes through, on the worst
  case for the old splitter (one long quoted word: `/visit "Acme Corp" "xxxx…"`) and on
  ordinary words (`Met the CTO, wants pricing …` repeated);
- `shlex` configured as salesbot's splitter used to be, for comparison, up to 64 KB (it is
  quadratic in a word's length: at 1 MB it took ~23 s);
- `commands.dispatch.parse_command("visit", text)`: the whole parse, which refuses text over
  `commands.core.limits.COMMAND_TEXT` characters before splitting it.

Prints a table (best of `--repeat` runs, in ms, and µs per KB) and the ratio between the
time per KB at 1 MB and at 1 KB: a linear splitter keeps it near 1. Usage:

    .venv/bin/python bench/parse.py            # --repeat 5
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as `python bench/parse.py`, this folder would come first on sys.path and shadow
# salesbot's own `commands` package: put the repository root there instead.
_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _ROOT / "bench":
    sys.path[0] = str(_ROOT)
elif str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from commands.core.errors import UsageError  # noqa: E402
from commands.core.limits import COMMAND_TEXT  # noqa: E402
from commands.core.text import tokenize  # noqa: E402
from commands.dispatch import parse_command  # noqa: E402

KB = 1024
SIZES = [KB * 2**i for i in range(11)]  # 1 KB .. 1 MB
SHLEX_MAX = 64 * KB
SENTENCE = "Met the CTO, wants pricing for 40 seats; next:\"send quote\" "


def long_word(size: int) -> str:
    head = '"Acme Corp" "'
    return head + "x" * (size - len(head) - 1) + '"'


def many_words(size: int) -> str:
    text = '"Acme Corp" ' + SENTENCE * (size // len(SENTENCE) + 1)
    return text[:size].rstrip('"')


def old_shlex(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True)
    lexer.quotes, lexer.escape, lexer.whitespace_split, lexer.commenters = '"', "", True, ""
    return list(lexer)


def best(fn: Callable[[str], object], text: str, repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with contextlib.suppress(UsageError):
            fn(text)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"parse_command refuses text over {COMMAND_TEXT:,} characters before splitting it")
    print(f"{'size':>8} | {'tokenize: one word':>20} | {'tokenize: words':>18} | "
          f"{'shlex: one word':>18} | {'parse_command':>14}")
    per_kb: dict[int, float] = {}
    for size in SIZES:
        word, words = long_word(size), many_words(size)
        t_word = best(tokenize, word, args.repeat)
        t_words = best(tokenize, words, args.repeat)
        t_shlex = best(old_shlex, word, 1 if size > 8 * KB else args.repeat) \
            if size <= SHLEX_MAX else None
        t_parse = best(lambda t: parse_command("visit", t), word, args.repeat)
        per_kb[size] = t_word / (size / KB)

        def cell(seconds: float | None, kb: int = size // KB) -> str:
            if seconds is None:
                return "—"
            return f"{seconds * 1e3:8.3f} ms {seconds * 1e6 / kb:5.2f}µs/KB"

        print(f"{size // KB:>5} KB | {cell(t_word):>20} | {cell(t_words):>18} | "
              f"{cell(t_shlex):>18} | {t_parse * 1e3:11.3f} ms")
    ratio = per_kb[SIZES[-1]] / per_kb[SIZES[0]]
    print(f"tokenize, one word: time per KB at 1 MB is {ratio:.2f}× that at 1 KB "
          f"({'linear' if ratio < 3 else 'NOT linear'})")


if __name__ == "__main__":
    main()
