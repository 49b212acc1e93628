"""Ordered lists of rows numbered by ``position``: a meeting's agenda, a section's readings."""

from django.db.models import Max, QuerySet


def next_position(rows: QuerySet) -> int:
    """The number after the last of ``rows`` (1 for an empty list)."""
    return (rows.aggregate(last=Max("position"))["last"] or 0) + 1


def move_one_place(siblings: list, item, direction: str) -> None:
    """Swap ``item`` with its neighbour "up" or "down" and number ``siblings`` 1, 2, ... again.

    ``siblings`` are the rows of one list in their order, locked by the caller's transaction;
    only rows whose number changes are written.
    """
    index = siblings.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            type(sibling).objects.filter(pk=sibling.pk).update(position=position)
