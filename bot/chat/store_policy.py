"""The store's policy text (`SALESBOT_POLICY_FILE`): sections quoted word for word.

The file is Markdown or plain text; each `## Heading` starts a section ("## Returns",
"## Shipping"). A general support question is answered with the section it is about; with
no section that fits, a person is offered. The shopper's own order goes to a person.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import SalesbotError
from retrieval.text import keywords

MAX_POLICY_BYTES = 200_000
# Words shoppers use for a topic that headings rarely contain.
SYNONYMS = {
    "return": {"refund", "exchange", "send", "back"},
    "shipping": {"delivery", "deliver", "ship", "shipped", "arrive", "postage", "courier"},
    "warranty": {"guarantee", "broken", "defect", "repair"},
    "payment": {"pay", "card", "paypal", "installment", "klarna"},
    "contact": {"phone", "email", "call", "hour", "open"},
}


@dataclass(frozen=True)
class Section:
    topic: str
    text: str
    words: frozenset[str]


class StorePolicy:
    def __init__(self, sections: list[Section]):
        self.sections = sections

    def mentions(self, name: str) -> bool:
        """Whether the policy's text names it ("we ship with DHL", "we also sell on Amazon")."""
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.I)
        return any(pattern.search(f"{s.topic} {s.text}") for s in self.sections)

    @classmethod
    def load(cls, path: Path | None) -> "StorePolicy":
        if path is None:
            return cls([])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SalesbotError(
                f"Cannot read the store policy file {path}: {exc.strerror}. "
                "Fix SALESBOT_POLICY_FILE or leave it empty.",
                code="policy_unreadable",
            ) from exc
        if len(raw) > MAX_POLICY_BYTES:
            raise SalesbotError(
                f"The store policy file {path} is over {MAX_POLICY_BYTES} bytes; keep it to the "
                "policies the assistant should quote.",
                code="policy_too_large",
            )
        return cls(parse_sections(raw.decode("utf-8", errors="replace")))

    def find(self, text: str) -> Section | None:
        """The section a support question is about, if any."""
        said = set(keywords(text))
        best = max(self.sections, key=lambda s: len(s.words & said), default=None)
        return best if best is not None and best.words & said else None


def parse_sections(text: str) -> list[Section]:
    sections = []
    for block in re.split(r"^#{1,3}\s+", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        body = " ".join(body.split())
        if body:
            words = set(keywords(heading))
            for word in list(words):
                words |= SYNONYMS.get(word, set())
            sections.append(Section(heading.strip(), body, frozenset(words)))
    return sections
