"""The service's errors: each carries a stable machine code and the HTTP status it maps to."""


class SalesbotError(Exception):
    code = "internal_error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class BadRequest(SalesbotError):
    code = "bad_request"
    status = 400


class Missing(SalesbotError):
    code = "not_found"
    status = 404


class RateLimited(SalesbotError):
    code = "rate_limited"
    status = 429


class EngineUnavailable(SalesbotError):
    code = "engine_unavailable"
    status = 503


# What a shopper reads when the engine cannot answer: the details (addresses, log paths) go to
# the server's log, never to the client.
UNAVAILABLE = "The assistant is not available right now. Please try again in a minute."


class LogUnavailable(SalesbotError):
    code = "log_unavailable"
    status = 503


def is_unicode(text: str) -> bool:
    """False for a string holding a lone surrogate (`\\ud800` decoded from JSON): it can be
    neither stored nor sent back."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def not_text(what: str, code: str) -> BadRequest:
    return BadRequest(
        f"The {what} holds an escape that is not a character (a lone surrogate, "
        "\\ud800-\\udfff). Send text as UTF-8.",
        code=code,
    )
