"""Writes for the exam: the item bank, attempts, and candidates' access (grants, extra time)."""
