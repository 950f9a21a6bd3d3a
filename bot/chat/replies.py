"""Fixed replies for turns that need no catalog facts and no model: greetings, redirects,
handover. Short, friendly, and the same every time a shop owner tests them."""

from bot.chat.store_policy import Section


def greet(store: str) -> str:
    return (
        f"Hi! I'm the {store} shopping assistant. Tell me what you're looking for, "
        "and your budget if you have one."
    )


def identity(store: str) -> str:
    return (
        f"I'm the {store} shopping assistant, an automated helper that answers from the shop's "
        'catalog. If you\'d rather talk to a person from our team, just reply "yes".'
    )


def thank() -> str:
    return "You're welcome! Is there anything else I can help you find?"


def off_topic(store: str) -> str:
    return (
        f"I can only help with shopping at {store}: our products, prices and orders. "
        "What are you looking for today?"
    )


def not_read(store: str) -> str:
    return (
        f"Sorry, I can only read English for now. Could you ask again in English? I can help "
        f"with shopping at {store}: our products, prices and orders."
    )


def handover(reason: str) -> str:
    if reason == "complaint":
        return (
            "I'm sorry about this. I'm bringing in a colleague from our team who can sort it out."
        )
    return "I'm bringing in a colleague from our team; they will reply here shortly."


def offer() -> str:
    return (
        "I don't have the shop's details on that here, and I'd rather not guess. A colleague "
        'from our team can answer it: just reply "yes" and I\'ll bring one in.'
    )


def policy(section: Section) -> str:
    return f'Here is our {section.topic.lower()} policy: "{section.text}"'


def waiting() -> str:
    return "A colleague from our team has this conversation and will reply here shortly."
