"""The retrieval package's one error: a catalog or index problem the store owner can fix."""


class CatalogError(Exception):
    """A problem with a catalog file or the index, with a stable machine `code`.

    The message is a whole sentence that says what went wrong and what to do about it.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
