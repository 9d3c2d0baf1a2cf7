"""The posted forms read as typed models: lenient reading, the checks each makes, where they point."""

from __future__ import annotations

from dataclasses import fields

from starlette.datastructures import FormData, UploadFile

from mast_intake.web import page_models
from mast_intake.web.forms import (
    AddUser,
    ChangePassword,
    ChangeUser,
    FieldError,
    RejectMail,
    ReturnTo,
    SignIn,
)


def test_fields_are_read_as_typed_and_anything_odd_is_empty() -> None:
    form = AddUser.read({"username": "  Cora.Coordinator ", "display_name": " Cora ", "role": "member",
                         "password": " kept as sent ", "unknown": "ignored"})
    assert (form.username, form.display_name, form.password) == ("cora.coordinator", "Cora", " kept as sent ")
    upload = UploadFile(file=None, filename="x")  # type: ignore[arg-type]
    assert AddUser.read(FormData([("username", upload)])).username == ""
    assert RejectMail.read({"reply": " Fictional ", "send_reply": "yes"}) == RejectMail(reply="Fictional",
                                                                                         send_reply=True)
    assert not RejectMail.read({"send_reply": "on"}).send_reply


def test_each_check_points_at_its_field() -> None:
    assert AddUser.read({"username": "x y", "role": "member"}).problems() == [
        FieldError("new-username", "Give a user name of letters, digits, dots, dashes or @")]
    assert AddUser.read({"username": "new.one", "role": "boss"}).problems() == [FieldError("new-role",
                                                                                           "Choose a role")]
    assert ChangeUser.read({"active": "no"}).problems(3, own_id=3)[0].field_id == "role-3"
    assert ChangeUser.read({"role": "", "active": "maybe"}) == ChangeUser(role=None, active=None)
    assert ChangePassword.read({"new": "a", "confirm": "b"}).problems()[0].field_id == "confirm"


def test_sign_in_keeps_a_carried_form_and_only_paths_on_this_site() -> None:
    sent = FormData([("username", "Cora"), ("next", "//elsewhere.example/"),
                     ("resume", "/submissions/2/decision"), ("carry:level", "low"), ("carry:action_1", "a"),
                     ("carry", "not a list")])
    form = SignIn.read_all(sent)
    assert form.carry == [("level", "low"), ("action_1", "a")]
    assert (form.target, form.resume_at) == ("/", "/submissions/2/decision")
    assert ReturnTo.read({"return_to": "https://elsewhere.example/"}).target(4) == "/submissions/4"


def test_every_page_model_names_a_template_that_exists() -> None:
    from importlib import resources

    templates = resources.files("mast_intake.web") / "templates"
    models = [m for m in vars(page_models).values()
              if isinstance(m, type) and issubclass(m, page_models.PageModel) and "TEMPLATE" in vars(m)]
    assert len(models) == 13
    for model in models:
        assert (templates / model.TEMPLATE).is_file(), model.__name__
        assert all(f.name != "user" for f in fields(model))  # the console adds who is signed in
