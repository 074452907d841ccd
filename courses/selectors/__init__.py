"""Reads for the web-based training (a package: see the modules)."""

from courses.selectors.progress import *  # noqa: F403
