"""The model's part of an answer: one short lead-in sentence, in words only.

A static grammar makes digits, currency signs, capitals (so invented names) and anything but
one short sentence impossible; a logit bias removes the words a lead-in could contradict the
catalog with ("not", "sorry", "out", "stock", ...). The service writes the facts after it.
"""

import re
from collections.abc import AsyncGenerator
from typing import Any, Protocol

from bot.engine.client import EngineClient, Usage

# Lower-case words, an optional comma after a word, and one sentence end: nothing else.
LEAD_GRAMMAR = r"""
root ::= word (" " word){2,9} end
word ::= [a-z]{1,14} ","?
end ::= "!" | "."
"""
# Words a lead-in must not use: denials, apologies, stock and price talk, promises.
BANNED_WORDS = frozenset(
    "not no never nor none nothing nobody cannot cant can't don't dont doesn't won't isn't "
    "aren't unfortunately sorry unable unavailable out sold stock stocked available price prices "
    "priced cost costs cheap cheaper cheapest expensive free discount discounts sale deal deals "
    "offer offers shipping delivery guarantee guaranteed warranty only last limited dollars "
    "euro euros pounds however but although lack lacks without".split()
)
MAX_LEAD_TOKENS = 18
PERSONA = (
    "You are a warm, upbeat shop assistant at {store}. Reply with one short friendly sentence "
    "that introduces what comes next: you {lead}. Do not name products, brands or prices."
)


class Vocabulary(Protocol):
    def get_vocab(self) -> dict[str, int]: ...

    def convert_tokens_to_string(self, tokens: list[str]) -> str: ...


def banned_token_bias(tokenizer: Vocabulary) -> dict[str, int]:
    """A -100 bias for every token that is one of the banned words, with or without a space."""
    bias = {}
    for token, token_id in tokenizer.get_vocab().items():
        word = tokenizer.convert_tokens_to_string([token]).strip().lower()
        if word in BANNED_WORDS:
            bias[str(token_id)] = -100
    return bias


def lead_messages(store: str, lead: str, shopper_text: str) -> list[dict[str, str]]:
    # The shopper's words are context for tone only; the grammar decides what can be written.
    return [
        {"role": "system", "content": PERSONA.format(store=store, lead=lead)},
        {"role": "user", "content": shopper_text[:500]},
    ]


def lead_request(bias: dict[str, int]) -> dict[str, Any]:
    return {
        "structured_outputs": {"grammar": LEAD_GRAMMAR},
        "logit_bias": bias,
        "repetition_penalty": 1.3,
    }


def repeats(words: list[str], n: int = 2) -> bool:
    """Whether the last n words already appeared together earlier (a loop starting)."""
    if len(words) < 2 * n:
        return False
    tail = words[-n:]
    return any(words[i : i + n] == tail for i in range(len(words) - n))


def _clean(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    return not repeats(words) and not any(w in BANNED_WORDS for w in words)


async def stream_lead(
    engine: EngineClient,
    messages: list[dict[str, str]],
    *,
    extra: dict[str, Any],
    usage: Usage,
    temperature: float,
) -> AsyncGenerator[str, None]:
    """Yield the lead-in word by word, capitalised; a word that is banned or starts a loop ends
    it there (the tripwire behind the logit bias), so only clean whole words are shown."""
    written, shown = "", 0
    pieces = engine.stream_chat(
        messages, max_tokens=MAX_LEAD_TOKENS, temperature=temperature, usage=usage, extra=extra
    )
    try:
        async for piece in pieces:
            written += piece if written else piece.lstrip()
            complete = written[: written.rfind(" ") + 1] if " " in written else ""
            if not _clean(complete):
                written = written[:shown]
                break
            if len(complete) > shown:
                yield _capitalise(complete, shown)
                shown = len(complete)
        else:
            if _clean(written) and len(written) > shown:
                yield _capitalise(written, shown)
                shown = len(written)
    finally:
        await pieces.aclose()


def _capitalise(text: str, start: int) -> str:
    if start == 0:
        text = text[:1].upper() + text[1:]
    return text[start:]
