"""A local console: type exactly what you would type in Slack, as any user."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TextIO

from sqlalchemy.orm import Session

from bot.dispatch import Caller, Deps, actor_for, execute
from bot.render.base import error_reply
from bot.render.home import home_text
from commands.core.errors import UserFacingError
from commands.core.i18n import t
from commands.team.home import run_home
from storage import repo

LOCAL_WORKSPACE = "T0LOCAL"
LOCAL_CHANNEL = "C0CONSOLE"
_PLAIN_MENTION = re.compile(r"(?<![<\w])@([A-Za-z][\w.\-]*)")


def user_id_for(name: str) -> str:
    """A stable Slack-like user id for a console user name: alice -> UALICE."""
    return "U" + re.sub(r"[^A-Z0-9]", "", name.upper())


def pick_workspace(session: Session, requested: str | None) -> str:
    """The workspace the console acts in: the one asked for, the only one, or a local one."""
    if requested:
        return requested
    only = repo.workspaces.only_workspace(session)
    return only.slack_team_id if only else LOCAL_WORKSPACE


class Console:
    """Runs command lines as one user and prints the replies as text."""

    def __init__(self, deps: Deps, *, user: str, workspace: str | None = None,
                 channel: str | None = None,
                 channel_names: Mapping[str, str] | None = None) -> None:
        self.deps = deps
        # Slack shows a channel link by its name; the console knows a name only when told
        # (the demo's channel), else it prints the id.
        self.channel_names = dict(channel_names or {})
        with deps.session_factory() as session:
            self.team_id = pick_workspace(session, workspace)
            ws = repo.workspaces.get_workspace(session, self.team_id)
            self.user_id, self.user_name = self._who(session, ws.id if ws else None, user)
            if channel is None and ws is not None:
                member = repo.workspaces.member_by_slack_id(session, ws.id, self.user_id)
                if member is not None and member.team is not None:
                    channel = member.team.slack_channel_id
        self.channel = channel or LOCAL_CHANNEL

    @staticmethod
    def _who(session: Session, workspace_id: int | None, user: str) -> tuple[str, str]:
        name = user.lstrip("@")
        if workspace_id is not None:
            found = repo.workspaces.members_named(session, workspace_id, name)
            if len(found) == 1:
                return found[0].slack_user_id, found[0].name
            by_id = repo.workspaces.member_by_slack_id(session, workspace_id, name)
            if by_id is not None:
                return by_id.slack_user_id, by_id.name
        return user_id_for(name), name

    def _mentions(self, text: str) -> str:
        """Turn `@bob` into the `<@UBOB|bob>` form Slack sends for a mention."""
        with self.deps.session_factory() as session:
            ws = repo.workspaces.get_workspace(session, self.team_id)

            def swap(m: re.Match[str]) -> str:
                uid, name = self._who(session, ws.id if ws else None, m.group(1))
                return f"<@{uid}|{name}>"

            return _PLAIN_MENTION.sub(swap, text)

    def run_line(self, line: str) -> str | None:
        """The reply to one line, as text; None for blank lines and comments."""
        line = line.strip()
        if not line or line.startswith("#"):
            return None
        text = self._reply(line)
        for channel_id, name in self.channel_names.items():
            text = text and re.sub(rf"#{re.escape(channel_id)}\b", f"#{name}", text)
        return text

    def _reply(self, line: str) -> str | None:
        caller = Caller(self.team_id, self.user_id, self.channel, self.user_name)
        if line.lower() in ("home", "主页"):
            return self.home(caller)
        if not line.startswith("/"):
            return t("Type a command as in Slack, starting with /, like /visit or /sales help, "
                     "or `home` for your Home tab.")
        command, _, text = line[1:].partition(" ")
        try:
            reply = execute(self.deps, caller, command, self._mentions(text))
        except UserFacingError as exc:
            reply = error_reply(exc.message)
        if reply is None:
            return None
        # Slack would upload these to the user's DM; the console lists them instead.
        return reply.plain() + "".join(
            "\n  " + t("[file] {name} ({size} bytes)", name=name, size=format(len(data), ","))
            for name, data in reply.files)

    def home(self, caller: Caller) -> str:
        """What the user's Home tab in Slack shows, as text."""
        with self.deps.session_factory.begin() as session:
            now = self.deps.clock()
            home = run_home(session=session, actor=actor_for(session, self.deps, caller, now),
                            now=now)
        return home_text(home)

    def run(self, lines: Iterable[str], out: TextIO, *, echo: bool) -> None:
        for line in lines:
            if line.strip() in ("exit", "quit", "退出"):
                break
            reply = self.run_line(line)
            if reply is None:
                continue
            if echo:
                out.write(f"{self.user_name}> {line.strip()}\n")
            out.write(reply + "\n\n")
            out.flush()
