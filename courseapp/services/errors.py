from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import capfirst

CONFLICT, BAD_INPUT = 409, 400


class ServiceError(Exception):
    """A course rule refused a write; ``message`` is written for the user, ``code`` for tests and logic.

    ``status`` is the HTTP answer a view gives it: 409 when the course as it is now refuses the change (a
    full seat, a closed window), 400 when what was sent cannot be used (an empty review, a number that is
    not one). The message is the page's either way.
    """

    def __init__(self, message: str, *, code: str, status: int = CONFLICT):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def checked(instance, **options) -> None:
    """``instance.full_clean(**options)``, its first problem refused as a ServiceError the user can read
    ("Title: Ensure this value has at most 300 characters (it has 100000).")."""
    try:
        instance.full_clean(**options)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        label = "" if field == NON_FIELD_ERRORS else f"{capfirst(instance._meta.get_field(field).verbose_name)}: "
        raise ServiceError(f"{label}{messages[0]}", code="invalid", status=BAD_INPUT) from None
