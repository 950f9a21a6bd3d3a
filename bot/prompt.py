"""Build the chat prompt: persona, retrieved products, and as much history as fits the context."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import BadRequest
from retrieval.catalog import Product

Message = dict[str, str]

PERSONA = (
    "You are the friendly shop assistant of {store}. Answer the shopper in two or three short "
    "sentences. Only recommend products from the catalog list below and call them by their exact "
    "name. Quote prices exactly as listed. Never make up products, prices or stock levels. If the "
    "list does not have what the shopper wants, say that it is not in our catalog."
)
NO_MATCH = (
    "No product in our catalog matches this message. Do not name any product or price; say that "
    "we do not have it in our catalog and ask what else the shopper is looking for."
)


# Tokens the chat template adds around one message (`<|im_start|>role\n ... <|im_end|>\n`).
FRAMING_TOKENS = 6


class Tokenizer(Protocol):
    def apply_chat_template(self, conversation: Any, **kwargs: Any) -> Any: ...

    def encode(self, text: str, **kwargs: Any) -> list[int]: ...


@dataclass
class Turn:
    user: str
    assistant: str


def describe(product: Product) -> str:
    stock = "in stock" if product.in_stock else "out of stock"
    description = product.description[:240]
    return (
        f"- {product.title} | {product.price_text()} | {stock} | {product.category}. {description}"
    )


def system_prompt(store: str, products: Sequence[Product]) -> str:
    persona = PERSONA.format(store=store)
    if not products:
        return f"{persona}\n\n{NO_MATCH}"
    listing = "\n".join(describe(p) for p in products)
    return f"{persona}\n\nCatalog products for this question:\n{listing}"


class PromptBuilder:
    def __init__(self, tokenizer: Tokenizer, *, store: str, max_model_len: int, reply_tokens: int):
        self.tokenizer = tokenizer
        self.store = store
        self.budget = max_model_len - reply_tokens

    def count(self, messages: list[Message]) -> int:
        ids = self.tokenizer.apply_chat_template(
            messages, tokenize=True, add_generation_prompt=True
        )
        if isinstance(ids, dict) or hasattr(ids, "keys"):  # BatchEncoding in newer transformers
            ids = ids["input_ids"]
        return len(ids)

    def count_text(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def build(
        self, history: Sequence[Turn], text: str, products: Sequence[Product]
    ) -> list[Message]:
        """Fit newest history first; drop the oldest turns, then the weakest products."""
        products = list(products)
        while True:
            system = {"role": "system", "content": system_prompt(self.store, products)}
            question = {"role": "user", "content": text}
            if self.count([system, question]) <= self.budget:
                break
            if not products:
                raise BadRequest(
                    "The message is too long for the model's context window. Please shorten it.",
                    code="message_too_long",
                )
            products.pop()
        # Count each history turn once (its own tokens plus the template's framing), then check
        # the whole prompt exactly and drop the oldest turn while the estimate was too low.
        used = self.count([system, question])
        kept: list[Message] = []
        for turn in reversed(history):
            pair = [
                {"role": "user", "content": turn.user},
                {"role": "assistant", "content": turn.assistant},
            ]
            cost = sum(self.count_text(m["content"]) + FRAMING_TOKENS for m in pair)
            if used + cost > self.budget:
                break
            used += cost
            kept = pair + kept
        while kept and self.count([system, *kept, question]) > self.budget:
            kept = kept[2:]
        return [system, *kept, question]
