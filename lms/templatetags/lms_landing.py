from django import template

from lms.landing import Landing, landing_for

register = template.Library()


@register.simple_tag(takes_context=True)
def landing(context) -> Landing | None:
    """`{% landing as where %}`: the signed-in person's own starting page (None without a
    request, e.g. on a bare 500 page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return landing_for(user) if user is not None else None
