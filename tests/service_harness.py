"""Run the real `mast-intake` command in a child process against a data folder of its own."""

from __future__ import annotations

import email
import email.policy
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with


@dataclass
class Service:
    """One service's data folder and how to run commands against it."""

    root: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.root / "var"

    @property
    def inbox(self) -> Path:
        return self.data / "mailbox"

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAST_INTAKE_")}
        env.update({"MAST_INTAKE_DATA_DIR": str(self.data), **self.extra_env, **more})
        return env

    def run(self, *args: str, crash_at: str = "", check: bool = True, timeout: float = 300,
            **env: str) -> subprocess.CompletedProcess:
        extra = {"MAST_INTAKE_CRASHPOINT": crash_at} if crash_at else {}
        result = subprocess.run(
            [sys.executable, "-m", "mast_intake", *args], cwd=self.root, env=self.env(**extra, **env),
            capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"mast-intake {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def popen(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "mast_intake", *args], cwd=self.root, env=self.env(**env),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def send_tool(self, data: bytes | None = None, name: str = "tool.docx", **kwargs) -> bytes:
        raw = email_with([(name, data if data is not None else build_form(base_spec()))], **kwargs)
        drop(self.inbox, raw)
        return raw

    def outbox(self) -> list[EmailMessage]:
        folder = self.data / "outbox" / "new"
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for path in sorted(folder.glob("*"))
        ] if folder.exists() else []

    def filed(self, folder: str) -> list[Path]:
        box = self.inbox / f".{folder}"
        return sorted((box / "new").glob("*")) + sorted((box / "cur").glob("*"))

    def waiting(self) -> list[Path]:
        return sorted((self.inbox / "new").glob("*")) + sorted((self.inbox / "cur").glob("*"))

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.data / "mast-intake.db") as connection:
            return connection.execute(sql).fetchall()
