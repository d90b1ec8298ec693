"""Work done on a second core while the renderer goes on: a forked child process.

A build of thousands of pages keeps one core busy converting Markdown and
filling in templates; related questions and the files for machines need
nothing of that until later, so on a machine with more than one core they are
worked out in a child process meanwhile. The child is forked: it sees the
parent's objects as they are, so nothing is pickled on the way there, only the
result comes back.

`Background(function, *args).result()` always gives what `function(*args)`
gives: where forking is not possible or not safe (one core, no `fork`, other
threads running, which a fork would leave half-copied) or when the child fails
in any way, the function runs in this process instead. The function must be
safe to run twice (a child may die half-way).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any

# From this many live articles a multi-core machine does work in a second process
# while the renderer converts Markdown (related questions: 7 s of a 10,000-article
# build on 2 cores); below it the fork costs more than it saves.
BACKGROUND_FROM = 1000

_FAILED = ("kb.background", "failed")  # what a child sends when the function raised


def can_fork() -> bool:
    return ((os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Background:
    """`function(*args)`, worked out in a forked child when `enabled` and possible."""

    def __init__(self, function: Callable[..., Any], *args: Any, enabled: bool = True):
        self.function, self.args = function, args
        self.conn = self.process = None
        self.done = False
        self.value: Any = None
        if enabled and can_fork():
            context = multiprocessing.get_context("fork")
            self.conn, child = context.Pipe(duplex=False)
            self.process = context.Process(target=_child, args=(child, function, args),
                                           daemon=True)
            self.process.start()
            child.close()

    def result(self) -> Any:
        if not self.done:
            self.value, self.done = self._collect(), True
        return self.value

    def _collect(self) -> Any:
        answer: Any = _FAILED
        if self.conn is not None and self.process is not None:
            try:
                answer = self.conn.recv()
            except (EOFError, OSError):
                pass  # the child died without an answer
            self.conn.close()
            self.process.join()
        if answer == _FAILED:
            return self.function(*self.args)  # and raise here, where it can be reported
        return answer

    def close(self) -> None:
        """Stop a child whose result is no longer wanted (a failed build)."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()


def _child(conn, function: Callable[..., Any], args: tuple) -> None:
    try:
        conn.send(function(*args))
    except BaseException:  # the parent runs it again and reports the error
        conn.send(_FAILED)
    finally:
        conn.close()
