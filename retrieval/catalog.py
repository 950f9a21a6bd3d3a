"""The catalog's product record: the one shape every part of the service agrees on."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Scalar = str | int | float | bool
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money(amount: Decimal, currency: str) -> str:
    """`$1,299.99`, `€15.00` or `1,299.99 CHF`: how the service writes any amount."""
    text = f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


class Product(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] = ""
    price: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    url: str | None = None
    image_url: str | None = None
    in_stock: bool = True
    attributes: dict[str, Scalar] = Field(default_factory=dict)

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    def price_text(self) -> str:
        """Render the price exactly as the catalog holds it: `$1,299.99` or `1,299.99 CHF`."""
        return money(self.price, self.currency)

    def card(self) -> dict[str, object]:
        """The fields a product card shows to the shopper."""
        return {
            "id": self.id,
            "title": self.title,
            "price": f"{self.price:.2f}",
            "currency": self.currency,
            "url": self.url,
            "image_url": self.image_url,
            "in_stock": self.in_stock,
        }
