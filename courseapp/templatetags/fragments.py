"""``{% kept fragment "name" var... %}…{% endkept %}``: the block kept as its ``fragment`` says.

``fragment`` is a ``caching.Fragment`` from the view (its key and lifetime); the block is rendered
once and served from the cache until the key changes, as by Django's ``{% cache %}``, which does the
work. A view that passes no fragment (a page with the user's own forms, a message) gets the block
rendered afresh, from the same template.
"""

from django import template
from django.templatetags.cache import CacheNode

register = template.Library()


class KeptNode(CacheNode):
    def __init__(self, nodelist, fragment, name: str, vary_on: list, parser):
        seconds, key = (parser.compile_filter(f"{fragment.token}.{part}") for part in ("seconds", "key"))
        super().__init__(nodelist, seconds, name, [key, *vary_on], None)
        self.fragment = fragment

    def render(self, context):
        if self.fragment.resolve(context, ignore_failures=True) is None:
            return self.nodelist.render(context)
        return super().render(context)


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a fragment and a name: {{% kept fragment \"name\" %}}")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    fragment, name = parser.compile_filter(bits[1]), bits[2].strip("\"'")
    return KeptNode(nodelist, fragment, name, [parser.compile_filter(bit) for bit in bits[3:]], parser)
