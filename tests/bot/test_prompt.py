"""The prompt builder with the real SmolLM2 tokenizer and chat template."""

from decimal import Decimal

import pytest
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from bot.engine.model import prepare_embedded_model
from bot.errors import BadRequest
from bot.prompt import NO_MATCH, PERSONA, Message, PromptBuilder, Turn, system_prompt
from retrieval.catalog import Product
from tests.service import PREPARED_MODEL

STORE = "Harbor Outfitters"
REPLY_TOKENS = 100
QUESTION = "Which of these is best for a rainy week in the mountains?"
PRODUCTS = [
    Product(
        id="JKT-100",
        title="Storm Rain Jacket",
        description="Waterproof, breathable shell with taped seams.",
        price=Decimal("189.00"),
        category="Jackets",
    ),
    Product(
        id="CAN-200",
        title="Cedar Strip Canoe",
        description="Hand-built two-seat touring canoe.",
        price=Decimal("1299.99"),
        currency="EUR",
        category="Boats",
        in_stock=False,
    ),
    Product(
        id="TNT-300",
        title="Alpine Dome Tent",
        description="Four-season tent for two.",
        price=Decimal("349.5"),
        currency="CHF",
        category="Tents",
    ),
]
HISTORY = [
    Turn(
        "Tell me everything about your return policy, shipping times and warranty " * 4,
        "Returns are free within 30 days, shipping takes three to five days, and every "
        "product carries a two-year warranty. " * 3,
    ),
    Turn("Do you sell tents?", "Yes, the Alpine Dome Tent."),
    Turn("And jackets?", "The Storm Rain Jacket keeps you dry."),
]


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerBase:
    return AutoTokenizer.from_pretrained(prepare_embedded_model(PREPARED_MODEL))


def builder(tokenizer: PreTrainedTokenizerBase, budget: int) -> PromptBuilder:
    return PromptBuilder(
        tokenizer, store=STORE, max_model_len=budget + REPLY_TOKENS, reply_tokens=REPLY_TOKENS
    )


def pairs(turns: list[Turn]) -> list[Message]:
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": turn.user})
        messages.append({"role": "assistant", "content": turn.assistant})
    return messages


def prompt(products: list[Product], turns: list[Turn], text: str = QUESTION) -> list[Message]:
    system = {"role": "system", "content": system_prompt(STORE, products)}
    return [system, *pairs(turns), {"role": "user", "content": text}]


def test_system_prompt_lists_each_product_with_exact_price_and_stock() -> None:
    lines = system_prompt(STORE, PRODUCTS).splitlines()
    assert lines[-4:] == [
        "Catalog products for this question:",
        "- Storm Rain Jacket | $189.00 | in stock | Jackets. "
        "Waterproof, breathable shell with taped seams.",
        "- Cedar Strip Canoe | €1,299.99 | out of stock | Boats. "
        "Hand-built two-seat touring canoe.",
        "- Alpine Dome Tent | 349.50 CHF | in stock | Tents. Four-season tent for two.",
    ]
    assert [p.price_text() for p in PRODUCTS] == ["$189.00", "€1,299.99", "349.50 CHF"]


def test_system_prompt_starts_with_persona_naming_the_store() -> None:
    assert system_prompt(STORE, PRODUCTS).startswith(PERSONA.format(store=STORE) + "\n\n")
    assert "Harbor Outfitters" in PERSONA.format(store=STORE)


def test_system_prompt_without_products_carries_no_match_instruction() -> None:
    assert system_prompt(STORE, []) == f"{PERSONA.format(store=STORE)}\n\n{NO_MATCH}"


def test_system_prompt_cuts_long_descriptions() -> None:
    long = PRODUCTS[0].model_copy(update={"description": "x" * 1000})
    [line] = system_prompt(STORE, [long]).splitlines()[-1:]
    assert line == "- Storm Rain Jacket | $189.00 | in stock | Jackets. " + "x" * 240


def test_prompt_builder_keeps_whole_history_when_it_fits(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    messages = builder(tokenizer, 1900).build(HISTORY, QUESTION, PRODUCTS)
    assert messages == prompt(PRODUCTS, HISTORY)


def test_prompt_builder_drops_oldest_turns_first(tokenizer: PreTrainedTokenizerBase) -> None:
    probe = builder(tokenizer, 1900)
    # Room for the two newest turns with a little slack, far from enough for the long oldest one.
    budget = probe.count(prompt(PRODUCTS, HISTORY[1:])) + 20
    assert probe.count(prompt(PRODUCTS, HISTORY)) > budget + 100
    messages = builder(tokenizer, budget).build(HISTORY, QUESTION, PRODUCTS)
    assert messages == prompt(PRODUCTS, HISTORY[1:])


def test_prompt_builder_keeps_newest_turn_when_only_one_fits(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    probe = builder(tokenizer, 1900)
    budget = probe.count(prompt(PRODUCTS, HISTORY[2:])) + 5
    assert probe.count(prompt(PRODUCTS, HISTORY[1:])) > budget
    messages = builder(tokenizer, budget).build(HISTORY, QUESTION, PRODUCTS)
    assert messages == prompt(PRODUCTS, HISTORY[2:])


def test_prompt_builder_drops_all_history_before_any_product(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    budget = builder(tokenizer, 1900).count(prompt(PRODUCTS, []))
    messages = builder(tokenizer, budget).build(HISTORY, QUESTION, PRODUCTS)
    assert messages == prompt(PRODUCTS, [])


@pytest.mark.parametrize("budget", [150, 180, 240, 300, 390, 394, 480])
def test_prompt_builder_never_exceeds_budget(
    tokenizer: PreTrainedTokenizerBase, budget: int
) -> None:
    prompts = builder(tokenizer, budget)
    messages = prompts.build(HISTORY, QUESTION, PRODUCTS)
    assert prompts.count(messages) <= budget == prompts.budget
    assert messages[-1] == {"role": "user", "content": QUESTION}


def test_prompt_builder_drops_weakest_products_for_long_question(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    question = "I am planning a long trip and want advice. " * 20
    probe = builder(tokenizer, 1900)
    budget = probe.count(prompt(PRODUCTS[:1], [], question))
    assert probe.count(prompt(PRODUCTS[:2], [], question)) > budget
    messages = builder(tokenizer, budget).build(HISTORY, question, PRODUCTS)
    assert messages == prompt(PRODUCTS[:1], [], question)


def test_prompt_builder_falls_back_to_no_match_prompt_when_no_product_fits(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    question = "I am planning a long trip and want advice. " * 20
    budget = builder(tokenizer, 1900).count(prompt([], [], question))
    messages = builder(tokenizer, budget).build(HISTORY, question, PRODUCTS)
    assert messages == prompt([], [], question)


def test_prompt_builder_refuses_question_too_long_for_context(
    tokenizer: PreTrainedTokenizerBase,
) -> None:
    question = "waterproof jacket " * 1200
    with pytest.raises(BadRequest) as caught:
        PromptBuilder(tokenizer, store=STORE, max_model_len=2048, reply_tokens=256).build(
            HISTORY, question, PRODUCTS
        )
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "message_too_long",
        400,
        "The message is too long for the model's context window. Please shorten it.",
    )
