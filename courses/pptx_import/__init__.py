"""PowerPoint import: a .pptx deck becomes a draft lesson made of `slide` blocks.

`package` checks the file before anything is parsed, `slides` reads the slides and shapes (and
fills the import report), `lesson` builds the draft lesson from what was read.
"""
