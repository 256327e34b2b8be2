"""``python -m bench``: one JSON object of named speed and size figures (a benchmark, not tests)."""
