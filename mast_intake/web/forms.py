"""The console's posted forms as typed models, and the error each refused field shows.

Every form is read leniently (a missing or odd field becomes empty, never a crash), so a refused
form comes back filled in as typed. Each model's ``problems`` lists what stops it being used, as
``FieldError``s the templates put in the GOV.UK error summary and beside each field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from starlette.datastructures import FormData

from mast_intake.web.auth import ROLES
from mast_intake.web.context import safe_next

CARRY = "carry:"


@dataclass(frozen=True)
class FieldError:
    """A problem with one field; ``field_id`` is the id the error summary links to."""

    field_id: str
    message: str


def _as_sent(value: object) -> str:
    return value if isinstance(value, str) else ""


def _stripped(value: object) -> str:
    return _as_sent(value).strip()


# A text field as sent (passwords), trimmed (most fields), or lower-cased (user names).
Raw = Annotated[str, BeforeValidator(_as_sent)]
Text = Annotated[str, BeforeValidator(_stripped)]
Name = Annotated[str, BeforeValidator(_stripped), AfterValidator(str.lower)]


def _ticked(value: object) -> bool:
    return value is True or value == "yes"


# A checkbox is ticked when it sends "yes".
Ticked = Annotated[bool, BeforeValidator(_ticked)]


class FormModel(BaseModel):
    """A posted form: only its own fields are read, each as typed."""

    model_config = ConfigDict(extra="ignore")
    # Fields built from several sent fields, never read from one of the same name.
    GATHERED: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def read(cls, form: Mapping[str, Any], **gathered: Any) -> Self:  # noqa: ANN401 - any field's type
        """The form's fields from what the browser sent, with the ``gathered`` ones given."""
        sent = {name: form.get(name) for name in cls.model_fields
                if name in form and name not in cls.GATHERED}
        return cls.model_validate({**sent, **gathered})


class AddUser(FormModel):
    """An administrator adding an account."""

    username: Name = ""
    display_name: Text = ""
    role: Raw = ""
    password: Raw = ""

    def problems(self) -> list[FieldError]:
        """The first thing wrong before the password is hashed (none when it may be)."""
        if not re.fullmatch(r"[a-z0-9._@-]{2,320}", self.username):
            return [FieldError("new-username", "Give a user name of letters, digits, dots, dashes or @")]
        if self.role not in ROLES:
            return [FieldError("new-role", "Choose a role")]
        return []


def _choice(value: object) -> str | None:
    return _as_sent(value) or None


def _yes_no(value: object) -> bool | None:
    return {"yes": True, "no": False}.get(_as_sent(value))


class ChangeUser(FormModel):
    """An administrator changing an account's role or disabling it (None: leave as it is)."""

    role: Annotated[str | None, BeforeValidator(_choice)] = None
    active: Annotated[bool | None, BeforeValidator(_yes_no)] = None

    def problems(self, user_id: int, own_id: int) -> list[FieldError]:
        """What forbids this change to account ``user_id`` by the administrator ``own_id``."""
        if user_id == own_id and (self.active is False or (self.role and self.role != "admin")):
            return [FieldError(f"role-{user_id}",
                               "You cannot disable your own account or remove your own administrator role")]
        if self.role is not None and self.role not in ROLES:
            return [FieldError(f"role-{user_id}", "Choose a role")]
        return []


class LiftLock(FormModel):
    """An administrator lifting a sign-in lock."""

    key: Raw = ""


class SignIn(FormModel):
    """The sign-in form, with a form sent after the session ended carried through it."""

    username: Name = ""
    password: Raw = ""
    next: Raw = "/"
    resume: Raw = ""
    carry: list[tuple[str, str]] = []
    GATHERED = frozenset({"carry"})

    @classmethod
    def read_all(cls, form: FormData) -> Self:
        """The sign-in fields and every carried field (``carry:NAME``), in the order sent."""
        return cls.read(form, carry=[(k.removeprefix(CARRY), str(v)) for k, v in form.multi_items()
                                     if k.startswith(CARRY)])

    @property
    def target(self) -> str:
        """Where to go once signed in: a path on this site."""
        return safe_next(self.next)

    @property
    def resume_at(self) -> str:
        """The form's address to send the carried fields to again ("" when none)."""
        return safe_next(self.resume) if self.resume else ""


class ChangePassword(FormModel):
    """Someone changing their own password."""

    current: Raw = ""
    new: Raw = ""
    confirm: Raw = ""

    def problems(self) -> list[FieldError]:
        """What is wrong with the new password before it is hashed."""
        if self.new != self.confirm:
            return [FieldError("confirm", "The two new passwords are not the same")]
        return []


class PlaceCases(FormModel):
    """Placing the waiting cases on a meeting's agenda (empty day: the next meeting)."""

    day: Raw = ""


class RejectMail(FormModel):
    """Rejecting a quarantined email, with or without a reply to its sender."""

    reply: Text = ""
    send_reply: Ticked = False


class ReturnTo(FormModel):
    """Where a decision or deferral form goes back to: the submission page or meeting mode."""

    return_to: Raw = ""

    def target(self, submission_id: int) -> str:
        """A path on this site: the page the form was sent from, else the submission's page."""
        target = safe_next(self.return_to)
        return target if target != "/" else f"/submissions/{submission_id}"
