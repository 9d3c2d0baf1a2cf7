"""FICTIONAL demonstration data for `mast-intake demo`: example emails and a demo account.

Everything here is invented: the children, workers, places and events belong to no real person.
The tools are written by the production form writer (``parsers.word_form``) in the two-column
layout of the printed form, so the real reader and checks handle them exactly as they would a
worker's file. Only for the embedded
Maildir set-up (``make run``); the command refuses to run against a real mailbox.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from mast_intake.models.form import DETAILS, SECTIONS
from mast_intake.parsers.word_form import FormDocument, plain_lines

DOCX_MIME = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
MARKER = "demo-data-created"
DEMO_USER = "demo.coordinator"


@dataclass
class DemoTool:
    """One fictional completed tool: details, scored items (key -> (score, rationale)), summary."""

    name: str
    dob: date
    assessed: date
    details: dict[str, str]
    items: dict[str, tuple[int, str]]
    summary: str
    stated_total: str = ""
    stated_category: str = ""
    sender: str = "alex.fictional@northyorks.gov.uk"
    sender_name: str = "Alex Fictional (Children and Families Service)"
    file_name: str = "risk-tool.docx"
    extra: dict[str, str] = field(default_factory=dict)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def build_tool(tool: DemoTool) -> bytes:
    """The .docx bytes of ``tool`` laid out like the printed VEMT form."""
    doc = FormDocument("VEMT risk tool (FICTIONAL DEMONSTRATION DATA)")
    doc.title()
    doc.date_version(f"{tool.assessed:%d/%m/%Y} v1")
    values = {key: "" for key in DETAILS}
    values.update(tool.details)
    values["name"] = tool.name
    values["age_dob"] = f"{_age(tool.dob, tool.assessed)} / {tool.dob:%d/%m/%Y}"
    doc.details(values)
    doc.paragraph()
    answers = {}
    for key, (score, text) in tool.items.items():
        # A score with no words at all is kept: it shows the "score without rationale" check.
        answers[key] = ("", plain_lines(f"{score}- {text}" if text else (str(score) if score else "")))
    for section in SECTIONS:
        doc.section(section, answers, score_column=False)
        doc.paragraph()
    doc.score(tool.stated_total, tool.stated_category)
    doc.bands()
    doc.summary([tool.summary], in_table=False)
    return doc.to_bytes()


def email_for(tool: DemoTool, sent_at: datetime, to: str) -> bytes:
    """The worker's email carrying the tool."""
    message = EmailMessage()
    message["From"] = f"{tool.sender_name} <{tool.sender}>"
    message["To"] = to
    message["Subject"] = "CSE risk tool (FICTIONAL DEMONSTRATION DATA)"
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=tool.sender.rpartition("@")[2])
    message.set_content("Please find the risk tool attached. This is fictional demonstration data.")
    message.add_attachment(build_tool(tool), maintype=DOCX_MIME[0], subtype=DOCX_MIME[1],
                           filename=tool.file_name)
    return bytes(message)


def demo_tools(today: date) -> list[DemoTool]:
    """Three invented children: one high with findings, one medium reviewed twice, one low."""
    common = {"address": "1 Example Street, Fictionton", "regular_missing_person": "No",
              "missing_reported": "Not applicable", "parental_responsibility": "Mother (invented)",
              "legal_status": "CIN", "ethnicity": "White British", "language": "English",
              "disabilities": "None known", "other_agencies": "School, Police", "previous_cse": "No"}
    high = {
        "emotional_neglect": (1, "Demo: Rowan was shut out by a step-parent for years; source: school DSL."),
        "family_domestic_abuse": (1, "Demo: two police call-outs to the home in 2026; source: police."),
        "isolated_from_peers": (1, "Demo: has dropped school friends and now sees older youths only."),
        "staying_out_late": (1, "Demo: home at 01:30 on 03/11/2026 after agreeing 21:00; source: mother."),
        "mobile_phone_use": (1, "Demo: a second phone found with messages from a contact saved as 'K'."),
        "school_exclusion_or_absence": (1, "Demo: attendance 58% this half term; source: school."),
        "peers_involved_in_cse": (1, "Demo: a friend is open to the exploitation team."),
        "drug_alcohol_misuse": (1, "Demo: found drunk in the park on 01/11/2026; source: police."),
        "missing_overnight": (1, "Demo: missing 20:00 on 05/11/2026 until 08:00; found at an adult's flat."),
        "controlling_relationship": (1, "Demo: calls a 23 year old man her boyfriend; he drives her."),
        "emotional_abuse_in_relationship": (1, "Demo: he checks her phone and tells her who to see."),
        "vehicles_unknown_adults": (1, "Demo: seen getting into a grey car outside school on 04/11/2026."),
        "unexplained_money_or_items": (1, "Seen with CH again, new trainers she cannot explain."),
        "frequenting_cse_areas": (1, "Demo: seen near the bus station late at night twice in November."),
        "failing_to_engage": (1, "Demo: missed three visits with her social worker in October."),
        "no_protective_adult": (1, ""),
        "multiple_callers": (1, "Demo: unknown adults call the house phone; source: mother."),
        "expressions_of_despair": (1, "Demo: told her tutor that nothing matters any more."),
        "disclosure_withdrawn": (1, "Demo: told a teacher about the man, then said she made it up."),
        "sti_or_contraception": (1, "Demo: asked the school nurse for emergency contraception."),
        "offending_linked_to_cse": (1, "Demo: arrested for shoplifting with the older group."),
    }
    medium = {
        "family_substance_misuse": (1, "Demo: father misused alcohol until 2025; source: adult services."),
        "isolated_from_peers": (1, "Demo: spends lunchtimes alone; source: form tutor."),
        "staying_out_late": (1, "Demo: late home twice this month; source: foster carer."),
        "mobile_phone_use": (1, "Demo: secretive about a social media account; source: foster carer."),
        "school_exclusion_or_absence": (1, "Demo: two fixed-term exclusions this term."),
        "internet_use": (1, "Demo: talking online to an adult met in a game; source: police."),
        "missing_overnight": (1, "Demo: missing overnight on 02/11/2026, returned by police."),
        "vehicles_unknown_adults": (1, "Demo: dropped home by an unknown driver on 06/11/2026."),
        "unexplained_money_or_items": (1, "Demo: has a new phone and cannot say where from."),
        "frequenting_cse_areas": (1, "Demo: seen at the retail park after dark; source: PCSO."),
        "drug_alcohol_misuse": (1, "Demo: smelled of cannabis on return; source: foster carer."),
        "emotional_neglect": (1, "Demo: little contact from birth family; source: social worker."),
    }
    earlier = dict(list(medium.items())[:7])
    low = {
        "staying_out_late": (1, "Demo: home an hour late once on 02/11/2026; source: grandparent."),
        "mobile_phone_use": (1, "Demo: using a new chat app; parents are now checking it with him."),
        "isolated_from_peers": (1, "Demo: moved school in September and has few friends yet."),
    }
    return [
        DemoTool("Rowan Example-Demo", date(2011, 3, 14), today - timedelta(days=2),
                 {**common, "gender": "Female"}, high,
                 "FICTIONAL DEMO. Rowan is at high risk through her relationship with an older man.",
                 "20", "High", file_name="Rowan demo tool.docx"),
        DemoTool("Jordan Sample", date(2010, 7, 2), today - timedelta(days=60),
                 {**common, "gender": "Male", "legal_status": "CLA"}, earlier,
                 "FICTIONAL DEMO. First assessment. Protective factors: close to his foster carer.",
                 "7", "Low", file_name="Jordan demo tool v1.docx"),
        DemoTool("Jordan Sample", date(2010, 7, 2), today - timedelta(days=1),
                 {**common, "gender": "Male", "legal_status": "CLA", "previous_cse": "Yes, reviewed by MAST"},
                 medium,
                 "FICTIONAL DEMO. Review: risk has risen since the first assessment. Protective factors: "
                 "close to his foster carer and attends football.",
                 "12", "Medium", file_name="Jordan demo tool v2.docx"),
        DemoTool("Sam Placeholder", date(2012, 11, 20), today - timedelta(days=3),
                 {**common, "gender": "Male"}, low,
                 "FICTIONAL DEMO. Low risk. Protective factors: both parents engage well with school.",
                 "3", "Low", file_name="Sam demo tool.docx"),
    ]


def drop_into(maildir: Path, raw: bytes, name: str) -> Path:
    """Deliver ``raw`` into the Maildir's new/ the safe way: written in tmp/, then renamed."""
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = maildir / "tmp" / name
    temporary.write_bytes(raw)
    target = maildir / "new" / name
    os.rename(temporary, target)
    return target


def drop_demo_emails(maildir: Path, mast_address: str, now: datetime | None = None) -> list[Path]:
    """Drop the fictional emails (and one from an outside domain, for the quarantine)."""
    now = now or datetime.now(UTC)
    paths = []
    tools = demo_tools(now.date())
    for index, tool in enumerate(tools):
        sent = now - timedelta(minutes=10 * (len(tools) - index))
        paths.append(drop_into(maildir, email_for(tool, sent, mast_address),
                               f"{time.time_ns()}.demo-{index}.eml"))
        # Distinct modification times keep the delivery order (the inbox is read oldest first).
        os.utime(paths[-1], ns=(time.time_ns(), time.time_ns() - (len(tools) - index) * 10**9))
    outsider = DemoTool("Quinn Outside", date(2011, 1, 1), now.date(), {}, {}, "FICTIONAL DEMO.",
                        sender="someone@example.invalid", sender_name="Outside Sender (FICTIONAL)")
    paths.append(drop_into(maildir, email_for(outsider, now, mast_address), f"{time.time_ns()}.demo-q.eml"))
    return paths


def new_password() -> str:
    """A random password for the demo account, long enough for the console's rule."""
    return secrets.token_urlsafe(12)
