"""Personal data out of the dialogue log: emails, phone and card numbers, street addresses."""

import re

PATTERNS = [
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[card]", re.compile(r"\b(?:\d[ -]?){13,19}\b")),
    ("[phone]", re.compile(r"(?<![\w$€£])\+?\d[\d ().-]{7,}\d\b")),
    (
        "[address]",
        re.compile(
            r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Lane|Ln"
            r"|Drive|Dr|Way|Court|Ct|Place|Pl|Square|Sq)\b\.?",
            re.I,
        ),
    ),
]


def redact(text: str) -> str:
    for label, pattern in PATTERNS:
        text = pattern.sub(label, text)
    return text
