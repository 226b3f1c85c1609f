"""Finding a customer by the name someone typed, or creating it on purpose."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sqlalchemy.orm import Session

from commands.core import aliases
from commands.core.errors import UsageError
from commands.core.i18n import current_locale, t
from commands.core.limits import check_length
from commands.core.text import name_key
from commands.deals.labels import either
from storage import repo
from storage.models import Customer, Member, Tier

# Two names this similar (0-100, ignoring case and spacing) are taken for a typo.
SIMILAR = 85


@dataclass(frozen=True)
class CustomerPick:
    customer: Customer
    created: bool


def find_or_create_customer(
    session: Session, workspace_id: int, name: str, *, owner: Member, tier: Tier | None,
    force_new: bool, now: datetime, option_hint: str = "new:yes", known: Customer | None = None,
) -> CustomerPick:
    """The customer called `name`; a new name creates it, a near-miss is refused.

    `known` is the customer with this name when the caller has just looked it up.
    """
    clean = " ".join(name.split())
    if not clean:
        raise UsageError(t('Name the customer, like "Acme Corp".'), field="customer")
    check_length(clean, "customer name", form_input="customer")
    key = name_key(clean)
    existing = known if known is not None and known.name_key == key else \
        repo.customers.customer_by_key(session, workspace_id, key)
    if existing is not None:
        if tier is not None and tier != existing.tier:
            existing.tier = tier
        return CustomerPick(existing, created=False)
    if not force_new:
        names = dict(repo.customers.customer_names(session, workspace_id))
        if key in names:  # created by a concurrent request since the lookup above
            again = repo.customers.customer_by_key(session, workspace_id, key)
            if again is not None:
                return CustomerPick(again, created=False)
        matches = similar_customers(clean, names)
        if matches:
            raise UsageError(
                t('No customer is called "{name}". Did you mean {suggestions}? '
                  'If "{name}" really is a new customer, add `{option}`.',
                  name=clean, suggestions=either([names[m] for m in matches]),
                  option=_shown_hint(option_hint)),
                field="customer",
            )
    customer = Customer(
        workspace_id=workspace_id, name=clean, name_key=key, tier=tier or Tier.C,
        owner_id=owner.id, created_at=now,
    )
    added = repo.claims.add_or_get(session, customer,
                            lambda: repo.customers.customer_by_key(session, workspace_id, key))
    return CustomerPick(added, created=added is customer)


def _shown_hint(hint: str) -> str:
    """`new:yes` as the reader writes it: 新客户:是 in Chinese."""
    key, _, value = hint.partition(":")
    value = aliases.chinese_values(key).get(value, value) if current_locale() == "zh" else value
    return f"{aliases.shown_option(key)}:{value}"


# A part shorter than this ("A", "Co") is too common to take for the same customer; a
# Chinese name packs a word into two characters (华为, 华怡), so two are enough there.
MIN_CONTAINED = 3
MIN_CONTAINED_CJK = 2
# A Chinese name this long with one character wrong, missing or extra is a typo (上海华怡医要
# for 上海华怡医药): fuzz.ratio scores it below SIMILAR, one character being a whole word.
MIN_CJK_TYPO = 4
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def similar_customers(name: str, names: dict[str, str], limit: int = 3) -> list[str]:
    """Keys of the known `names` (key -> name) that `name` is probably a typo or a short form
    of, closest first: spelled alike (fuzz.ratio >= SIMILAR), one character off in a Chinese
    name, or one name inside the other (see _overlapping)."""
    key = name_key(name)
    matches = [m[0] for m in process.extract(
        key, list(names), scorer=fuzz.ratio, score_cutoff=SIMILAR, limit=limit
    )]
    if _CJK.search(key) and len(key) >= MIN_CJK_TYPO:
        matches += [k for k in names if k not in matches and len(k) >= MIN_CJK_TYPO
                    and Levenshtein.distance(key, k, score_cutoff=1) <= 1]
    matches += [k for k in _overlapping(name, names) if k not in matches]
    return matches[:limit]


def _overlapping(name: str, names: dict[str, str]) -> list[str]:
    """Keys of the known names that contain `name`, or that `name` contains, from the start
    of a word: "Acme Corporation" and "Acme Corp", "Acme" and "Acme Corp", not "Art" and
    "Smartech". Chinese is written without spaces, so a Chinese part of two characters or
    more counts anywhere in the name: 华怡 in 上海华怡医药, 华为 in 华为为."""
    mine = " ".join(name.casefold().split())
    found = []
    for key, other in names.items():
        theirs = " ".join(other.casefold().split())
        short, long_ = sorted((mine, theirs), key=len)
        if short == long_:
            continue
        if _CJK.search(short):
            if len(short.replace(" ", "")) >= MIN_CONTAINED_CJK and short in long_:
                found.append(key)
        elif len(short) >= MIN_CONTAINED and re.search(r"(?:^|\W)" + re.escape(short), long_):
            found.append(key)
    return found


def suggest_customers(
    session: Session, workspace_id: int, query: str, limit: int = 20,
    people: Sequence[int] | None = None,
) -> list[str]:
    """Customer names for a type-ahead: containing `query`, then the closest spellings; only
    `people`'s customers when given (see access.customer_people)."""
    names = [c.name for c in repo.customers.search_customers(session, workspace_id, query.strip(),
                                                             limit,
                                                   people)]
    if len(names) < limit and query.strip():
        all_names = dict(repo.customers.customer_names(session, workspace_id, people))
        for key, _score, _ in process.extract(name_key(query), list(all_names), scorer=fuzz.ratio,
                                              score_cutoff=60, limit=limit):
            if all_names[key] not in names:
                names.append(all_names[key])
    return names[:limit]
