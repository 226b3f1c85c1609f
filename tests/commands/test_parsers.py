"""Command parsers: any text at all gets either parsed or a helpful UsageError, never a crash."""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.core.errors import UsageError
from commands.deals.deal import DealLost, DealUpdate, parse_deal
from commands.deals.visit import parse_visit
from commands.dispatch import parse_command
from commands.team.sales import parse_sales
from tests.commands.helpers import FRAGMENTS
from tests.conftest import Chat

# Pieces of the command language, glued together in random order to reach the parsers'
# interesting branches far more often than uniformly random text would.


built_text = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)
any_text = st.one_of(st.text(), built_text, st.lists(st.one_of(st.text(max_size=5), built_text),
                                                     max_size=6).map(" ".join))
with_head = st.tuples(
    st.sampled_from(["", "new ", "list ", "D-1 ", "d-2 lost ", "#3 ", "team create ",
                     "team add ", "team remove ", "team ", "role ", "help "]),
    any_text,
).map("".join)
inputs = st.one_of(any_text, with_head)

# Derandomized and without an example database: the same inputs on every run, no files.
FUZZ = settings(max_examples=400, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(inputs)
def test_parse_visit_only_ever_raises_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_visit(text)


@FUZZ
@given(inputs)
def test_parse_deal_only_ever_raises_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_deal(text)


@FUZZ
@given(inputs)
def test_parse_sales_only_ever_raises_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_sales(text)


@FUZZ
@given(st.one_of(st.sampled_from(["visit", "/deal", "SALES", "nope", ""]), st.text(max_size=8)),
       inputs)
def test_parse_command_only_ever_raises_usage_error(command: str, text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_command(command, text)


@pytest.mark.parametrize("tz", ["Europe", "America", "Etc", "x" * 300])
def test_parse_sales_refuses_a_timezone_that_is_not_a_zone_file(tz: str) -> None:
    with pytest.raises(UsageError, match="not a timezone"):
        parse_sales(f'team create "West" tz:{tz}')


# --- examples -------------------------------------------------------------------------------


def test_unbalanced_quote_is_explained() -> None:
    with pytest.raises(UsageError, match="quote"):
        parse_visit('"Acme Corp Met the CTO')


def test_unbalanced_curly_quote_is_explained() -> None:
    with pytest.raises(UsageError, match="quote"):
        parse_deal('new “Acme renewal customer:"Acme Corp" amount:120k')


def test_misspelt_option_suggests_the_real_one() -> None:
    with pytest.raises(UsageError) as err:
        parse_visit('"Acme Corp" outcom:positive Met the CTO')
    assert "`outcome:`" in str(err.value)


def test_curly_quotes_from_a_phone_group_words_like_straight_ones() -> None:
    args = parse_visit("“Acme Corp” next:“send quote” Met the CTO")
    assert args.words[0] == "Acme Corp"
    assert args.next_step == "send quote"
    assert args.words[1:] == ("Met", "the", "CTO")


def test_apostrophes_need_no_escaping() -> None:
    args = parse_visit("Acme he's keen")
    assert args.words == ("Acme", "he's", "keen")


def test_unknown_option_far_from_any_real_one_stays_in_the_notes() -> None:
    args = parse_visit('"Acme Corp" meet at:10 tomorrow')
    assert "at:10" in args.words


def test_option_given_twice_is_refused() -> None:
    with pytest.raises(UsageError, match="twice"):
        parse_visit('"Acme Corp" type:demo type:call')


def test_slack_mentions_and_escapes_are_undone() -> None:
    args = parse_visit("Smith &amp; Sons Met the CEO")
    assert args.words[:3] == ("Smith", "&", "Sons")


def test_lost_without_reason_is_asked_why_when_run() -> None:
    # the deal must be known open first (tests/commands/deals/test_deal_transitions.py)
    assert parse_deal("D-1 lost") == DealLost(1, "")


def test_lost_reason_may_be_given_as_plain_words() -> None:
    assert parse_deal("D-1 lost went with a competitor") == DealLost(1, "went with a competitor")


def test_contract_update_parses_all_fields() -> None:
    args = parse_deal('D-1 stage:negotiation amount:150k close:"next friday"')
    assert isinstance(args, DealUpdate)
    assert args.stage == "negotiation"
    assert args.amount is not None and args.amount.amount == 150_000
    assert args.close == "next friday"


def test_unknown_deal_subcommand_shows_usage() -> None:
    with pytest.raises(UsageError, match="/deal list"):
        parse_deal("frobnicate")


def test_unknown_command_is_named() -> None:
    with pytest.raises(UsageError, match="/nope"):
        parse_command("nope", "anything")


def test_unknown_stage_suggests_the_valid_ones(team: Chat) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    with pytest.raises(UsageError) as err:
        team.say("alice", "/deal D-1 stage:negotation")
    message = str(err.value)
    assert "Did you mean `negotiation`?" in message
    for stage in ("lead", "qualified", "proposal", "negotiation", "won", "lost"):
        assert stage in message
