"""Writing files people also edit (kb.files): whole or not at all, never over a save kb
did not read, never from half a save."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kb import files
from kb.files import (
    CHANGED,
    Snapshot,
    UnsafeWrite,
    create_file,
    read_stable,
    replace_file,
    rewrite_file,
)

OLD = b"---\ntitle: Termijn?\nreviewed: 2026-01-01\n---\nDertig dagen.\n"


def mark(raw: bytes) -> bytes:
    return raw.replace(b"reviewed: 2026-01-01", b"reviewed: 2026-11-22")


def save(n: int) -> bytes:
    """Another program's save number `n` of the same article."""
    return OLD.replace(b"Dertig dagen.", b"Dertig dagen (versie %d)." % n)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".kb-"))


def leases_work(folder: Path) -> bool:
    probe = folder / "probe"
    probe.write_bytes(b"x")
    fd = os.open(probe, os.O_RDONLY)
    try:
        with files._leases() as usable:
            got = usable and files._lease(fd)
            if got:
                files._unlease(fd)
        return bool(got)
    finally:
        os.close(fd)
        probe.unlink()


def lease_broken(path: Path) -> bool:
    """Whether a program waits to write to the file at `path`, which kb holds a lease on."""
    inode = f":{path.stat().st_ino} "
    with open("/proc/locks", encoding="ascii") as fh:
        return any("LEASE" in line and "BREAKING" in line and inode in line for line in fh)


def another_program(code: str, *args: str) -> subprocess.Popen:
    """A separate process: a lease keeps other processes out, and holds up this one."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


class Saver:
    """Another program that saves the article the way editors' programs do (open with
    truncation, write, close) while kb is working on it."""

    def __init__(self, leases: bool):
        self.leases = leases
        self.programs: list[subprocess.Popen] = []

    def save(self, path: Path, data: bytes) -> None:
        if not self.leases:
            path.write_bytes(data)  # kb holds no lease: this process may write
            return
        program = another_program("import sys; open(sys.argv[1], 'wb').write("
                                  "sys.argv[2].encode())", str(path), data.decode())
        self.programs.append(program)
        # It writes at once, or waits for kb's lease: go on once it is one or the other.
        while program.poll() is None and not lease_broken(path):
            time.sleep(0.005)

    def finish(self) -> None:
        for program in self.programs:
            program.communicate()


@pytest.fixture(params=["leases", "no leases"])
def saver(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Both ways kb knows no save is going on: a lease (Linux) and the file's times."""
    leases = request.param == "leases"
    if leases and not (leases_work(tmp_path) and os.path.exists("/proc/locks")):
        pytest.skip("no file leases here")
    if not leases:
        monkeypatch.setattr(files, "_lease", lambda fd: None)
    monkeypatch.setattr(files, "SETTLE", 0.005)
    made = Saver(leases)
    yield made
    made.finish()


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "termijn.md"
    path.write_bytes(OLD)
    return path


# --- rewrite_file: the write itself ---------------------------------------------------


def test_rewrite_puts_a_new_file_in_place_whole_and_leaves_no_temporary_file(article):
    inode = article.stat().st_ino
    assert rewrite_file(str(article), mark) is True
    assert article.read_bytes() == mark(OLD)
    # A new file renamed over the old one: a reader sees the old text or the new, whole.
    assert article.stat().st_ino != inode
    assert leftovers(article.parent) == []


@pytest.mark.parametrize("mode_bits", [0o640, 0o600, 0o664, 0o444])
def test_rewrite_keeps_the_permission_bits(article, mode_bits):
    article.chmod(mode_bits)
    rewrite_file(str(article), mark)
    assert article.stat().st_mode & 0o7777 == mode_bits


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_rewrite_keeps_the_owner_and_group(article):
    os.chown(article, 1234, 4321)
    rewrite_file(str(article), mark)
    assert (article.stat().st_uid, article.stat().st_gid) == (1234, 4321)


def test_rewrite_that_changes_nothing_leaves_the_file_untouched(article):
    before = article.stat()
    assert rewrite_file(str(article), lambda raw: raw) is False
    after = article.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_rewrite_leaves_the_file_untouched_when_the_new_text_cannot_be_made(article):
    def refuse(raw: bytes) -> bytes:
        raise ValueError("the front matter no longer parses")

    with pytest.raises(ValueError):
        rewrite_file(str(article), refuse)
    assert article.read_bytes() == OLD
    assert leftovers(article.parent) == []


def test_rewrite_leaves_the_file_untouched_when_the_rename_fails(article, monkeypatch):
    def no_rename(source: str, target: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files, "_replace", no_rename)
    with pytest.raises(OSError):
        rewrite_file(str(article), mark)
    assert article.read_bytes() == OLD
    assert leftovers(article.parent) == []


def test_rewrite_of_a_link_changes_the_file_it_points_to_and_keeps_the_link(tmp_path, article):
    link = tmp_path / "link.md"
    link.symlink_to(article.name)
    assert rewrite_file(str(link), mark) is True
    assert link.is_symlink() and os.readlink(link) == article.name
    assert article.read_bytes() == mark(OLD)


def test_rewrite_refuses_a_file_with_hard_links_and_changes_neither(tmp_path, article):
    other = tmp_path / "ander.md"
    os.link(article, other)
    with pytest.raises(UnsafeWrite, match="has 2 names"):
        rewrite_file(str(article), mark)
    assert article.read_bytes() == other.read_bytes() == OLD


def test_read_refuses_a_fifo_instead_of_waiting_for_it(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeWrite, match="not a regular file"):
        read_stable(str(fifo))


# --- rewrite_file: other programs saving the same file --------------------------------


def test_rewrite_reads_again_and_recomputes_when_the_file_is_saved_between_read_and_write(
        article, saver):
    seen = []

    def mark_while_saved(raw: bytes) -> bytes:
        seen.append(raw)
        if len(seen) == 1:
            saver.save(article, save(1))  # saved while kb works on the first read
        return mark(raw)

    assert rewrite_file(str(article), mark_while_saved) is True
    saver.finish()
    assert seen == [OLD, save(1)]
    assert article.read_bytes() == mark(save(1))
    assert leftovers(article.parent) == []


def test_rewrite_notices_a_save_that_renames_a_new_file_over_the_article(article, saver):
    seen = []

    def mark_while_saved(raw: bytes) -> bytes:
        seen.append(raw)
        if len(seen) == 1:
            # Many editors save atomically: a new file, renamed over the old one.
            fresh = article.with_name(".termijn.md.swp")
            fresh.write_bytes(save(1))
            os.replace(fresh, article)
        return mark(raw)

    assert rewrite_file(str(article), mark_while_saved) is True
    assert seen == [OLD, save(1)]
    assert article.read_bytes() == mark(save(1))


def test_rewrite_that_started_from_an_older_read_marks_the_newer_save(article, saver):
    planned = read_stable(str(article))
    article.write_bytes(save(1))
    assert rewrite_file(str(article), mark, planned) is True
    assert article.read_bytes() == mark(save(1))


def test_rewrite_refuses_a_file_that_keeps_changing_and_leaves_the_last_save(article, saver):
    saves = iter(range(1, 100))

    def mark_while_saved(raw: bytes) -> bytes:
        saver.save(article, save(next(saves)))
        return mark(raw)

    with pytest.raises(UnsafeWrite) as refused:
        rewrite_file(str(article), mark_while_saved)
    saver.finish()
    assert refused.value.message == CHANGED
    assert article.read_bytes() == save(files.TRIES)
    assert leftovers(article.parent) == []


def save_before_the_rename(monkeypatch: pytest.MonkeyPatch, saver: Saver, data: bytes) -> list:
    """In the instant between kb's last check and its rename, the other program opens
    the file to save it: its save goes into the file being replaced."""
    real = files._replace
    calls = []

    def save_then_rename(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 1:
            if saver.leases:
                saver.save(Path(target), data)
            else:
                with open(target, "r+b") as fh:  # one program: open, write, close
                    fh.truncate(0)
                    fh.write(data)
        real(source, target)

    monkeypatch.setattr(files, "_replace", save_then_rename)
    return calls


def test_rewrite_takes_a_save_made_in_the_instant_before_the_rename_and_marks_that(
        article, saver, monkeypatch):
    calls = save_before_the_rename(monkeypatch, saver, save(1))
    assert rewrite_file(str(article), mark) is True
    saver.finish()
    assert len(calls) == 2
    assert article.read_bytes() == mark(save(1))
    assert leftovers(article.parent) == []


def test_a_late_save_that_cannot_be_marked_is_put_back_as_it_was(article, saver, monkeypatch):
    broken = b"---\ntitle: [half"

    def strict(raw: bytes) -> bytes:
        if not raw.endswith(b"\n"):
            raise ValueError("half a file")
        return mark(raw)

    save_before_the_rename(monkeypatch, saver, broken)
    with pytest.raises(ValueError):
        rewrite_file(str(article), strict)
    saver.finish()
    # The other program's save wins over kb's, even when kb cannot mark it.
    assert article.read_bytes() == broken
    assert leftovers(article.parent) == []


WRITER = """
    import sys, time
    path, first, rest = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
    with open(path, "wb") as fh:   # truncates, as an editor's program does
        fh.write(first)
        fh.flush()
        print("half", flush=True)
        sys.stdin.readline()
        fh.write(rest)
"""


@pytest.fixture
def leases_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not leases_work(tmp_path):
        pytest.skip("no file leases here")
    monkeypatch.setattr(files, "SETTLE", 0.005)


def test_rewrite_refuses_while_another_program_is_half_way_through_a_save(
        article, leases_only, monkeypatch):
    text = save(1).decode()
    half = len(text) // 2
    writer = another_program(WRITER, str(article), text[:half], text[half:])
    try:
        assert writer.stdout.readline() == "half\n"
        monkeypatch.setattr(files, "PATIENCE", 0.2)
        with pytest.raises(UnsafeWrite) as refused:
            rewrite_file(str(article), mark)
        assert refused.value.message == CHANGED
        assert article.read_bytes() == save(1)[:half]
    finally:
        writer.communicate("\n")
    assert article.read_bytes() == save(1)
    assert leftovers(article.parent) == []


def test_rewrite_waits_for_a_save_that_is_going_on_and_marks_it_whole(
        article, leases_only, monkeypatch):
    text = save(1).decode()
    half = len(text) // 2
    # The writer ends its save by itself, a moment after kb has started to wait.
    writer = another_program(WRITER.replace("sys.stdin.readline()", "time.sleep(0.2)"),
                             str(article), text[:half], text[half:])
    assert writer.stdout.readline() == "half\n"
    monkeypatch.setattr(files, "PATIENCE", 120.0)
    assert rewrite_file(str(article), mark) is True
    writer.communicate()
    assert article.read_bytes() == mark(save(1))


# --- without leases: when a save is over ---------------------------------------------


def snapshots(*items: tuple[bytes, int]) -> list[Snapshot]:
    """Reads of a file: (bytes, modification time in ns)."""
    template = os.stat(__file__)
    out = []
    for data, mtime in items:
        fields = list(template)
        fields[6], fields[8] = len(data), mtime // 1_000_000_000  # st_size, st_mtime
        st = os.stat_result(fields, {"st_mtime_ns": mtime, "st_ctime_ns": mtime})
        out.append(Snapshot(data, st))
    return out


def test_without_leases_a_file_saved_a_moment_ago_is_taken_only_when_two_reads_agree(
        monkeypatch):
    monkeypatch.setattr(files, "SETTLE", 0.001)
    now = time.time_ns() + 60_000_000_000  # as if saved just now, whatever the clock says
    reads = iter(snapshots((b"---\ntitle: ha", now + 1), (b"---\ntitle: half", now + 2),
                           (b"---\ntitle: whole\n", now + 3), (b"---\ntitle: whole\n", now + 3)))
    taken = files._settled(lambda: next(reads))
    assert taken.data == b"---\ntitle: whole\n"


def test_without_leases_a_file_left_alone_for_a_moment_is_read_once(monkeypatch):
    long_ago = time.time_ns() - 10_000_000_000 + 123
    reads = iter(snapshots((OLD, long_ago)))
    assert files._settled(lambda: next(reads)).data == OLD


def test_without_leases_whole_second_times_mean_waiting_for_two_agreeing_reads(monkeypatch):
    # A file system that keeps whole seconds (FAT: two) may show a save a second old.
    monkeypatch.setattr(files, "SETTLE", 0.001)
    second = (time.time_ns() // 1_000_000_000 - 1) * 1_000_000_000
    reads = iter(snapshots((b"---\nti", second), (b"---\ntitle: whole\n", second),
                           (b"---\ntitle: whole\n", second)))
    assert files._settled(lambda: next(reads)).data == b"---\ntitle: whole\n"


def test_without_leases_a_file_that_never_settles_is_refused(monkeypatch):
    monkeypatch.setattr(files, "SETTLE", 0.001)
    monkeypatch.setattr(files, "PATIENCE", 0.05)
    counter = iter(range(10**9))
    now = time.time_ns() + 60_000_000_000

    def read() -> Snapshot:
        n = next(counter)
        return snapshots((b"save %d" % n, now + n))[0]

    with pytest.raises(UnsafeWrite, match="changed while kb was writing it"):
        files._settled(read)


# --- create_file and replace_file -----------------------------------------------------


def test_create_file_writes_a_new_file_whole_with_the_usual_permissions(tmp_path):
    path = tmp_path / "nieuw.md"
    umask = os.umask(0o027)
    try:
        create_file(str(path), OLD)
    finally:
        os.umask(umask)
    assert path.read_bytes() == OLD
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.stat().st_nlink == 1
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["file", "broken link", "link to a file", "folder"])
@pytest.mark.parametrize("links", [True, False], ids=["hard links", "no hard links"])
def test_create_file_never_replaces_what_has_the_name(tmp_path, monkeypatch, kind, links):
    if not links:
        def no_links(source, target):
            raise OSError(errno.EPERM, "Operation not permitted")
        monkeypatch.setattr(files.os, "link", no_links)
    path = tmp_path / "nieuw.md"
    elsewhere = tmp_path / "elders.md"
    if kind == "file":
        path.write_bytes(b"mine\n")
    elif kind == "broken link":
        path.symlink_to(elsewhere)
    elif kind == "link to a file":
        elsewhere.write_bytes(b"mine\n")
        path.symlink_to(elsewhere)
    else:
        path.mkdir()
    with pytest.raises(FileExistsError):
        create_file(str(path), OLD)
    if kind == "broken link":
        assert path.is_symlink() and not elsewhere.exists()
    elif kind == "folder":
        assert path.is_dir()
    else:
        assert path.read_bytes() == b"mine\n"
    assert leftovers(tmp_path) == []


def test_replace_file_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "rapport.html"
    path.write_bytes(b"old report")
    path.chmod(0o640)
    replace_file(str(path), b"new report")
    assert path.read_bytes() == b"new report"
    assert path.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_replace_file_leaves_the_old_file_when_it_cannot_write(tmp_path, monkeypatch):
    path = tmp_path / "rapport.html"
    path.write_bytes(b"old report")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(OSError):
        replace_file(str(path), b"new report")
    assert path.read_bytes() == b"old report"
    assert leftovers(tmp_path) == []


def test_writes_need_no_lease_support_to_be_safe(article, monkeypatch):
    # Without fcntl leases at all (macOS, Windows) kb falls back to watching the file.
    monkeypatch.delattr(fcntl, "F_SETLEASE")
    assert rewrite_file(str(article), mark) is True
    assert article.read_bytes() == mark(OLD)


def test_report_output_replaces_the_file_whole_and_keeps_its_permissions(project):
    from click.testing import CliRunner

    from kb.cli import cli

    project.config()
    report = project.root / "rapport.md"
    report.write_text("het vorige rapport\n")
    report.chmod(0o640)
    link = project.root / "laatste.md"
    link.symlink_to(report.name)
    result = CliRunner().invoke(cli, ["report", "--output", "laatste.md"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert report.read_text().startswith("# ")
    assert report.stat().st_mode & 0o777 == 0o640
    assert leftovers(project.root) == []
