"""Certification pages (the holder's `/certificate/`, the public `/verify/…`, the agency
portal `/agency/`, spec section 7). Thin handlers: they call selectors and services."""
