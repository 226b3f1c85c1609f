"""Running a command for a chat user: the one path shared by Slack and the console."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.render import Reply, render
from commands.core.actors import (
    Actor,
    NoDirectory,
    UserDirectory,
    WorkspaceDefaults,
    ensure_member,
    ensure_workspace,
)
from commands.core.errors import UsageError
from commands.core.i18n import N_, Lang, locale_of, set_locale, t
from commands.dispatch import parse_command, run_command
from storage.models import Member, Workspace
from storage.repo.workspaces import claim_and_find_member, workspace_and_member

log = logging.getLogger(__name__)


@dataclass
class Deps:
    """What listeners need: the database, the clock and how to look people up."""

    session_factory: sessionmaker[Session]
    clock: Callable[[], datetime]
    defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    directory: UserDirectory = field(default_factory=NoDirectory)
    # Installed in many workspaces: each one's directory (by Slack team id), else `directory`
    directories: Callable[[str], UserDirectory] | None = None

    def directory_for(self, team_id: str) -> UserDirectory:
        return self.directories(team_id) if self.directories is not None else self.directory


@dataclass(frozen=True)
class Caller:
    """Who sent a request and from where."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    user_name: str = ""


def actor_for(session: Session, deps: Deps, caller: Caller, now: datetime) -> Actor:
    """The caller as an Actor, registering them on first sight."""
    return actor_from(session, deps, caller, now,
                      workspace_and_member(session, caller.team_id, caller.user_id))


def actor_from(session: Session, deps: Deps, caller: Caller, now: datetime,
               known: tuple[Workspace, Member] | None) -> Actor:
    """The caller as an Actor, from their workspace and member row just looked up; None
    (not found) registers them."""
    directory = deps.directory_for(caller.team_id)
    if known is not None:
        ws, member = known
        if member.language is None and member.slack_locale is None:
            learn_slack_locale(member, directory)
    else:  # first sight of this user (or of the whole workspace): register them
        ws = ensure_workspace(session, caller.team_id, deps.defaults, now)
        member = ensure_member(
            session, ws, caller.user_id, directory, now, fallback_name=caller.user_name
        )
    return Actor(member=member, workspace=ws, channel_id=caller.channel_id,
                 directory=directory)


def learn_slack_locale(member: Member, directory: UserDirectory) -> None:
    """Ask Slack once for the language of someone met before salesbot knew languages (or
    whose Slack gave none); the directory remembers its answer, so this is one users.info
    call per person per process at most."""
    profile = directory.lookup(member.slack_user_id)
    if profile is not None and profile.locale:
        member.slack_locale = profile.locale[:16]


def execute(
    deps: Deps, caller: Caller, command: str, text: str, *, request_key: str | None = None,
    keep: Callable[[Session, str, Reply], None] | None = None,
) -> Reply | None:
    """Parse and run `/command text` as `caller` in one transaction; render the result.

    Returns None when `request_key` was already processed (a duplicate delivery). Raises
    UsageError / PermissionDenied with nothing written, in the caller's language: the text
    is parsed once the transaction knows who is asking (no extra query for their language).
    """
    return _execute(deps, caller, command, lambda: parse_command(command, text),
                    request_key=request_key, keep=keep)


def set_caller_locale(deps: Deps, caller: Caller) -> None:
    """Answer `caller` in their language from here on (this request's context): their
    choice, else their Slack locale, else the workspace default. Someone salesbot has not
    met yet gets the default until they are registered. (For a form or a button checked
    before its transaction opens; a command's transaction sets it itself.)"""
    with deps.session_factory() as session:
        known = workspace_and_member(session, caller.team_id, caller.user_id)
    if known is not None:
        set_locale(locale_of(known[1].language, known[1].slack_locale))


def execute_args(
    deps: Deps, caller: Caller, command: str, args: object, *, request_key: str | None = None,
    keep: Callable[[Session, str, Reply], None] | None = None,
) -> Reply | None:
    """Run already-parsed arguments (from a form or a button) like `execute`.

    `keep(session, request_key, reply)` is called in the command's transaction (a slash
    command keeps its reply with its claim, for Slack's retries).
    """
    refuse_nul(args)
    return _execute(deps, caller, command, lambda: args, request_key=request_key, keep=keep)


def _execute(
    deps: Deps, caller: Caller, command: str, make_args: Callable[[], object], *,
    request_key: str | None, keep: Callable[[Session, str, Reply], None] | None,
) -> Reply | None:
    opened = (transaction(deps, caller) if request_key is None
              else claimed(deps, caller, request_key))
    with opened as turn:
        if turn is None:
            return None
        args = make_args()  # a parse error rolls back the claim: a retry is refused again
        refuse_nul(args)
        result = run_command(command, args, session=turn.session, actor=turn.actor,
                             now=turn.now)
        reply = render(result)
        if keep is not None and request_key is not None:
            keep(turn.session, request_key, reply)
    return reply


def actor_locale(actor: Actor) -> Lang:
    """The language to answer `actor` in (see `set_caller_locale`)."""
    return locale_of(actor.member.language, actor.member.slack_locale)


@dataclass(frozen=True)
class Turn:
    """One request's transaction: its session, who asked, and when."""

    session: Session
    actor: Actor
    now: datetime


@contextmanager
def transaction(deps: Deps, caller: Caller) -> Iterator[Turn]:
    """Open the transaction a request runs in, as `caller` (registered on first sight)."""
    with deps.session_factory.begin() as session:
        now = deps.clock()
        actor = actor_for(session, deps, caller, now)
        set_locale(actor_locale(actor))  # every surface answers in the caller's language
        yield Turn(session, actor, now)


@contextmanager
def claimed(deps: Deps, caller: Caller, request_key: str) -> Iterator[Turn | None]:
    """`transaction`, with the request claimed in it first: None is yielded when it was
    already processed (Slack delivered it again), and there is nothing to do."""
    with deps.session_factory.begin() as session:
        now = deps.clock()
        done, known = claim_and_find_member(session, request_key, now, caller.team_id,
                                            caller.user_id)
        if not done:
            log.info("duplicate delivery of %s ignored", request_key)
            yield None
            return
        actor = actor_from(session, deps, caller, now, known)
        set_locale(actor_locale(actor))
        yield Turn(session, actor, now)


NUL_REFUSED = N_("That text contains a NUL character (\\0), which salesbot cannot store. "
                 "Remove it and try again.")


def refuse_nul(args: object) -> None:
    """Refuse arguments with a NUL character in any text: PostgreSQL cannot store one, and
    SQLite would keep it silently (from Slack, the console or Socket Mode alike)."""
    if any("\x00" in text for text in _texts(args)):
        raise UsageError(t(NUL_REFUSED))


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
