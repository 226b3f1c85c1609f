"""No user-facing text bypasses translation: every message handed to a user-facing error,
a reply or a Block Kit element is a t()/tn()/tp() call (or built from one), never an English
literal or an f-string of English words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "commands", "jobs")
# Calls whose text argument (positional or keyword) a user reads
CALLS = {
    "UsageError": ("message",), "PermissionDenied": ("message",),
    "UserFacingError": ("message",), "text_reply": ("text",), "error_reply": ("message",),
    "Reply": ("text",), "ButtonElement": ("text",), "PlainTextObject": ("text",),
    "MarkdownTextObject": ("text",), "InputBlock": ("label", "hint"),
    "HeaderBlock": ("text",), "Option": ("text", "label"), "SectionBlock": ("text",),
    "PlainTextInputElement": ("placeholder",), "StaticSelectElement": ("placeholder",),
    "DatePickerElement": ("placeholder",), "View": ("title", "submit", "close"),
    "ConfirmObject": ("title", "text", "confirm", "deny"),
}
# Text that is not words: mrkdwn markers, emoji codes, placeholders, punctuation, refs
_WORD = re.compile(r"[A-Za-z]{2,}")
_NOT_WORDS = re.compile(r":[a-z0-9_+-]+:|<[^>]*>|\{[^}]*\}|`[^`]*`|https?://\S+")
# Files whose texts are for the operator (English by design), not for Slack users
OPERATOR = {"bot/cli.py", "bot/cli_serve.py", "bot/cli_schedule.py", "bot/check.py",
            "bot/preflight.py", "bot/metrics.py", "bot/logs.py", "bot/settings.py",
            "bot/manifest.py", "bot/workers.py", "bot/socket_mode.py"}


def has_words(node: ast.AST) -> bool:
    """Whether `node` is an English literal: a string, or an f-string whose literal parts
    hold words."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values
                 if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return has_words(node.left) or has_words(node.right)
    else:
        return False
    return any(_WORD.search(_NOT_WORDS.sub("", p)) for p in parts)


def offenders() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in OPERATOR or "/migrations/" in rel:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else (
                    node.func.attr if isinstance(node.func, ast.Attribute) else "")
                if name not in CALLS:
                    continue
                args = list(node.args[:1]) + [k.value for k in node.keywords
                                              if k.arg in CALLS[name]]
                for arg in args:
                    if has_words(arg):
                        found.append(f"{rel}:{node.lineno}: {name}({ast.unparse(arg)[:70]})")
    return found


def test_user_facing_text_goes_through_the_catalog() -> None:
    found = offenders()
    assert not found, (f"{len(found)} texts a user reads are English literals; wrap them in "
                       "t()/tn() (commands.core.i18n):\n" + "\n".join(found[:80]))
