"""The shopper's mood in one message: VADER's lexicon and rules (negation, intensifiers,
punctuation, emoji), plus the dialogue policy's complaint intent, which catches complaints
written without emotional words ("it never arrived and nobody answers")."""

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

THRESHOLD = 0.05  # VADER's own cut-off between neutral and positive or negative
COMPLAINT = "complaint"


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment(text: str, intent: str | None = None) -> tuple[str, float]:
    """("negative" | "neutral" | "positive", compound score from -1 to 1)."""
    score = float(_analyzer().polarity_scores(text[:2000])["compound"])
    if intent == COMPLAINT:
        score = min(score, -0.5)
    if score <= -THRESHOLD:
        return "negative", round(score, 4)
    if score >= THRESHOLD:
        return "positive", round(score, 4)
    return "neutral", round(score, 4)
