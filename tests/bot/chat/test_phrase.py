from collections.abc import AsyncGenerator
from typing import Any

import pytest

from bot.chat.phrase import lead_requests, repeats, stream_lead
from bot.engine.client import Usage


class ScriptedEngine:
    """Streams fixed pieces: the lead-in logic above the engine, without the engine."""

    def __init__(self, pieces: list[str]):
        self.pieces = pieces

    async def stream_chat(self, messages: Any, **kwargs: Any) -> AsyncGenerator[str, None]:
        for piece in self.pieces:
            yield piece


async def lead(pieces: list[str], vocabulary: frozenset[str] | None = None) -> str:
    out = stream_lead(
        ScriptedEngine(pieces),  # type: ignore[arg-type]
        [],
        extra={},
        usage=Usage(),
        temperature=0,
        vocabulary=vocabulary,
    )
    return "".join([piece async for piece in out])


async def test_stream_lead_capitalises_and_passes_a_clean_sentence() -> None:
    assert await lead(["here", " are", " some", " great", " tents", "!"]) == (
        "Here are some great tents!"
    )


@pytest.mark.parametrize("word", [" not", " sorry", " out", " cheapest"])
async def test_stream_lead_ends_before_a_banned_word(word: str) -> None:
    assert await lead(["here", " are", word, " great", " tents", "!"]) == "Here are"


async def test_stream_lead_ends_before_a_made_up_word() -> None:
    vocabulary = frozenset({"here", "are", "some", "tents"})
    # ("some" would leave it hanging; a fixed opening is never taken back.)
    assert await lead(["here", " are", " some", " wouldnt", "leften", " tents"], vocabulary) == (
        "Here are"
    )


def test_repeats_spots_a_loop_starting() -> None:
    assert repeats("great tents and great tents".split())
    assert not repeats("here are some great tents".split())


def test_lead_requests_fix_each_actions_opening() -> None:
    grammar = lead_requests({"7": -100})["compare"]["structured_outputs"]["grammar"]
    assert 'root ::= "good question,"' in grammar
    assert lead_requests({"7": -100})["recommend"]["logit_bias"] == {"7": -100}


async def test_stream_lead_shows_the_fixed_opening_before_the_engine_writes() -> None:
    engine = ScriptedEngine(["here", " are", " some", " warm", " tents", "!"])
    out = stream_lead(
        engine,  # type: ignore[arg-type]
        [],
        extra={},
        usage=Usage(),
        temperature=0,
        opening="here are some",
    )
    first = await anext(out)
    assert first == "Here are some"
    assert first + "".join([piece async for piece in out]) == "Here are some warm tents!"


async def test_stream_lead_never_ends_on_a_word_that_leaves_it_hanging() -> None:
    # The engine stopped on "." after "from" (a capital, for the shop's name, is impossible).
    pieces = ["here", " are", " some", " of", " my", " favorite", " items", " from"]
    assert await lead(pieces) == "Here are some of my favorite items"
    assert await lead([*pieces, "."]) == "Here are some of my favorite items."  # the stop mark
    # Cut before a banned word: what was held back is not shown either.
    assert await lead(["here", " are", " some", " picks", " for", " sorry", " x"]) == (
        "Here are some picks"
    )
    assert await lead(["happy", " to", " help", " with", " that"]) == "Happy to help with that"


async def test_stream_lead_finishes_an_opening_the_engine_added_nothing_to() -> None:
    for pieces in (["here", " are", " some", "!"], ["here", " are", " some", " of", " sorry"]):
        out = stream_lead(
            ScriptedEngine(pieces),  # type: ignore[arg-type]
            [],
            extra={},
            usage=Usage(),
            temperature=0,
            opening="here are some",
        )
        assert "".join([piece async for piece in out]).rstrip("!") == "Here are some options"
