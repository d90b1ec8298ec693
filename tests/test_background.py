"""Work on a second core: the same result whether a child process did it or not."""

from __future__ import annotations

import os
import threading

import pytest

from kb.background import Background, can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="needs fork, two cores, no threads")


def pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


@needs_fork
def test_the_work_is_done_in_a_child_and_the_result_comes_back() -> None:
    work = Background(pid_and_sum, list(range(1000)))
    pid, total = work.result()
    assert total == 499500 and pid != os.getpid()
    assert work.result() == (pid, total)  # asked twice, worked out once
    assert not work.process.is_alive()


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


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_this_process(tmp_path) -> None:
    marker = tmp_path / "ran"

    def dies_in_the_child() -> int:
        if marker.exists():  # the second time: in the parent
            return os.getpid()
        marker.write_text("child")
        os._exit(3)

    assert Background(dies_in_the_child).result() == os.getpid()


@needs_fork
def test_an_error_in_the_child_is_raised_here() -> None:
    def broken() -> None:
        raise ValueError("llms.txt lies outside the site folder")

    work = Background(broken)
    with pytest.raises(ValueError, match="outside the site folder"):
        work.result()


@needs_fork
def test_close_stops_an_unwanted_child() -> None:
    work = Background(threading.Event().wait)  # would wait for ever
    work.close()
    assert not work.process.is_alive()
