"""Enrollment's URLs: `applications` (namespace "enrollment") and `classroom` (namespace
"classroom"), both included from `lms/urls.py`."""
