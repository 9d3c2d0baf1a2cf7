"""Turn a Word 97-2003 .doc into a .docx with LibreOffice, when it is installed.

This runs in the service process, not the parse sandbox: LibreOffice is its own process tree,
started in a new session with a deadline and killed as a group, and it needs more address
space than the parse child is allowed. Its output is untrusted like any upload and goes back
through the front door (sniff, guards, sandboxed reader).

Hardening, because the input is hostile:

* a private temporary directory (mode 0700) with fixed file names; the sender's file name is
  never used on disk;
* a throw-away LibreOffice profile (``-env:UserInstallation``) pre-seeded so macros never run
  (security level "very high", macro execution disabled, VBA neither loaded nor made
  executable), links and fields are never updated and untrusted referer links are blocked;
* no shell, a minimal environment, output discarded, a wall-clock deadline.

Encrypted and macro-carrying .doc files are refused before conversion (see ``sniff``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from mast_intake.parsers.rejections import ParseRejected

log = logging.getLogger(__name__)

_INPUT = "input.doc"
_OUTPUT = "input.docx"
_FILTER = "docx:MS Word 2007 XML"

_ITEM = '<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
_SETTINGS = [
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Writer/Filter/Import/VBA", "Load", "false"),
    ("/org.openoffice.Office.Writer/Filter/Import/VBA", "Executable", "false"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),  # 0 = never update links
    ("/org.openoffice.Office.Writer/Content/Update", "Field", "false"),
]
_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + "\n".join(_ITEM.format(path=p, name=n, value=v) for p, n, v in _SETTINGS)
    + "\n</oor:items>\n"
)


def soffice_path() -> str | None:
    """The LibreOffice executable on PATH, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_doc(data: bytes, timeout_seconds: float, max_bytes: int) -> bytes:
    """Convert legacy Word ``data`` to .docx bytes with headless LibreOffice.

    Raises ParseRejected ``legacy_doc`` when LibreOffice is missing or the conversion fails or
    overruns, and ``too_large`` when the converted file is larger than ``max_bytes``.
    """
    soffice = soffice_path()
    if soffice is None:
        raise ParseRejected("legacy_doc", "no converter installed")
    with tempfile.TemporaryDirectory(prefix="mast-legacy-") as work:
        root = Path(work)
        source, outdir, profile = root / _INPUT, root / "out", root / "profile"
        outdir.mkdir()
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        source.write_bytes(data)
        command = [
            soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
            "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", _FILTER, "--outdir", str(outdir), str(source),
        ]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root),
               "TMPDIR": str(root), "LANG": "C.UTF-8"}
        _run(command, env, root, timeout_seconds)
        result = outdir / _OUTPUT
        if not result.is_file():
            raise ParseRejected("legacy_doc", "conversion produced no file")
        if result.stat().st_size > max_bytes:
            raise ParseRejected("too_large", "converted file too large")
        return result.read_bytes()


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout_seconds: float) -> None:
    # A new session makes LibreOffice's launcher and soffice.bin one process group that we can
    # kill together; killing only the launcher would orphan the real process.
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True,
    )
    try:
        process.wait(timeout=timeout_seconds)
    except subprocess.TimeoutExpired as exc:
        log.warning("legacy conversion killed after %.0fs deadline", timeout_seconds)
        raise ParseRejected("legacy_doc", "conversion timed out") from exc
    finally:
        _kill_group(process.pid)
        process.wait()
    if process.returncode != 0:
        log.warning("legacy conversion failed with exit code %s", process.returncode)
        raise ParseRejected("legacy_doc", "conversion failed")


def _kill_group(pgid: int) -> None:
    """Kill whatever is left of the group we started (it is ours: a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
