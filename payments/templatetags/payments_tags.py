from django import template

register = template.Library()


@register.filter
def dollars(cents: int | None) -> str:
    """Whole cents as a person reads them: 2500 → "$25.00"."""
    if cents is None:
        return ""
    return f"${int(cents) / 100:,.2f}"
