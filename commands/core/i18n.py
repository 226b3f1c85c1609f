"""The one place every user-facing string goes through: English and 简体中文.

Messages are English msgids looked up in gettext catalogs (`commands/locale/<lang>/
LC_MESSAGES/salesbot.mo`, maintained with Babel; see the README's "Translating"). A message
is a whole sentence with named `{placeholders}`, never assembled from translated fragments,
so Chinese word order survives; plurals go through `tn` (gettext's ngettext).

Whose language a message is in is the *current locale*: a context variable each entry
point sets (`use_locale`) for the person it answers or the team channel it posts to. It
falls back to the process default (`SALESBOT_DEFAULT_LOCALE`, set once with
`set_default_locale`), else English.

    t("Logged a visit to {customer}.", customer=name)
    tn("{n} deal", "{n} deals", n)
    tp("stage", "Won")            # a short word whose meaning needs a context
    N_("Close it and try again.")  # marked for extraction, translated later with t()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any, Literal

from babel.support import NullTranslations, Translations

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
DOMAIN = "salesbot"
# Babel's locale for each language (number, date and currency conventions)
BABEL_LOCALE: dict[Lang, str] = {"en": "en_US", "zh": "zh_Hans_CN"}

_current: ContextVar[Lang | None] = ContextVar("salesbot_locale", default=None)
_default: list[Lang] = ["en"]


def normalize_lang(value: str | None) -> Lang | None:
    """The language a locale names: zh-CN, zh_Hans, zh-TW, 中文 -> "zh"; en-US, en -> "en";
    anything else (or nothing) -> None."""
    if not value:
        return None
    key = value.strip().replace("_", "-").casefold()
    if key in ("zh", "中文", "汉语", "简体中文", "chinese") or key.startswith("zh-"):
        return "zh"
    if key in ("en", "english", "英文", "英语") or key.startswith("en-"):
        return "en"
    return None


def set_default_locale(value: str | None) -> None:
    """The language for anyone who chose none and whose Slack locale is unknown."""
    _default[0] = normalize_lang(value) or "en"


def default_locale() -> Lang:
    return _default[0]


def current_locale() -> Lang:
    """The language messages are in now (see the module docstring)."""
    return _current.get() or _default[0]


def set_locale(value: str | None) -> None:
    """Use `value`'s language for the rest of this context (None: the default)."""
    _current.set(normalize_lang(value))


@contextmanager
def use_locale(value: str | None) -> Iterator[Lang]:
    """Messages inside the block are in `value`'s language (None: the default)."""
    token = _current.set(normalize_lang(value))
    try:
        yield current_locale()
    finally:
        _current.reset(token)


def locale_of(choice: str | None, slack_locale: str | None = None) -> Lang:
    """A person's language: their own choice, else their Slack locale, else the default."""
    return normalize_lang(choice) or normalize_lang(slack_locale) or _default[0]


@cache
def catalog(lang: Lang) -> NullTranslations:
    """The compiled catalog of `lang` (English is the source language: no catalog)."""
    if lang == "en":
        return NullTranslations()
    localedir = resources.files("commands") / "locale"
    with resources.as_file(localedir) as path:
        found = Translations.load(str(path), [lang], DOMAIN)
    return found


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


def t(msgid: str, /, **values: Any) -> str:
    """`msgid` in the current language, its `{placeholders}` filled from `values`."""
    return _fill(catalog(current_locale()).gettext(msgid), values)


def tn(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The singular or plural form for `n` (available as `{n}`) in the current language."""
    return _fill(catalog(current_locale()).ngettext(singular, plural, n), {"n": n, **values})


def tp(context: str, msgid: str, /, **values: Any) -> str:
    """`msgid` as meant in `context` ("stage", "button"...) in the current language."""
    return _fill(str(catalog(current_locale()).pgettext(context, msgid)), values)


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction without translating it (a constant translated at use
    with `t(constant)`)."""
    return msgid


# how each English list separator reads between Chinese items
_ZH_SEPARATORS = {"; ": "；", ", ": "、", ",": "、", " or ": "或", " and ": "和"}


def joined(items: Iterable[str], sep: str = "; ", *, zh: str | None = None) -> str:
    """`items` joined as a list reads in the current language: with `sep` in English
    ("; " unless told), in Chinese with `zh` or its Chinese counterpart ("; " -> "；",
    ", " -> "、")."""
    if current_locale() == "zh":
        return (zh if zh is not None else _ZH_SEPARATORS.get(sep, sep)).join(items)
    return sep.join(items)


def listed(items: Iterable[str]) -> str:
    """`items` as an English comma list ("a, b"), or with 、 in Chinese."""
    return joined(items, ", ")

