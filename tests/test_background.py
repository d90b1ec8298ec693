"""Work on a second core: the same result whether a child process did it or not.

The tests that need a fork run in a fresh interpreter (tests.conftest.in_fresh_python):
the browser tests leave threads in this one, and kb never forks a threaded process."""

from __future__ import annotations

import json
import os
import threading

from kb.background import Background
from tests.conftest import in_fresh_python

FORKED = """
    import json, os, sys, threading
    from kb.background import Background, can_fork

    def pid_and_sum(numbers):
        return os.getpid(), sum(numbers)

    def dies_in_the_child(parent):
        if os.getpid() != parent:
            os._exit(3)  # in the child only: dies without an answer
        return "done here"

    def broken():
        raise ValueError("llms.txt lies outside the site folder")

    found = {"can_fork": can_fork()}
    work = Background(pid_and_sum, list(range(1000)))
    pid, total = work.result()
    found["child"] = [pid != os.getpid(), total, work.result() == (pid, total),
                      work.process.is_alive()]
    found["died"] = Background(dies_in_the_child, os.getpid()).result()
    try:
        Background(broken).result()
    except ValueError as exc:
        found["raised"] = str(exc)
    work = Background(threading.Event().wait)  # would wait for ever
    work.close()
    found["closed"] = work.process.is_alive()
    print(json.dumps(found))
"""


def pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def test_a_forked_child_does_the_work_and_failures_fall_back_here() -> None:
    found = json.loads(in_fresh_python(FORKED))
    if not found["can_fork"]:  # one core, or no fork on this system
        return
    assert found["child"] == [True, 499500, True, False]  # asked twice, worked out once
    assert found["died"] == "done here"  # a child that dies leaves the work to the parent
    assert found["raised"] == "llms.txt lies outside the site folder"  # raised in the parent
    assert found["closed"] is False  # close stops an unwanted child


def test_disabled_or_threaded_the_work_is_done_here() -> None:
    assert Background(pid_and_sum, [1, 2], enabled=False).result() == (os.getpid(), 3)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        work = Background(pid_and_sum, [1, 2])
    finally:
        stop.set()
        other.join()
    assert work.process is None and work.result() == (os.getpid(), 3)
