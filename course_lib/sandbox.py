"""Run one hand-in's code in a bubblewrap sandbox, as an ordinary user, with limits.

The grader runs every hand-in through :func:`sandboxed`. Inside the sandbox the learner's code

* sees a read-only view of the system (``/usr``, ``/etc``), of Python and its packages and of
  the ``course_lib`` package, and nothing else of the machine: not the instructor's edition,
  not the course's git history, not other hand-ins, not the results. Those are simply absent
  (the sandbox's root is built from the paths listed by :func:`visible_paths` only);
* writes only its private scratch folder (mounted at ``/scratch``) and a private ``/tmp``;
* has no network (a network namespace of its own, with only loopback, which Jupyter needs);
* runs as ``nobody`` when the grader is root (bubblewrap keeps the capabilities to switch user,
  ``setpriv`` switches and drops every capability), or as the grader's own user in a user
  namespace otherwise; ``no_new_privs`` is set, so no set-user-id program can give rights back;
* is limited in memory (``RLIMIT_DATA``: every writable private mapping, so a 64 GB array
  fails with ``MemoryError`` while TensorFlow's large reserved address space does not count),
  in processes (``RLIMIT_NPROC``) and in file size (``RLIMIT_FSIZE``);
* lives in a PID namespace of its own that dies with bubblewrap (``--die-with-parent``), so
  killing bubblewrap's process group at the time limit kills every process the hand-in started.

bubblewrap is Debian's ``bubblewrap`` package, the sandbox Flatpak uses; it needs either root or
unprivileged user namespaces. :func:`sandbox_problem` says why it cannot be used, where it cannot.
"""

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course_lib.validation import existing_path

BWRAP = "/usr/bin/bwrap"
SETPRIV = "/usr/bin/setpriv"
#: The unprivileged user the learner's code runs as when the grader is root.
NOBODY_UID = 65534
#: Where the hand-in's scratch folder appears inside the sandbox.
SCRATCH = "/scratch"
# What the system has at its root and a program may need: read-only, whatever the machine.
_SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


@dataclass(frozen=True)
class Limits:
    """What one hand-in may use: bytes of memory, processes (threads count), bytes per file."""

    memory_bytes: int = 4 * 2**30
    processes: int = 256
    file_bytes: int = 256 * 2**20

    def __post_init__(self):
        for name in ("memory_bytes", "processes", "file_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"Limits.{name} is {value!r}; expected an int, e.g. Limits({name}=1024)")
            if value < 1:
                raise ValueError(f"Limits.{name} is {value}; expected a positive number")


def visible_paths():
    """Return the host folders the sandbox shows, read-only: the system, Python, ``course_lib``.

    Python's folders are its prefixes and the entries of ``sys.path`` inside them (the
    standard library, site-packages). Other ``sys.path`` entries (a ``PYTHONPATH`` checkout, an
    editable install's source folder) would show the whole course, solutions included, so only
    the ``course_lib`` package folder itself is shown.

    Returns:
        A sorted list of absolute paths, none inside another.
    """
    prefixes = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    paths = {Path(p) for p in _SYSTEM_PATHS if Path(p).exists() and not Path(p).is_symlink()}
    paths |= prefixes | {Path(_course_lib_folder())}
    paths |= {
        Path(entry).resolve()
        for entry in sys.path
        if entry and Path(entry).is_dir() and any(Path(entry).resolve().is_relative_to(p) for p in prefixes)
    }
    return sorted(str(p) for p in paths if not any(p != q and p.is_relative_to(q) for q in paths))


def _course_lib_folder():
    import course_lib

    return str(Path(course_lib.__file__).resolve().parent)


def _folders_leading_to(paths):
    """Every ancestor folder of ``paths``, shortest first (bubblewrap creates them, readable by all)."""
    ancestors = {parent for p in paths for parent in Path(p).parents if parent != Path("/")}
    return sorted(map(str, ancestors), key=lambda p: (p.count("/"), p))


def bwrap_arguments(scratch, environment):
    """Return bubblewrap's command line up to the command it runs (see the module docstring).

    Args:
        scratch: the hand-in's private, writable host folder; it appears as ``/scratch``.
        environment: ``{name: value}``, the whole environment of the sandboxed command, but
            ``PYTHONPATH``, which is set to the folder that shows ``course_lib``.

    Returns:
        A list of strings; append the command and its arguments.
    """
    if not isinstance(scratch, (str, os.PathLike)):
        raise TypeError(f"scratch must be a path (a str or a pathlib.Path); received scratch={scratch!r}.")
    if not isinstance(environment, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in environment.items()
    ):
        raise TypeError(
            f"environment must be a dict of str to str, e.g. dict(os.environ); received {environment!r:.80}."
        )
    shown = visible_paths()
    arguments = [
        BWRAP, "--die-with-parent", "--new-session", "--clearenv",
        "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
    ]  # fmt: skip
    if os.geteuid() != 0:
        arguments += ["--unshare-user", "--disable-userns"]  # the grader's user, in a namespace of its own
    for link in _SYSTEM_PATHS:  # merged /usr: /bin -> usr/bin and so on
        if Path(link).is_symlink():
            arguments += ["--symlink", os.readlink(link), link]
    # bubblewrap mounts in order: the private /tmp first, so that the folders shown next stay
    # visible when they live under /tmp (a course cloned or installed there).
    arguments += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for folder in _folders_leading_to(shown):
        arguments += ["--perms", "0755", "--dir", folder]
    for path in shown:
        arguments += ["--ro-bind", path, path]
    arguments += ["--bind", str(scratch), SCRATCH, "--chdir", SCRATCH]
    environment = {**environment, "PYTHONPATH": str(Path(_course_lib_folder()).parent)}
    for name, value in environment.items():
        arguments += ["--setenv", name, value]
    if os.geteuid() == 0:
        # Keep only what setpriv needs to become nobody; it then drops every capability.
        arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", SETPRIV]
        arguments += [f"--reuid={NOBODY_UID}", f"--regid={NOBODY_UID}", "--clear-groups"]
        arguments += ["--inh-caps=-all", "--bounding-set=-all"]
    return arguments + ["--"]


def limit_resources(limits):
    """Return a function for ``Popen(preexec_fn=...)``: its own process group, then ``limits``.

    The limits are inherited by bubblewrap and everything it starts; ``RLIMIT_NPROC`` counts the
    processes of the user the learner's code runs as.
    """
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a sandbox.Limits; received limits={limits!r}. Pass Limits() for the defaults.")

    def apply():
        os.setsid()  # one process group: the time limit kills bubblewrap, the sandbox dies with it
        resource.setrlimit(resource.RLIMIT_DATA, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))

    return apply


def prepare_scratch(scratch):
    """Make ``scratch`` writable by the user the sandboxed code runs as."""
    existing_path(scratch, "scratch", kind="folder")
    if os.geteuid() == 0:
        os.chown(scratch, NOBODY_UID, NOBODY_UID)


_PROBLEM = {}


def sandbox_problem():
    """Return None if the sandbox works here, else why not, in one sentence (probed once).

    The probe starts the sandbox as the grader will and imports the course and nbval in it.
    """
    if "problem" not in _PROBLEM:
        _PROBLEM["problem"] = _probe()
    return _PROBLEM["problem"]


def _probe():
    if not Path(BWRAP).exists():
        return f"bubblewrap is not installed ({BWRAP} is missing; Debian: apt-get install bubblewrap)"
    if os.geteuid() == 0 and not Path(SETPRIV).exists():
        return f"{SETPRIV} is missing (Debian: util-linux), so the sandbox cannot run as nobody"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sandbox-probe-") as scratch:
        prepare_scratch(scratch)
        command = bwrap_arguments(scratch, {"PATH": "/usr/bin:/bin"})
        command += [sys.executable, "-c", "import course_lib, nbval"]
        try:
            probe = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bubblewrap could not start ({error})"
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap could not run the course's Python here: {last}"
    return None
