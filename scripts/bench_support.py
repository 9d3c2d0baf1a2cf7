"""What every `make bench` figure shares: where things are, fresh processes, and test emails."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fictional-data factories and the shared samples' location

from tests.mail_factory import drop, email_with  # noqa: E402
from tests.shared_paths import SAMPLES  # noqa: E402

BIN = Path(sys.executable).parent
__all__ = ["BIN", "ROOT", "SAMPLES", "drop_tool_emails", "env", "spawned"]


def spawned(target, *args):
    """Run ``target(*args, queue)`` in a fresh interpreter and return what it put on the queue.

    Each figure gets a process of its own, so its peak memory (max RSS) is its own.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def env(data_dir: Path, **more: str) -> dict[str, str]:
    """This environment without any MAST_INTAKE_ setting, with the data in ``data_dir``."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("MAST_INTAKE_")}
    variables.update({"MAST_INTAKE_DATA_DIR": str(data_dir), **more})
    return variables


def drop_tool_emails(maildir: Path, files: list[bytes], count: int, prefix: str = "") -> None:
    """``count`` emails into ``maildir``, each with one of ``files`` attached as a Word tool."""
    for number in range(count):
        drop(maildir, email_with([(f"tool{number}.docx", files[number % len(files)])]),
             name=f"{prefix}{number:06d}.eml")
