"""Read a child's stdout and stderr as they come, keep a bounded head of each, drop the rest.

A child that floods its output must neither fill the parent's memory nor block on a full pipe
(a blocked child would then look like a hang and only stop at the wall-clock limit).
"""

from __future__ import annotations

import os
import selectors
import time
from dataclasses import dataclass, field
from typing import IO

CHUNK = 64 * 1024


@dataclass
class BoundedBuffer:
    """The first ``limit`` bytes written to it; ``truncated`` once anything had to be dropped."""

    limit: int
    data: bytearray = field(default_factory=bytearray)
    truncated: bool = False

    def add(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        if len(chunk) > room:
            self.truncated = True
        if room > 0:
            self.data += chunk[:room]

    def text(self) -> str:
        # A cut can fall inside a multi-byte character; students' output need not be UTF-8.
        return self.data.decode("utf-8", errors="replace")


def drain(pipes: dict[IO[bytes], BoundedBuffer], deadline: float, wake=None) -> bool:
    """Read every pipe into its buffer until all reach end of file or ``deadline`` (monotonic) passes.

    Returns True if every pipe was closed by the other side, or if ``wake`` (a file or socket,
    not read here) became readable first; False on reaching the deadline.
    """
    with selectors.DefaultSelector() as selector:
        for pipe, buffer in pipes.items():
            selector.register(pipe, selectors.EVENT_READ, buffer)
        if wake is not None:
            selector.register(wake, selectors.EVENT_READ, None)
        while len(selector.get_map()) > (wake is not None):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            for key, _ in selector.select(timeout=remaining):
                if key.data is None:
                    return True
                chunk = os.read(key.fd, CHUNK)
                if chunk:
                    key.data.add(chunk)
                else:
                    selector.unregister(key.fileobj)
    return True
