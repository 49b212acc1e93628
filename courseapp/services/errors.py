class ServiceError(Exception):
    """A course rule refused a write; ``message`` is written for the user, ``code`` for tests and logic."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
