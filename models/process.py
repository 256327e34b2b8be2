"""Worker processes that end with the program that started them."""

from __future__ import annotations

import os
import threading
import time


def end_with_parent(parent: int) -> None:
    """A pool initializer: the worker exits once its parent is gone. A killed demo once left its
    worker alive for good, blocked writing a result nobody would read, holding the data file."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()
