"""Every result and job post salesbot renders, in English and in 简体中文, fits in Slack.

One realistic instance of each (tests/bot/every_result.py: the demo's, and what its people
would type besides) is rendered in both languages; Slack refuses a message over its limits
(or cuts it), so each rendering must stay inside them and pass Block Kit's validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.render.base import Reply, render
from commands.core.i18n import use_locale
from tests.bot.every_result import collect, largest

LANGS = ("en", "zh")
TEXT_LIMIT = 40_000  # a message's text
BLOCK_LIMIT = 50
SECTION_LIMIT = 3_000
FIELD_LIMIT = 2_000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
OPTION_LIMIT = 75
CONTEXT_ELEMENTS = 10
CJK = re.compile(r"[\u4e00-\u9fff]")


def registered() -> list[type]:
    return sorted((kind for kind in render.registry if kind is not object),
                  key=lambda kind: f"{kind.__module__}.{kind.__qualname__}")


_collected: dict[str, dict[type, list[object]]] = {}


def demo_results(lang: str, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[type, list[object]]:
    """Every result of the demo in English (`salesbot demo`) or in Chinese (`--lang zh`:
    Chinese customers and notes, and what its commands say in Chinese as they run); once
    per language for the whole module."""
    if lang not in _collected:
        _collected[lang] = collect(tmp_path_factory.mktemp(f"every-result-{lang}"), lang)
    return _collected[lang]


@pytest.fixture(scope="module", params=LANGS)
def results(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[type, list[object]]:
    return demo_results(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def chinese_results(tmp_path_factory: pytest.TempPathFactory) -> dict[type, list[object]]:
    return demo_results("zh", tmp_path_factory)


def rendered(result: object, lang: str) -> Reply:
    with use_locale(lang):
        return render(result)


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside a block, the block itself first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def over_limits(reply: Reply) -> list[str]:
    """What in `reply` Slack would refuse or cut."""
    problems = []
    if len(reply.text) > TEXT_LIMIT:
        problems.append(f"text of {len(reply.text)} characters")
    if len(reply.blocks) > BLOCK_LIMIT:
        problems.append(f"{len(reply.blocks)} blocks")
    for block in reply.blocks:
        data = block.to_dict()  # slack_sdk validates as it serializes
        parsed = Block.parse(data)
        assert parsed is not None and parsed.to_dict() == data
        for part in walk(data):
            kind, text = part.get("type"), (part.get("text") or {})
            words = text.get("text", "") if isinstance(text, dict) else ""
            if kind == "section" and len(words) > SECTION_LIMIT:
                problems.append(f"a section of {len(words)} characters")
            if kind == "section":
                problems += [f"a field of {len(f['text'])} characters"
                             for f in part.get("fields") or [] if len(f["text"]) > FIELD_LIMIT]
            if kind == "header" and len(words) > HEADER_LIMIT:
                problems.append(f"a header of {len(words)} characters")
            if kind == "button" and len(words) > BUTTON_LIMIT:
                problems.append(f"a button reading {words!r}")
            if kind == "context" and len(part.get("elements", [])) > CONTEXT_ELEMENTS:
                problems.append(f"a context of {len(part['elements'])} elements")
            if "value" in part and "text" in part and kind is None \
                    and len(words) > OPTION_LIMIT:
                problems.append(f"an option reading {words!r}")
    return problems


def test_every_rendered_type_has_a_realistic_instance(results: dict[type, list[object]]
                                                      ) -> None:
    missing = [kind.__qualname__ for kind in registered() if not results.get(kind)]
    assert not missing, f"no instance of {missing}: add a line to every_result.EXTRA_LINES"


@pytest.mark.parametrize("lang", LANGS)
def test_every_result_fits_in_slack_in_both_languages(results: dict[type, list[object]],
                                                      lang: str) -> None:
    problems = {}
    for kind in registered():
        for result in largest(results.get(kind, []),
                              key=lambda r: len(rendered(r, lang).text)):
            reply = rendered(result, lang)
            assert reply.text.strip(), f"{kind.__qualname__} renders no text in {lang}"
            found = over_limits(reply)
            if found:
                problems[kind.__qualname__] = found
    assert not problems, f"over Slack's limits in {lang}: {problems}"


def english_sentences(text: str) -> list[str]:
    """Runs of four or more English words in `text`, leaving out code (`/visit type:call`),
    links, mentions and emoji codes."""
    text = re.sub(r"`[^`]*`|<[^>]*>|:[a-z0-9_+-]+:", " ", text)
    return re.findall(r"\b[A-Za-z][a-z']+(?: [A-Za-z][a-z']*){3,}", text)


def test_every_result_reads_in_chinese(chinese_results: dict[type, list[object]]) -> None:
    """A reply rendered in zh, from the Chinese demo's data, has no English sentence left."""
    results = chinese_results
    english = {}
    for kind in registered():
        for result in results.get(kind, [])[:1]:
            found = english_sentences(rendered(result, "zh").text)
            if found:
                english[kind.__qualname__] = found[0]
    assert not english, f"English under zh: {english}"
