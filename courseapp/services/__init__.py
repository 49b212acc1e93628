"""Writes that carry course rules. Views and tasks call these; nothing else writes those rows."""

from .errors import ServiceError

__all__ = ["ServiceError"]
