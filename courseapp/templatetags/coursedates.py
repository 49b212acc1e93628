"""``{{ moment|when }}``, ``{{ day|day }}``, ``|short_day``, ``|short_when``, ``|long_day``, ``|numeric_day``:
see courseapp.dates."""

from django import template

from .. import dates

register = template.Library()


def _filter(style: str):
    def show(value):
        return dates.show(value, style) if value else ""

    show.__name__ = style
    register.filter(style, show, expects_localtime=True)


for _style in dates.FORMATS:
    _filter(_style)
