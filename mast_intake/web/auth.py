"""Who is signed in, what their role allows, and the CSRF token of their session.

Two ways to know the user, chosen by ``MAST_INTAKE_WEB_AUTH``:

- ``local`` (the default): a local account (``mast-intake user add``) signs in with a password,
  checked against its argon2 hash (``web/signin.py`` throttles guessing). The session is a row
  of the ``web_session`` table; the signed, HttpOnly, SameSite=Strict cookie holds only its random
  token and a CSRF token. It ends after ``MAST_INTAKE_WEB_SESSION_MINUTES`` without a request,
  and at once on sign-out, a password change, disabling the account or "sign out everywhere".
- ``trusted_header``: the seam for the council's single sign-on. A reverse proxy in front of the
  console authenticates the person and passes their user name in ``MAST_INTAKE_WEB_USER_HEADER``
  (``X-Remote-User`` by default). The name must belong to an active local account, which still
  gives the role. Only turn this on when the console listens on the loopback address behind that
  proxy, and the proxy removes the header from what browsers send: anyone who can set the
  header can be anyone.

Roles: ``member`` reads the agenda and children's records; ``coordinator`` also records
decisions; ``admin`` also manages accounts and the quarantine.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mast_intake.config.settings import Settings

ROLES = ("member", "coordinator", "admin")
ROLE_LABELS = {"member": "MAST member (read only)", "coordinator": "MAST coordinator",
               "admin": "Administrator"}
PERMISSIONS: dict[str, frozenset[str]] = {
    "member": frozenset({"read"}),
    "coordinator": frozenset({"read", "decide"}),
    "admin": frozenset({"read", "admin"}),
}
AUTH_MODES = ("local", "trusted_header")
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class PasswordTooWeak(ValueError):
    """The password is too short to be allowed."""


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; PasswordTooWeak if it is under 12 characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; an empty hash (SSO-only account) never does."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in person, as the pages need them."""

    id: int
    username: str
    display_name: str
    role: str

    def can(self, permission: str) -> bool:
        """True when the role carries ``permission`` ("read", "decide" or "admin")."""
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def label(self) -> str:
        return self.display_name or self.username


def new_csrf_token() -> str:
    """A fresh random token for one session."""
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the session's token with the one a form sent."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def secret_key(settings: Settings) -> str:
    """The key that signs session cookies: the configured one, else one kept in the data folder.

    A generated key is written once (mode 0600) so that sessions survive a restart; deleting the
    file signs everyone out.
    """
    if settings.web.secret_key:
        return settings.web.secret_key
    path = Path(settings.data_dir) / "web-secret-key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: of two processes starting together, one writes and the other reads its key.
    try:
        fd = path.open("x")
    except FileExistsError:
        return path.read_text().strip()
    with fd:
        path.chmod(0o600)
        fd.write(key)
    return key
