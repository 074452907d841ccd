"""The office's year at a glance (issue 20): figures computed in SQL with a fixed number of
queries, each drawn on the server as a small SVG with the same numbers in a table beneath it
and a CSV export. Certification staff only (the views check)."""
