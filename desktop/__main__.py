"""``python -m desktop``: the same as the ``cundang`` command."""

from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    # The county import checks packages in worker processes; a frozen (PyInstaller) exe must
    # let those start as workers, not as a second app.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
