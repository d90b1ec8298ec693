"""Writing files that people also edit: whole or not at all, and never over a save kb
did not read (pure; standard library only).

Three ways to write, one per kind of file:

- `rewrite_file` changes a file an editor owns (`kb review --mark`): read it, compute
  the new text, write that to a temporary file beside it and rename the temporary
  file over it, keeping its permissions (and owner and group where the process may
  set them). kb never reads half a save, and right before the rename it checks that
  the file is still exactly what it read; when another program saved it in the
  meantime kb reads the new save and computes again, and after a few tries refuses.
- `create_file` writes a new file (`kb new`, `kb gaps --drafts`): the name is claimed
  atomically with the whole text in it, and nothing that has the name, not even a
  broken link, is ever replaced.
- `replace_file` writes kb's own output (`kb report --output`) whole or not at all.

How kb knows that no save is going on. On Linux, for a file the user owns, kb holds a
read lease while it reads and replaces the file: the kernel grants it only while no
program has the file open for writing (an editor's program that truncates the file
and writes it in chunks has), and a program that opens the file for writing while kb
holds it waits until kb lets go, so kb learns of it. Elsewhere (another system, a file
of another user, a file system without leases) kb waits until nothing has written to
the file for SETTLE seconds; a program that stops half-way through a save for longer
than that can still be read half-saved there.

A link is followed: the file it points to is rewritten and the link stays a link. A
file with more than one name (hard links) is refused: a new file would leave the other
names with the old text.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

# A file nothing wrote to for this long is not half-way through a save: one save
# writes its chunks within milliseconds. Also the pause between two looks at a file
# that is being saved.
SETTLE = 0.05
# How long kb waits for a save that is going on to end.
PATIENCE = 2.0
# How often kb reads a file again that changed before it could write it.
TRIES = 5

CHANGED = "changed while kb was writing it; nothing was written — save it and run again"
BUSY = ("kept changing while kb was reading it (another program is saving it); nothing "
        "was written — save it and run again")
UNFINISHED = ("was saved by another program while kb wrote it, and that save did not end; "
              "check the file and run again")


class UnsafeWrite(Exception):
    """The file cannot be written safely now; the message follows the file's name."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes and its status when they were read."""

    data: bytes
    stat: os.stat_result


def _key(st: os.stat_result) -> tuple[int, ...]:
    # ctime too: a save within the same mtime tick still moves the change time.
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _read_fd(fd: int) -> Snapshot | None:
    """The whole file behind `fd`, or None when it changed while being read."""
    before = os.fstat(fd)
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    after = os.fstat(fd)
    data = b"".join(chunks)
    if _key(before) != _key(after) or len(data) != after.st_size:
        return None
    return Snapshot(data, after)


def _open(path: str) -> int:
    # A FIFO or a device behind a link would block or never end: regular files only,
    # opened without waiting so that a FIFO cannot hold kb up before it is seen.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeWrite("is not a regular file")
    return fd


def _read_path(path: str) -> Snapshot | None:
    fd = _open(path)
    try:
        return _read_fd(fd)
    finally:
        os.close(fd)


def refuse_hard_links(st: os.stat_result) -> None:
    if st.st_nlink > 1:
        raise UnsafeWrite(f"has {st.st_nlink} names (hard links), which would keep the old "
                          "text; change it by hand")


# --- leases (Linux) -------------------------------------------------------------------


@contextmanager
def _leases() -> Iterator[bool]:
    """Whether leases can be used now. The kernel tells a lease holder that a program
    wants to write with SIGIO, which ends a process by default: kb ignores it while
    this lasts and asks instead (`_broken`). Only the main thread may do so."""
    if fcntl is None or not hasattr(fcntl, "F_SETLEASE") or not hasattr(signal, "SIGIO") \
            or threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGIO) is None:
        yield False
        return
    previous = signal.signal(signal.SIGIO, signal.SIG_IGN)
    try:
        yield True
    finally:
        signal.signal(signal.SIGIO, previous)


def _lease(fd: int) -> bool | None:
    """Take a read lease: True when taken, False while a program has the file open for
    writing, None where leases are not to be had (not the owner, no support)."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        return False if exc.errno == errno.EAGAIN else None
    return True


def _unlease(fd: int) -> None:
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    except OSError:
        pass


def _broken(fd: int) -> bool:
    """Whether a program has opened the leased file for writing (it waits for kb)."""
    try:
        return fcntl.fcntl(fd, fcntl.F_GETLEASE) != fcntl.F_RDLCK
    except OSError:
        return True


def _leased(path: str, deadline: float, message: str) -> tuple[int, Snapshot] | None:
    """`path` opened and read under a lease, waiting for a save that is going on to
    end: the descriptor (leased; the caller lets go and closes it) and the bytes.
    None where there are no leases."""
    while True:
        fd = _open(path)
        try:
            got = _lease(fd)
            now = _read_fd(fd) if got else None
        except BaseException:
            os.close(fd)
            raise
        if now is not None:
            return fd, now
        if got:
            _unlease(fd)
        os.close(fd)
        if got is None:
            return None
        if time.monotonic() >= deadline:
            raise UnsafeWrite(message)
        time.sleep(SETTLE)


def _late_save(fd: int) -> Snapshot:
    """The save a program wrote into the file behind `fd` once it has closed it."""
    deadline = time.monotonic() + PATIENCE
    while True:
        if _lease(fd):
            try:
                now = _read_fd(fd)
            finally:
                _unlease(fd)
            if now is not None:
                return now
        if time.monotonic() >= deadline:
            raise UnsafeWrite(UNFINISHED)
        time.sleep(SETTLE)


# --- the writes -----------------------------------------------------------------------


def _settled(read: Callable[[], Snapshot | None], message: str = CHANGED) -> Snapshot:
    """Without leases, a read that is not half a save: taken once nothing has written
    to the file for SETTLE seconds, by its modification time or by two reads."""
    deadline = time.monotonic() + PATIENCE
    previous = None
    while True:
        now = read()
        if now is not None:
            mtime = now.stat.st_mtime_ns
            # Whole seconds: a file system that keeps no fractions (FAT keeps two).
            quiet = SETTLE * 1e9 + (0 if mtime % 1_000_000_000 else 2e9)
            if time.time_ns() - mtime >= quiet:
                return now
            # Also for a clock that differs from the file system's (a network share).
            if previous is not None and now.data == previous.data and \
                    _key(now.stat) == _key(previous.stat):
                return now
        if time.monotonic() >= deadline:
            raise UnsafeWrite(message)
        previous = now
        time.sleep(SETTLE)


def read_stable(path: str) -> Snapshot:
    """The file at `path` as it is between saves (UnsafeWrite when it keeps changing)."""
    with _leases() as usable:
        got = _leased(path, time.monotonic() + PATIENCE, BUSY) if usable else None
        if got is not None:
            fd, now = got
            _unlease(fd)
            os.close(fd)
            return now
    return _settled(lambda: _read_path(path), BUSY)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(folder: str, data: bytes, like: os.stat_result | None) -> tuple[int, str]:
    """An open temporary file in `folder` holding `data` on disk, with the owner and
    permissions of `like` (else those of a new file); the caller closes and removes it."""
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".kb-", suffix=".tmp")
    try:
        if like is None:
            os.chmod(temporary, 0o666 & ~_umask())
        else:
            if hasattr(os, "fchown") and (like.st_uid, like.st_gid) != (os.getuid(),
                                                                          os.getgid()):
                # Only root may give a file away; a group the user is in may do.
                for uid, gid in ((like.st_uid, like.st_gid), (-1, like.st_gid)):
                    try:
                        os.fchown(fd, uid, gid)
                        break
                    except OSError:
                        continue
            # After the owner: changing it clears the set-user-ID and set-group-ID bits.
            os.chmod(temporary, stat.S_IMODE(like.st_mode))
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    _write_all(fd, data, temporary)
    return fd, temporary


def _sync_folder(folder: str) -> None:
    """Make a rename in `folder` survive a power cut, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(source: str, target: str) -> None:
    # One name for the rename, so that a test can act in the instant before it.
    os.replace(source, target)


def _swap(target: str, data: bytes, like: os.stat_result, still: Callable[[], int | None],
          late: Callable[[int], Snapshot | None]) -> tuple[Snapshot, Snapshot | None] | None:
    """Rename a temporary file holding `data` over `target` when `still()` gives a
    descriptor of the file there (else None: nothing written). Returns what kb put
    in place and what `late` finds another program wrote, in the instant around the
    rename, into the file that was replaced (None: nothing)."""
    folder = os.path.dirname(target)
    fd, temporary = _temporary(folder, data, like)
    replaced = False
    try:
        old = still()
        if old is None:
            return None
        try:
            _replace(temporary, target)
            replaced = True
            return Snapshot(data, os.fstat(fd)), late(old)
        finally:
            os.close(old)
    finally:
        os.close(fd)
        if replaced:
            _sync_folder(folder)
        else:
            os.unlink(temporary)


def rewrite_file(path: str, transform: Callable[[bytes], bytes],
                 read: Snapshot | None = None) -> bool:
    """Replace the file at `path` by `transform` of its bytes; False when that changes
    nothing (the file is left untouched).

    `read` is a snapshot the caller took with `read_stable`, used where there are no
    leases. Whatever `transform` raises leaves the file as it was. UnsafeWrite when
    the file keeps changing, has more than one name or is not a regular file.
    """
    target = os.path.realpath(path)
    with _leases() as usable:
        done = _rewrite_leased(target, transform) if usable else None
        if done is not None:
            return done
    return _rewrite_watched(target, transform, read)


def _rewrite_leased(target: str, transform: Callable[[bytes], bytes]) -> bool | None:
    """`rewrite_file` under a lease; None where there are no leases."""
    deadline = time.monotonic() + PATIENCE
    # kb's own file at `target`, and a save that went into the file it replaced.
    ours: Snapshot | None = None
    late: Snapshot | None = None
    for _ in range(TRIES):
        got = _leased(target, deadline, CHANGED)
        if got is None:
            if ours is None:
                return None
            raise UnsafeWrite(UNFINISHED)
        fd, now = got
        try:
            if ours is not None and (now.data != ours.data or
                                     _key(now.stat)[:2] != _key(ours.stat)[:2]):
                ours = late = None  # saved again since: that newer save is the one to change
            refuse_hard_links(now.stat)
            base = late or now
            try:
                data = transform(base.data)
            except Exception:
                if late is not None:
                    # That program's save must not be lost to kb's: put it back as it is.
                    _swap(target, late.data, now.stat, partial(_named, target, fd, now),
                          lambda old: None)
                raise
            if data == now.data:
                return ours is not None
            swapped = _swap(target, data, now.stat, partial(_named, target, fd, now),
                            partial(_late_leased, fd))
        finally:
            _unlease(fd)
            os.close(fd)
        if swapped is not None:
            ours, late = swapped
            if late is None:
                return True
    raise UnsafeWrite(CHANGED)


def _named(target: str, fd: int, now: Snapshot) -> int | None:
    """A descriptor of the leased file when `target` still names it (a program may
    have renamed its own save over it) and no program has asked to write to it."""
    try:
        there = os.stat(target)
    except OSError:
        return None
    if (there.st_dev, there.st_ino) != (now.stat.st_dev, now.stat.st_ino) or _broken(fd):
        return None
    return os.dup(fd)


def _late_leased(fd: int, old: int) -> Snapshot | None:
    # `old` (the descriptor `_swap` checked) is a copy of `fd`, which holds the lease.
    if not _broken(fd):
        return None
    # It asked to write in the instant around the rename and waits for kb; let it write
    # (into the file just replaced) and take its save.
    _unlease(fd)
    return _late_save(fd)


def _rewrite_watched(target: str, transform: Callable[[bytes], bytes],
                     read: Snapshot | None) -> bool:
    """`rewrite_file` without leases: by status and bytes, before and after the rename."""
    base = read or _settled(lambda: _read_path(target))
    # What must be at `target` right before the rename: normally what was read; after
    # a save that went into the file just replaced, what kb put there itself.
    expected = base
    for _ in range(TRIES):
        refuse_hard_links(expected.stat)
        try:
            data = transform(base.data)
        except Exception:
            if expected is not base:
                # That program's save must not be lost to kb's: put it back as it is.
                _swap(target, base.data, base.stat, partial(_still, target, expected),
                      lambda old: None)
            raise
        if data == base.data and expected is base:
            return False
        swapped = _swap(target, data, base.stat, partial(_still, target, expected),
                        partial(_late_watched, expected=expected))
        if swapped is None:
            base = expected = _settled(lambda: _read_path(target))
            continue
        ours, late = swapped
        if late is None:
            return True
        expected, base = ours, late
    raise UnsafeWrite(CHANGED)


def _still(path: str, expected: Snapshot) -> int | None:
    """A descriptor of `path` when it is exactly `expected` (status and bytes)."""
    try:
        fd = _open(path)
    except (OSError, UnsafeWrite):
        return None
    now = _read_fd(fd)
    if now is None or now.data != expected.data or _key(now.stat) != _key(expected.stat):
        os.close(fd)
        return None
    return fd


def _late_watched(old: int, expected: Snapshot) -> Snapshot | None:
    # Not the change time: the rename itself moves it.
    now = _read_fd(old)
    if now is not None and now.data == expected.data and \
            now.stat.st_mtime_ns == expected.stat.st_mtime_ns:
        return None
    # A program opened the file for writing in the instant between the check and the
    # rename, so its save went into the file just replaced: take it once complete.
    return _settled(lambda: _read_fd(old), UNFINISHED)


def create_file(path: str, data: bytes) -> None:
    """Write a new file whole. FileExistsError when anything has the name already,
    even a broken link: nothing is ever replaced."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = _temporary(folder, data, None)
    os.close(fd)
    try:
        # A hard link claims the name atomically, with the whole text already in it.
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS,
                             errno.EMLINK):
            raise
        _create_exclusively(path, data)  # a file system without hard links
    finally:
        os.unlink(temporary)
    _sync_folder(folder)


def _create_exclusively(path: str, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o666)
    _write_all(fd, data, path)  # O_EXCL: the file is the one just made
    os.close(fd)


def _write_all(fd: int, data: bytes, made: str) -> None:
    """Write `data` to the new file `made` and flush it to disk; on any failure the
    file is closed and removed."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(made)
        raise


def replace_file(path: str, data: bytes) -> None:
    """Write kb's own output to `path` whole or not at all. An existing file keeps its
    permissions (through a link: the file it points to); a new one gets the usual
    ones (umask)."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    try:
        like = os.stat(target)
    except FileNotFoundError:
        like = None
    if like is not None and not stat.S_ISREG(like.st_mode):
        raise IsADirectoryError(errno.EISDIR, "not a regular file", path)
    fd, temporary = _temporary(folder, data, like)
    try:
        _replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    finally:
        os.close(fd)
    _sync_folder(folder)
