"""The exam's back office in the Wagtail admin: the item bank (editors), exam definitions, grants,
accommodations and attempts (certification staff), and statistics."""
