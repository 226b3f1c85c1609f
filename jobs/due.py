"""What the ticker runs on: a due item, the source that produces it, and its subject."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from jobs.notify import Post


@dataclass(frozen=True)
class DueItem:
    """Something to send once: a stand-up prompt for member:12 on 2026-11-23, say."""

    kind: str
    subject: str  # member:12, team:3
    local_period: str  # 2026-11-23 (the subject's local day), 2026-W48
    due_at: datetime
    workspace_id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}:{self.local_period}"


class Source(Protocol):
    """A kind of scheduled work the ticker runs.

    Optional hooks, called when a source defines them (looked up with getattr), each in a
    savepoint of the ticker's transaction: a failing hook is logged and never undoes the
    record of a post already made (so nothing is posted twice).
    - posted(session, item, post, ts, now): `post` was just sent as message `ts`; called in
      the transaction that counts it in the delivery's parts_sent (warnings record what
      they told the team).
    - nothing_to_send(session, item, now): build returned no posts for a claimed item.
    """

    kinds: tuple[str, ...]  # the item kinds it produces (and builds)
    grace: timedelta | None  # how late a missed item may still go out; None: the ticker's

    def due(self, session: Session, now: datetime) -> Iterable[DueItem]:
        """Items due at or before `now` (the ticker ignores those claimed already)."""
        ...

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        """The posts of a claimed item, as things stood at `claimed_at`; none: nothing to
        say any more (someone answered before their reminder). Must not write: a dry run
        builds too."""
        ...


def subject_id(subject: str) -> int:
    """12 for "member:12"."""
    return int(subject.rpartition(":")[2])
