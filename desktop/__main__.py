"""``python -m desktop``: the same as the ``cundang`` command."""
from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
