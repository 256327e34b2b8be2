"""Services: the operations screens and the CLI call; each validates, then writes atomically."""
