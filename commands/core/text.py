"""Tokenizing what people type after a slash command.

Text is split on spaces (an ideographic space too); double quotes group words ("Acme Corp",
next:"send quote"); curly and full-width quotes count as straight ones; apostrophes are
ordinary letters so notes like `he's keen` need no escaping. Slack's escaping (&amp; and
<@U123|name> mentions) is undone. Options may be written in Chinese, with a full-width colon
(`类型：演示`): see `commands.core.aliases`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rapidfuzz import process

from commands.core import aliases
from commands.core.dates_zh import parse_chinese_day
from commands.core.errors import UsageError
from commands.core.i18n import current_locale, joined, t
from commands.core.limits import check_command_text
from commands.core.money import looks_like_currency, parse_amount

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
# an English key (any case) or a Chinese one, then a colon, half- or full-width
_OPTION = re.compile(r"^([A-Za-z_]+|[A-Za-z]*[\u3400-\u9fff][\u3400-\u9fffA-Za-z]*)[:：](.*)$",
                     re.S)
_CJK = re.compile(r"[\u3400-\u9fff]")


# A run of plain characters, a quoted run, a run of spaces, or a quote never closed.
_PIECE = re.compile(r'([^ \t\r\n\u3000"]+)|"([^"]*)"|([ \t\r\n\u3000]+)|(")')


def split_words(text: str) -> list[str]:
    """Split command text into words, honouring double quotes; over-long text is refused
    before any parsing."""
    return tokenize(check_command_text(text))


def tokenize(text: str) -> list[str]:
    """Split `text` into words: quoted and plain runs that touch make one word
    (`next:"send quote"` is `next:send quote`).

    One pass over the text, so time grows linearly with its length (shlex, used before,
    grew a word one character at a time: quadratic in a word's length).
    """
    words: list[str] = []
    word: list[str] | None = None
    for m in _PIECE.finditer(text.translate(_QUOTES)):
        plain, quoted, spaces, unclosed = m.groups()
        if unclosed is not None:
            raise UsageError(t(
                "A double quote is not closed. Put names with spaces in quotes, "
                'like "Acme Corp", and close every quote.'
            ))
        if spaces is not None:
            if word is not None:
                words.append("".join(word))
                word = None
            continue
        if word is None:
            word = []
        word.append(plain if plain is not None else quoted)
    if word is not None:
        words.append("".join(word))
    return words


@dataclass(frozen=True)
class Mention:
    """A person named in a command: a Slack mention `<@U1|alice>` or a plain `@alice`."""

    user_id: str | None
    name: str

    @property
    def label(self) -> str:
        return f"@{self.name}" if self.name else f"<@{self.user_id}>"


def as_mention(word: str) -> Mention | None:
    m = _MENTION.match(word)
    if m:
        return Mention(user_id=m.group(1), name=m.group(2) or "")
    if word.startswith("@") and len(word) > 1:
        return Mention(user_id=None, name=word[1:])
    return None


@dataclass
class Words:
    """A command's words split into positionals and key:value options."""

    positionals: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)


def parse_words(text: str, known_options: Collection[str],
                money_options: Collection[str] = ()) -> Words:
    """Split `text` into positional words and the `key:value` options in `known_options`.

    A currency code right after an option in `money_options` belongs to it:
    `amount:120k EUR` is the option amount `120k EUR`, as if it had been quoted.

    A Chinese key or value (`阶段:谈判`) is read as its English one (`stage:negotiation`),
    so `Words.options` holds English keys and values only.

    A word like `at:10` whose key is not an option and not close to one stays a positional
    word (it is probably part of the notes); one close to an option (`outcom:positive`,
    `阶断:谈判`) is refused with a suggestion, because silently losing it would be worse.
    """
    out = Words()
    last_money: str | None = None
    chinese = aliases.known_aliases(known_options)
    typed_keys: dict[str, str] = {}
    aliases.remember_typed(typed_keys)
    for word in split_words(html.unescape(text)):
        if last_money is not None and looks_like_currency(word):
            out.options[last_money] += f" {word}"
            last_money = None
            continue
        last_money = None
        m = _OPTION.match(word)
        if m and not word.startswith(("http:", "https:", "mailto:")):
            typed, value = m.group(1), m.group(2)
            is_zh = bool(_CJK.search(typed))
            key = chinese.get(typed) if is_zh else typed.lower()
            shown = typed if is_zh else typed.lower()
            if key is not None and key in known_options:
                if key in out.options:
                    raise UsageError(t("`{key}:` is given twice; give it once.", key=shown))
                out.options[key] = aliases.english_value(key, value.strip())
                if is_zh:
                    typed_keys[key] = typed
                    aliases.remember_typed(typed_keys)
                if key in money_options and not _ends_in_currency(value):
                    last_money = key
                continue
            guess = _guess_key(typed, value, known_options, chinese)
            if guess:
                raise UsageError(t("Unknown option `{key}:`. Did you mean `{guess}:`?",
                                   key=shown, guess=guess))
        out.positionals.append(word)
    return out


def _guess_key(typed: str, value: str, known_options: Collection[str],
               chinese: dict[str, str]) -> str | None:
    """The option a mistyped key was probably meant to be: an English key for an English
    word, a Chinese one (one character off) for a Chinese word.

    Two Chinese characters one off are common words too (结论：... in a visit's notes is not
    结果:), so a two-character key is suggested only when the value is one of its values
    (阶断:谈判 is 阶段:谈判)."""
    if _CJK.search(typed):
        return next((zh for zh in chinese if aliases.one_typo_apart(typed, zh)
                     and (len(zh) >= 3 or looks_like_value_of(chinese[zh], value))), None)
    return closest(typed.lower(), known_options, cutoff=75)


# options whose value is an amount or a day, whatever the command
_AMOUNT_OPTIONS = frozenset({"amount", "stretch", "challenge", "commit", "best"})
_DAY_OPTIONS = frozenset({"on", "by", "due", "close", "start"})
_SOME_DAY = date(2026, 1, 1)  # only the shape of a day matters here


def looks_like_value_of(option: str, value: str) -> bool:
    """Does `value` read as a value of `option`: one of its closed values (谈判 for a stage),
    an amount (12万) for an amount, a day (下周五) for a date? A two-character Chinese key one
    off an option's (金钱:12万 for 金额:) is taken for a typo only then."""
    if aliases.is_value_of(option, value):
        return True
    if not value.strip():
        return False
    try:
        if option in _AMOUNT_OPTIONS:
            parse_amount(value)
            return True
        if option in _DAY_OPTIONS:
            return _day_shaped(value)
    except UsageError:
        return False
    return False


def _day_shaped(value: str) -> bool:
    """A day in one of the forms people type without dateparser's guesses (it reads almost
    any word as some day): an ISO or digit date, a Chinese one, or an English day word."""
    raw = value.strip().lower()
    try:
        if parse_chinese_day(raw, today=_SOME_DAY, prefer="future") is not None:
            return True
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,4}[./]\d{1,2}(?:[./]\d{2,4})?|today|"
                             r"yesterday|tomorrow|(?:next |last )?(?:mon|tue|wed|thu|fri|sat|sun)"
                             r"(?:day|sday|nesday|rsday|urday)?", raw))


def _ends_in_currency(value: str) -> bool:
    """Does an amount already end in a currency code (120k EUR)? A Chinese one may still be
    followed by a name (`12万元 人民币`): parse_amount sorts out what they say together."""
    return bool(re.search(r"[A-Za-z]{3}\s*$", value))


def closest(word: str, choices: Iterable[str], *, cutoff: int = 70) -> str | None:
    """The choice most like `word`, or None when nothing is close enough."""
    found = process.extractOne(word.lower(), list(choices), score_cutoff=cutoff)
    return found[0] if found else None


def plural(count: int | Decimal, one: str, many: str | None = None) -> str:
    """`count` with its noun: '1 visit', '3 visits', '1 activity', '1,200 activities'."""
    return f"{count:,} {noun(count, one, many)}"


def noun(count: int | Decimal, one: str, many: str | None = None) -> str:
    """The noun for `count` alone (for when markup sits between number and noun)."""
    return one if count == 1 else (many or one + "s")


def name_key(name: str) -> str:
    """The identity of a name ignoring case and spacing: 'ACME  corp' == 'Acme Corp'."""
    return re.sub(r"\s+", "", name.casefold())


def yes_no(value: str, option: str) -> bool:
    v = aliases.english_value("new", value).strip().lower()
    if v in {"yes", "y", "true", "1", "on"}:
        return True
    if v in {"no", "n", "false", "0", "off"}:
        return False
    raise UsageError(t("`{option}:` takes yes or no, not `{value}`.",
                       option=option_label(option), value=value))


def option_label(option: str) -> str:
    """An option's key as the reader writes it: `type` in English, 类型 in Chinese."""
    return aliases.label(option)


def choice(value: str, options: Collection[str], option: str) -> str:
    """Match `value` against a closed set of options, with a suggestion when it fails; a
    Chinese word for an option (演示 for demo) is that option."""
    v = aliases.english_value(option, value).strip().lower()
    if v in options:
        return v
    zh_words = aliases.chinese_values(option)
    if current_locale() == "zh" and zh_words:
        shown = [zh_words.get(o, o) for o in options]
        typed = value.strip()
        guess = next((w for w in shown if aliases.one_typo_apart(typed, w)), None) \
            or closest(v, options)
        guess = zh_words.get(guess, guess) if guess else None
        listed = "、".join(shown)
    else:
        guess = closest(v, options)
        listed = joined(options, ", ")
    label = option_label(option)
    if guess:
        raise UsageError(t("`{option}:{value}` is not valid. Did you mean `{guess}`? "
                           "Choose one of: {options}.",
                           option=label, value=value, guess=guess, options=listed))
    raise UsageError(t("`{option}:{value}` is not valid. Choose one of: {options}.",
                       option=label, value=value, options=listed))
