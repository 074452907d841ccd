"""Reads for certification, always scoped to who is asking (`<entity>_list` / `<entity>_get`).
Becomes a package split by sub-domain once it passes ~400 lines."""
