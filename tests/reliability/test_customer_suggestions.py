"""The visit form's customer type-ahead suggests the customers of the teams the user reads
(README "Who can see what"): it does not list another team's customers to anyone who types a
letter. East: mia manages alice and bob; West: wes manages walt; olga is in no team; ada is
the admin."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from tests.bot.http_helpers import Client
from tests.reliability.helpers import chat


def set_up(engine: Engine) -> None:
    world = chat(engine)
    world.say("ada", '/sales team create "HQ" tz:Asia/Shanghai', channel="C0HQ")
    world.say("ada", "/sales role <@UMIA|mia> manager")
    world.say("ada", "/sales role <@UWES|wes> manager")
    world.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    world.say("wes", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    world.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    world.say("wes", "/sales team add <@UWALT|walt>", channel="C0WEST")
    world.say("olga", "/deal list", channel="DOLGA")  # registered, in no team
    world.say("bob", '/visit "Acme Corp" Intro call')
    world.say("walt", '/visit "Initech" Intro call', channel="C0WEST")
    world.say("walt", '/visit "Acme Corp" Met their Berlin office', channel="C0WEST")
    world.say("mia", '/deal new "Globex pilot" customer:"Globex" amount:50k')


def suggested(slack: Client, user: str, typed: str) -> set[str]:
    payload = {"type": "block_suggestion", "team": {"id": "T0TEST"},
               "user": {"id": user, "team_id": "T0TEST"}, "api_app_id": "A0SALES",
               "action_id": "customer", "block_id": "customer", "value": typed,
               "view": {"id": "VVISIT", "type": "modal", "callback_id": "visit_form"}}
    status, body = slack.post(urlencode({"payload": json.dumps(payload)}))
    assert status == 200, body
    return {o["text"]["text"] for o in json.loads(body)["options"]}


SEES = {"UALICE": {"Acme Corp", "Globex"}, "UMIA": {"Acme Corp", "Globex"},
        "UWES": {"Acme Corp", "Initech"}, "UWALT": {"Acme Corp", "Initech"},
        "UOLGA": set(), "UADA": {"Acme Corp", "Globex", "Initech"}}


@pytest.mark.parametrize("user", list(SEES))
def test_the_visit_form_suggests_only_the_customers_of_teams_the_user_reads(
        slack: Client, engine: Engine, user: str) -> None:
    set_up(engine)
    assert suggested(slack, user, "") == SEES[user]
    # a close spelling finds only those too; what is typed is offered as a new customer
    typed = suggested(slack, user, "Initeck")
    assert typed - {"New customer: Initeck"} == SEES[user] & {"Initech"}
