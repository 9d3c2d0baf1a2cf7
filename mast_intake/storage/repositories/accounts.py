"""Web console accounts."""

from __future__ import annotations

from sqlmodel import col, select

from mast_intake.models.rows import USER_ROLES, WebUser
from mast_intake.storage.repositories.base import SqlRepository


class SqlUserRepository(SqlRepository):
    """Accounts of the web console. The caller hashes passwords; nothing here sees one in clear."""

    def add(self, username: str, role: str, password_hash: str, display_name: str = "") -> WebUser:
        """Create an account; ValueError for an unknown role, IntegrityError if the name is taken."""
        if role not in USER_ROLES:
            raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
        now = self.clock()
        user = WebUser(username=username.strip().lower(), display_name=display_name.strip(), role=role,
                       password_hash=password_hash, active=True, created_at=now, updated_at=now)
        self.session.add(user)
        self.session.flush()
        return user

    def get(self, user_id: int) -> WebUser | None:
        """The account with this id, or None."""
        return self.session.get(WebUser, user_id)

    def by_username(self, username: str) -> WebUser | None:
        """The account with this user name (case-insensitive), or None."""
        return self.session.exec(select(WebUser).where(WebUser.username == username.strip().lower())).first()

    def list(self) -> list[WebUser]:
        """Every account, by user name."""
        return list(self.session.exec(select(WebUser).order_by(col(WebUser.username))))

    def update(self, user: WebUser, *, role: str | None = None, password_hash: str | None = None,
               active: bool | None = None, logged_in: bool = False) -> WebUser:
        """Change an account's role, password hash or active flag, or note a sign-in."""
        if role is not None:
            if role not in USER_ROLES:
                raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
            user.role = role
        if password_hash is not None:
            user.password_hash = password_hash
        if active is not None:
            user.active = active
        now = self.clock()
        if logged_in:
            user.last_login_at = now
        user.updated_at = now
        self.session.add(user)
        self.session.flush()
        return user
