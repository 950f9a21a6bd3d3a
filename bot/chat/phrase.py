"""The model's part of an answer: one short lead-in sentence, in words only.

A static grammar makes digits, currency signs, capitals (so invented names) and anything but
one short sentence impossible; a logit bias removes the words a lead-in could contradict the
catalog with ("not", "sorry", "out", "stock", ...). The service writes the facts after it.
"""

import re
from collections.abc import AsyncGenerator
from typing import Any, Protocol

from bot.engine.client import EngineClient, EngineLink, Usage

# Lower-case words, an optional comma after a word, and one sentence end: nothing else. Each
# action's lead-in starts with fixed words, so the small model continues a sensible opening
# instead of choosing one (left free it wrote "you can try it again later" before a comparison).
OPENINGS = {"recommend": "here are some", "answer": "happy to help", "compare": "good question,"}
# What ends an opening the model added nothing to (or nothing that could be shown).
CLOSINGS = {"here are some": " options"}
# How a lead-in ends. The engine stops on it, rather than writing one more token (the end of
# sequence) that nothing shows, and the facts after the lead-in go out that much sooner.
LEAD_END = ("!", ".")
LEAD_GRAMMAR = r"""
root ::= "{opening}" (" " word){{1,6}} end
word ::= [a-z]{{1,14}} ","?
end ::= {end}
"""
# Words a lead-in must not use: denials, apologies, stock and price talk, promises.
BANNED_WORDS = frozenset(
    "not no never nor none nothing nobody cannot cant can't don't dont doesn't won't isn't "
    "aren't unfortunately sorry unable unavailable out sold stock stocked available price prices "
    "priced cost costs cheap cheaper cheapest expensive free discount discounts sale deal deals "
    "offer offers shipping delivery guarantee guaranteed warranty only last limited dollars "
    "euro euros pounds however but although lack lacks without".split()
)
MAX_LEAD_TOKENS = 20
PERSONA = (
    "You are a warm, upbeat shop assistant at {store}. Reply with one short friendly sentence "
    "that introduces what comes next: you {lead}. Do not name products, brands or prices."
)


class Vocabulary(Protocol):
    def get_vocab(self) -> dict[str, int]: ...

    def convert_tokens_to_string(self, tokens: list[str]) -> str: ...


def token_texts(tokenizer: Vocabulary) -> list[tuple[int, str]]:
    """Every token id with the text it decodes to (one pass over a ~50k vocabulary)."""
    return [
        (token_id, tokenizer.convert_tokens_to_string([token]))
        for token, token_id in tokenizer.get_vocab().items()
    ]


def banned_token_bias(texts: list[tuple[int, str]]) -> dict[str, int]:
    """A -100 bias for every token that is one of the banned words, with or without a space."""
    return {str(token_id): -100 for token_id, text in texts if text.strip().lower() in BANNED_WORDS}


def lead_messages(store: str, lead: str) -> list[dict[str, str]]:
    # The shopper's words are left out on purpose: the small model echoed them (product names
    # in lower case, half-words), and they are a channel for instructions aimed at the bot.
    return [
        {"role": "system", "content": PERSONA.format(store=store, lead=lead)},
        {"role": "user", "content": f"Write the sentence: {lead}."},
    ]


# Replies with no catalog facts that a fine-tuned adapter may learn to phrase in the shop's own
# words (agents' corrections teach them); without one, the fixed replies in `replies.py` stand.
VOICE_SLOTS = {
    "greet": "greet a shopper who just said hello, and invite them to say what they need",
    "thank": "answer a shopper who thanked you, and offer more help",
}


def slot_messages(store: str, slot: str, lead: str | None = None) -> list[dict[str, str]]:
    """The prompt the model gets for one of its parts of a reply: the lead-in before the
    catalog facts (`slot` = the action, `lead` = what comes next), or a voice slot. Training
    builds its examples with this same function, so the model learns what it will be asked."""
    if slot in VOICE_SLOTS:
        return [
            {"role": "system", "content": VOICE.format(store=store)},
            {"role": "user", "content": f"Write the reply: {VOICE_SLOTS[slot]}."},
        ]
    return lead_messages(store, lead or "")


VOICE = (
    "You are a warm, upbeat shop assistant at {store}. Reply in one or two short friendly "
    "sentences. Do not name products or prices."
)


def lead_requests(bias: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The engine request options for each action's lead-in (static: compiled once, cached)."""
    ends = " | ".join(f'"{end}"' for end in LEAD_END)
    return {
        action: {
            "structured_outputs": {"grammar": LEAD_GRAMMAR.format(opening=opening, end=ends)},
            "logit_bias": bias,
            "repetition_penalty": 1.3,
            "stop": list(LEAD_END),
            "include_stop_str_in_output": True,
        }
        for action, opening in OPENINGS.items()
    }


def repeats(words: list[str], n: int = 2) -> bool:
    """Whether the last n words already appeared together earlier (a loop starting)."""
    if len(words) < 2 * n:
        return False
    tail = words[-n:]
    return any(words[i : i + n] == tail for i in range(len(words) - n))


def known_words(texts: list[tuple[int, str]]) -> frozenset[str]:
    """Whole lower-case words the tokenizer has a token for: a made-up word ("wouldntleften")
    is spelled from pieces, so it is not among them."""
    found = {
        text[1:]
        for _, text in texts
        if text.startswith(" ") and text[1:].isalpha() and text[1:].islower()
    }
    return frozenset(found | {"a", "i"})


def _clean(text: str, vocabulary: frozenset[str] | None) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    if vocabulary is not None and any(w not in vocabulary for w in words):
        return False
    return not repeats(words) and not any(w in BANNED_WORDS for w in words)


async def stream_lead(
    engine: EngineClient,
    messages: list[dict[str, str]],
    *,
    extra: dict[str, Any],
    usage: Usage,
    temperature: float,
    vocabulary: frozenset[str] | None = None,
    max_tokens: int = MAX_LEAD_TOKENS,
    opening: str = "",
    model: str | None = None,
    link: EngineLink | None = None,
) -> AsyncGenerator[str, None]:
    """Yield the lead-in word by word, capitalised; a word that is banned or starts a loop ends
    it there (the tripwire behind the logit bias), so only clean whole words are shown.

    The grammar makes the engine start with `opening`; being fixed, it is shown at once rather
    than after the engine has written it, and the engine's copy is skipped.
    """
    written, shown = "", 0
    if opening:
        yield _capitalise(opening, 0)
        shown = len(opening)
    least, mark = shown, ""  # the opening is never taken back
    pieces = engine.stream_chat(
        messages,
        max_tokens=min(max_tokens, MAX_LEAD_TOKENS),
        temperature=temperature,
        usage=usage,
        model=model,
        extra=extra,
        link=link,
    )
    try:
        async for piece in pieces:
            written += piece if written else piece.lstrip()
            # Whole words only, without the space after them (it goes out with the next word).
            complete = written[: written.rfind(" ")] if " " in written else ""
            if not _clean(complete, vocabulary):
                break
            # A word the sentence cannot end on waits for the next ("items from ...").
            ready = _settled(complete, least)
            if len(ready) > shown:
                yield _capitalise(ready, shown)
                shown = len(ready)
        else:
            # The engine's stop mark is in its text: the words before it settle without it.
            written = written.rstrip()
            mark = written[-1] if written.endswith(LEAD_END) else ""
            written = _settled(written.removesuffix(mark).rstrip(), least)
            if _clean(written, vocabulary) and len(written) > shown:
                yield _capitalise(written, shown)
                shown = len(written)
    finally:
        await pieces.aclose()
    if shown == least and (close := CLOSINGS.get(opening)):
        yield close  # "Here are some." alone says nothing: "Here are some options."
    if mark and shown:
        yield mark


# Words a sentence cannot end on: "here are some of my favorite items from." is cut.
DANGLING = re.compile(
    r"(?:\s+(?:from|to|for|of|in|on|at|with|by|about|into|onto|the|a|an|my|your|our|their|his"
    r"|her|its|and|or|some|any|favorite|favourite|very|so|than|as)),?$"
)


def _settled(text: str, least: int = 0) -> str:
    """The text without the words at its end that leave it hanging, never shorter than
    `least` characters."""
    text = text.rstrip(",")
    while len(text) > least and (end := DANGLING.search(text)):
        text = text[: end.start()].rstrip(",")
    return text


def _capitalise(text: str, start: int) -> str:
    text = re.sub(r"\bi\b", "I", text)
    if start == 0:
        text = text[:1].upper() + text[1:]
    return text[start:]
