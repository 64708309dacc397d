"""Admission control: at most ``max_concurrent`` requests run, at most ``max_queue`` wait."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Overloaded(Exception):
    """No slot: the queue is full or the wait timed out (the server answers 429)."""


class Limiter:
    """A semaphore with a bounded waiting line, used from the server's event loop only."""

    def __init__(self, max_concurrent: int, max_queue: int, queue_timeout: float) -> None:
        self.max_concurrent = max_concurrent
        self.max_queue = max_queue
        self.queue_timeout = queue_timeout
        self.running = 0
        self.waiting = 0
        self._sem: asyncio.Semaphore | None = None

    async def acquire(self) -> Callable[[], None]:
        """Wait for a slot and return the function that gives it back (call it exactly once).

        Raises ``Overloaded`` at once when ``max_queue`` requests already wait, or after
        ``queue_timeout`` seconds without a slot.
        """
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.max_concurrent)
        sem = self._sem
        if sem.locked():
            if self.waiting >= self.max_queue:
                raise Overloaded(f"the server is busy: {self.running} requests running and {self.waiting} "
                                 "waiting; retry after a short wait")
            self.waiting += 1
            try:
                await asyncio.wait_for(sem.acquire(), self.queue_timeout)
            except asyncio.TimeoutError:
                raise Overloaded(f"no slot within {self.queue_timeout:g} s; the server is busy, retry later") from None
            finally:
                self.waiting -= 1
        else:
            await sem.acquire()
        self.running += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.running -= 1
                sem.release()

        return release
