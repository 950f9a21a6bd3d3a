import pytest

from bot.insight.sentiment import sentiment


@pytest.mark.parametrize(
    ("text", "intent", "label"),
    [
        ("This is useless, I'm really annoyed.", None, "negative"),
        ("Thanks, that is perfect!", None, "positive"),
        ("Do you have rain jackets under 100?", None, "neutral"),
        ("not bad at all", None, "positive"),  # negation
        ("My order never arrived and nobody answers.", "complaint", "negative"),
        ("Super, danke!! 😀", None, "positive"),  # emoji
    ],
)
def test_sentiment_labels_messages(text: str, intent: str | None, label: str) -> None:
    found, score = sentiment(text, intent)
    assert found == label
    assert -1 <= score <= 1


def test_sentiment_complaint_is_negative_even_without_mood_words() -> None:
    assert sentiment("My order never arrived.")[0] == "neutral"
    assert sentiment("My order never arrived.", "complaint") == ("negative", -0.5)
