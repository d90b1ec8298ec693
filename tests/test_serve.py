"""`kb serve`: a live preview that rebuilds when an article changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ProjectFactory, article


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        time.sleep(0.2)
    pytest.fail(f"{url} did not show {text!r} within {seconds} s")


@pytest.fixture
def served(project: ProjectFactory):
    project.config({})
    project.one_per_area()
    project.write("returns/termijn.md", article(summary="Je hebt 30 dagen."))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "KB_TODAY": "2026-11-22"},
    )
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_serve_rebuilds_after_an_edit(served) -> None:
    project, url = served
    wait_for(url + "returns/termijn/", "Je hebt 30 dagen.")
    project.write("returns/termijn.md", article(summary="Je hebt nu 60 dagen."))
    page = wait_for(url + "returns/termijn/", "Je hebt nu 60 dagen.")
    assert "Je hebt 30 dagen." not in page
    wait_for(url + "topics/returns/", "Je hebt nu 60 dagen.")


def test_serve_keeps_running_when_an_article_breaks(served) -> None:
    project, url = served
    wait_for(url, "Meest gestelde vragen")
    project.write("returns/kapot.md", article(title="Kapot?", policy="retour"))
    project.write("returns/nieuw.md", article(title="Een nieuwe vraag?"))
    # The broken article is reported, the rest of the site still updates.
    wait_for(url + "topics/returns/", "Een nieuwe vraag?")
