"""The review copy: the worker's own tool with each finding as a Word comment on its words.

Every document here is fictional: the shared samples, or tools built in memory with
``tests.fixtures.factory`` in every layout the Word reader test knows. The checks:

- one comment per finding, by "MAST Intake", holding the rule's summary, the finding, the
  guide's sentence and how to put it right;
- each comment on the right words: exactly the quoted words when they can be found, else the
  item's answer (in the row of that item's label), else the box a whole-tool finding is about;
- nothing else changes: every other part byte for byte, and document.xml the same text,
  content controls, tracked changes and red font once the comment marks are taken out and
  the runs split for them joined again;
- the copy opens in python-docx and LibreOffice converts it (skipped only without soffice).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import docx
import pytest
from lxml import etree

from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import ITEMS
from mast_intake.notifier.review_copy import (
    AUTHOR,
    annotate_docx,
    comment_text,
    rebuild_docx,
    review_file_name,
)
from mast_intake.notifier.review_copy_places import locate
from mast_intake.notifier.review_copy_rebuilt import REBUILT_TITLE
from mast_intake.notifier.views.findings import SEVERITY_HEADINGS
from mast_intake.parsers.entries import score_marker
from mast_intake.parsers.extract import extract
from mast_intake.parsers.labels import Label, match_label
from mast_intake.parsers.pdf import parse_pdf
from mast_intake.parsers.word import parse_docx
from mast_intake.validation.catalogue import RULES, RULES_BY_CODE
from mast_intake.validation.run import run_checks
from mast_intake.validation.text import excerpt
from tests.fixtures.factory import ItemAnswer, RedUpdate, base_spec, build_form, with_answers, with_layout
from tests.unit.parsers.test_word_layouts import SAMPLES, VARIANTS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
DOCX_SAMPLES = sorted(SAMPLES.glob("*.docx")) if SAMPLES.is_dir() else []
PDF_SAMPLES = sorted(SAMPLES.glob("*.pdf")) if SAMPLES.is_dir() else []
needs_samples = pytest.mark.skipif(not DOCX_SAMPLES, reason="shared samples not present")
# Layouts whose answers sit in plain-text content controls or legacy form fields: a comment
# there covers the whole control or field, not just the quoted words.
WHOLE_CONTROLS = {"content_controls", "content_controls_score_column", "details_in_form_fields",
                  "details_in_block_controls"}
CHANGED_PARTS = {"word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"}


def parse(data: bytes, name: str = "tool.docx") -> Assessment:
    return parse_docx(data, name, hashlib.sha256(data).hexdigest())


# --------------------------------------------------------------------------------------------
# Reading comments and their anchors back.
# --------------------------------------------------------------------------------------------


@dataclass
class Anchor:
    comment_id: str
    text: str  # the reader-visible text inside the range ("\n" between paragraphs)
    start: etree._Element  # the commentRangeStart
    has_reference: bool


def _deleted(element: etree._Element) -> bool:
    return any(a.tag in (W + "del", W + "moveFrom") for a in element.iterancestors())


def anchors(data: bytes) -> dict[str, Anchor]:
    """Every comment range in the body, with the text it covers."""
    body = docx.Document(io.BytesIO(data)).element.body
    found: dict[str, Anchor] = {}
    open_ids: list[str] = []
    for element in body.iter():
        tag = element.tag
        if tag == W + "commentRangeStart":
            cid = element.get(W + "id")
            found[cid] = Anchor(cid, "", element, False)
            open_ids.append(cid)
        elif tag == W + "commentRangeEnd":
            open_ids.remove(element.get(W + "id"))
        elif tag == W + "commentReference":
            # Counted only after the range's end, where Word puts the mark.
            cid = element.get(W + "id")
            found[cid].has_reference = cid not in open_ids
        elif tag == W + "t" and not _deleted(element):
            for cid in open_ids:
                found[cid].text += element.text or ""
        elif tag == W + "p":
            for cid in open_ids:
                if found[cid].text:
                    found[cid].text += "\n"
    return found


def flat(text: str) -> str:
    """Whitespace and excerpt ellipses out, for comparing quoted words with anchored text."""
    return "".join(text.replace("\u2026", "").split())


def unmarked(text: str) -> str:
    """``flat`` text without the score markers ("1- ") that start statements: a quote of two
    statements is their texts, the marker between them is still in the document."""
    return flat("\n".join(score_marker(line)[1] if score_marker(line)[0] is not None else line
                          for line in text.split("\n")))


def _cell_text(tc: etree._Element) -> str:
    return "\n".join(
        "".join(t.text or "" for t in p.iter(W + "t") if not _deleted(t)) for p in tc.iter(W + "p")
    ).strip()


def _label_of(text: str) -> Label | None:
    head, colon, tail = text.partition(":")
    if colon and tail.strip():
        label = match_label(head)
        if label is not None:
            return label
    return match_label(text) if text else None


def context_label(anchor: Anchor) -> Label | None:
    """The form label the anchored words answer: the nearest labelled cell to the left in the
    row (the anchor's own cell included), or a paragraph's own "Label: value"."""
    tc = next((a for a in anchor.start.iterancestors(W + "tc")), None)
    if tc is None:
        p = next(anchor.start.iterancestors(W + "p"))
        return _label_of("".join(t.text or "" for t in p.iter(W + "t")).strip())
    tr = next(tc.iterancestors(W + "tr"))
    cells = list(tr.iter(W + "tc"))
    for cell in reversed(cells[: cells.index(tc) + 1]):
        label = _label_of(_cell_text(cell))
        if label is not None and label.kind != "heading":
            return label
    return None


def comments_of(data: bytes) -> dict[str, tuple[str, str, str]]:
    """comment id -> (author, initials, text)."""
    document = docx.Document(io.BytesIO(data))
    return {str(c.comment_id): (c.author, c.initials, c.text) for c in document.comments}


# --------------------------------------------------------------------------------------------
# "Nothing else changed".
# --------------------------------------------------------------------------------------------

_TEXT_PIECES = {W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "rPr"}


def _normalised_body(xml: bytes) -> bytes:
    """document.xml's body without comment marks, runs split for them joined back."""
    root = etree.fromstring(xml)
    for element in list(root.iter(W + "commentRangeStart", W + "commentRangeEnd")):
        element.getparent().remove(element)
    for reference in list(root.iter(W + "commentReference")):
        run = reference.getparent()
        run.getparent().remove(run)
    for t in root.iter(W + "t"):
        t.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
    for parent in {run.getparent() for run in root.iter(W + "r")}:
        previous = None
        for child in list(parent):
            if (
                previous is not None
                and child.tag == previous.tag == W + "r"
                and dict(child.attrib) == dict(previous.attrib)
                and all(piece.tag in _TEXT_PIECES for piece in (*child, *previous))
                and _c14n(child.find(W + "rPr")) == _c14n(previous.find(W + "rPr"))
            ):
                for piece in list(child):
                    if piece.tag != W + "rPr":
                        previous.append(piece)
                parent.remove(child)
                continue
            previous = child
    for run in root.iter(W + "r"):
        last = None
        for piece in list(run):
            if piece.tag == W + "t" and last is not None and last.tag == W + "t":
                last.text = (last.text or "") + (piece.text or "")
                run.remove(piece)
                continue
            last = piece
    return _c14n(root.find(W + "body"))


def _c14n(element: etree._Element | None) -> bytes:
    return b"" if element is None else etree.tostring(element, method="c14n")


def _visible_text(xml: bytes) -> str:
    root = etree.fromstring(xml)
    return "".join(t.text or "" for t in root.iter(W + "t", W + "delText", W + "instrText"))


def assert_untouched(original: bytes, annotated: bytes) -> None:
    """Every part but the comments and their anchors is the original's, byte for byte."""
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(io.BytesIO(annotated)) as after:
        old, new = set(before.namelist()), set(after.namelist())
        assert old <= new
        assert {name for name in new - old if not name.startswith("word/comments")} == set()
        for name in sorted(old):
            if name in CHANGED_PARTS or name.startswith("word/comments"):
                continue
            assert after.read(name) == before.read(name), name
        doc_old, doc_new = before.read("word/document.xml"), after.read("word/document.xml")
        assert _visible_text(doc_new) == _visible_text(doc_old)
        norm_old, norm_new = _normalised_body(doc_old), _normalised_body(doc_new)
        for tag in ("sdt", "ins", "del", "color", "fldChar", "vMerge"):
            old_elements = [_c14n(e) for e in etree.fromstring(norm_old).iter(W + tag)]
            new_elements = [_c14n(e) for e in etree.fromstring(norm_new).iter(W + tag)]
            assert new_elements == old_elements, tag
        assert norm_new == norm_old
        rels_old = etree.fromstring(before.read("word/_rels/document.xml.rels"))
        rels_new = {r.get("Id"): dict(r.attrib) for r in etree.fromstring(
            after.read("word/_rels/document.xml.rels"))}
        for rel in rels_old:
            assert rels_new[rel.get("Id")] == dict(rel.attrib)
        assert any(r["Type"].endswith("/comments") for r in rels_new.values())
        types_old = [(e.tag, dict(e.attrib)) for e in etree.fromstring(before.read("[Content_Types].xml"))]
        types_new = [(e.tag, dict(e.attrib)) for e in etree.fromstring(after.read("[Content_Types].xml"))]
        assert types_new[: len(types_old)] == types_old
        added = [attrib["PartName"] for _, attrib in types_new[len(types_old):]]
        assert added in ([], ["/word/comments.xml"])


# --------------------------------------------------------------------------------------------
# Findings to place on generated tools: every rule, on words the record really holds.
# --------------------------------------------------------------------------------------------


def _words(text: str, start: int, count: int) -> str:
    words = text.split()
    return " ".join(words[start : start + count]) if len(words) > start + 1 else " ".join(words)


def _first_text(record: Assessment, skip: set[str]) -> str | None:
    return next((key for key, item in record.items.items()
                 if key not in skip and item.entries and item.entries[0].text), None)


def generated_findings(record: Assessment) -> list[tuple[Finding, str]]:
    """(finding, what the anchor must be) for every rule, against ``record``.

    The expectation is "exact" (the anchored words are the quote), "item" (somewhere in the
    item's row) or the label key the anchored box answers to.
    """
    cases: list[tuple[Finding, str]] = []
    used: set[str] = set()
    item_rules = [rule for rule in RULES if rule.scope != "whole tool"]
    for rule in item_rules:
        key = _first_text(record, used) or _first_text(record, set())
        assert key is not None
        used.add(key)
        text = record.items[key].entries[0].text
        # Words from the middle of the first statement, so runs must be split on both sides.
        quote = _words(text, 2, 3)
        cases.append((Finding(rule.code, key, rule.severity, "Fictional finding.", quote), "exact"))
    key = _first_text(record, used) or _first_text(record, set())
    cases.append((Finding("UNNAMED_PERSON", key, Severity.ADVICE, "Not in the text.",
                          "words that are nowhere in this tool"), "item"))
    blank = next((key for key, item in record.items.items() if not item.rationale and not item.updates), None)
    if blank:
        cases.append((Finding("SCORE_WITHOUT_RATIONALE", blank, Severity.MUST_FIX, "Blank.", ""), "item"))
    for key, item in record.items.items():
        if item.updates:
            update = item.updates[0].text
            cases.append((Finding("HISTORICAL_SCORED", key, Severity.SHOULD_FIX, "In an update.",
                                  _words(update, 1, 4)), "exact"))
            break
    multi = next((key for key, item in record.items.items() if len(item.entries) > 1), None)
    if multi:
        rationale = record.items[multi].rationale  # two statements: the marker between is skipped
        cases.append((Finding("SCORE_WITHOUT_RATIONALE", multi, Severity.MUST_FIX, "Two statements.",
                              excerpt(rationale)), "item"))
    repeated = multi or "missing_overnight"
    whole: dict[str, tuple[str, str]] = {
        "SCORE_MISMATCH": (record.stated_total_text, "stated_total"),
        "CATEGORY_MISMATCH": (record.stated_category_text, "stated_category"),
        "REVIEW_DUE": (record.date_version, "date_version"),
        "MISSING_ASSESSMENT_DATE": ("", "date_version"),
        "LEAVING_CARE": (record.child.fields["age_dob"], "age_dob"),
        "OVER_18": ("not the age written", "age_dob"),
        "MISSING_CHILD_DETAILS": ("", "name"),
        "MISSING_SUMMARY": (excerpt(record.summary), "summary"),
        "MISSING_PROTECTIVE_FACTORS": ("", "summary"),
        "NRM_CONSIDER": (_words(record.summary, 3, 6), "summary"),
        "REPEATED_POINT": (excerpt(record.items[repeated].rationale),
                           repeated if record.items[repeated].rationale else "summary"),
        "UNNAMED_PERSON": ("", "summary"),
    }
    for code, (quote, where) in whole.items():
        rule = RULES_BY_CODE[code]
        cases.append((Finding(code, None, rule.severity, "Fictional whole-tool finding.", quote), where))
    return cases


def check_anchor(finding: Finding, expect: str, anchor: Anchor, record: Assessment, exact: bool) -> None:
    assert anchor.has_reference
    assert anchor.text.strip() or expect == "item", finding
    # A quote that is not in the tool ("not the age written") falls back to the whole box.
    if finding.excerpt and expect != "item" and finding.excerpt != "not the age written":
        if exact and expect == "exact":
            assert flat(anchor.text) == flat(finding.excerpt), finding
        else:
            assert unmarked(finding.excerpt) in unmarked(anchor.text), finding
    label = context_label(anchor)
    if finding.item is not None:
        assert label is not None and label.key == finding.item, (finding, label)
    elif expect == "summary":
        assert flat(anchor.text) and flat(anchor.text) in flat(record.summary), finding
    elif expect in ITEMS:
        # The same words may be under two items (what REPEATED_POINT finds): either will do.
        holders = {key for key, item in record.items.items()
                   if unmarked(finding.excerpt) in unmarked(item.rationale)}
        assert expect in holders and label is not None and label.key in holders, (finding, label)
    elif expect == "name":
        assert flat(anchor.text) == flat(record.child.name or ""), finding
    else:
        assert label is not None and label.key == expect, (finding, label)
        if not finding.excerpt or finding.excerpt == "not the age written":
            value = {"date_version": record.date_version, "age_dob": record.child.fields["age_dob"],
                     "stated_total": record.stated_total_text}[expect]
            assert flat(value) in flat(anchor.text), finding


# --------------------------------------------------------------------------------------------
# Tests.
# --------------------------------------------------------------------------------------------


def test_review_file_name() -> None:
    assert review_file_name("Jo tool.docx") == "Jo tool - MAST review.docx"
    assert review_file_name("risk tool v2.pdf") == "risk tool v2 - MAST review.docx"
    assert review_file_name("C:\\Users\\w\\tool 1.2.docx") == "tool 1.2 - MAST review.docx"
    assert review_file_name("no extension") == "no extension - MAST review.docx"
    assert review_file_name("") == "Risk tool - MAST review.docx"
    assert review_file_name("bad\r\nname.docx") == "badname - MAST review.docx"


def test_comment_text_holds_summary_finding_guide_and_fix() -> None:
    rule = RULES_BY_CODE["INITIALS_ONLY"]
    text = comment_text(Finding("INITIALS_ONLY", "staying_out_late", rule.severity, "CH looks like...", "CH"))
    assert text.splitlines()[0] == f"{SEVERITY_HEADINGS[rule.severity]}: {rule.summary()}"
    assert "CH looks like..." in text
    assert rule.guide in text
    assert " ".join(rule.how_to_fix().split()) in text
    if rule.good_example():
        assert rule.good_example() in text


def test_no_findings_returns_the_original() -> None:
    data = build_form(base_spec())
    assert annotate_docx(data, []) is data


def test_the_walk_reads_the_same_record_as_the_word_reader() -> None:
    """The locator walks as parsers.word does: on every layout, it reads the same record."""
    tools = [build_form(make_spec(base_spec())) for make_spec in VARIANTS.values()]
    for variant, data in zip([*VARIANTS, *DOCX_SAMPLES], [*tools, *(p.read_bytes() for p in DOCX_SAMPLES)],
                             strict=True):
        document = docx.Document(io.BytesIO(data))
        places = locate(document.element.body)
        mirrored = extract(places.walked.blocks, "tool.docx", "x", "docx")
        read = parse(data)
        assert mirrored == replace(read, sha256="x"), variant


@needs_samples
@pytest.mark.parametrize("path", DOCX_SAMPLES, ids=lambda p: p.name)
def test_samples_get_one_comment_per_finding_on_its_words(path: Path) -> None:
    original = path.read_bytes()
    record = parse(original, path.name)
    findings = run_checks(record)
    expected_codes = json.loads((SAMPLES / "expected.json").read_text())[path.name].get("findings")
    if expected_codes is not None:
        assert {f"{f.code}:{f.item or ''}" for f in findings} >= set(expected_codes)
    annotated = annotate_docx(original, findings)
    assert path.read_bytes() == original
    comments = comments_of(annotated)
    placed = anchors(annotated)
    assert len(comments) == len(findings) == len(placed)
    for (cid, (author, initials, text)), finding in zip(comments.items(), findings, strict=True):
        assert (author, initials) == (AUTHOR, "MAST")
        assert text == comment_text(finding)
        anchor = placed[cid]
        assert anchor.has_reference and anchor.text.strip()
        if finding.excerpt:
            assert flat(anchor.text) == flat(finding.excerpt) or flat(finding.excerpt) in flat(anchor.text)
        if finding.item is not None:
            assert context_label(anchor).key == finding.item
        elif finding.code == "SCORE_MISMATCH":
            assert context_label(anchor).key == "stated_total"
        elif finding.code in ("REVIEW_DUE", "MISSING_ASSESSMENT_DATE"):
            assert context_label(anchor).key == "date_version"
        elif finding.code in ("LEAVING_CARE", "OVER_18"):
            assert context_label(anchor).key == "age_dob"
        elif not finding.excerpt:
            assert flat(anchor.text) in flat(record.summary)
    assert_untouched(original, annotated)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_rule_is_anchored_in_every_layout(variant: str) -> None:
    original = build_form(VARIANTS[variant](base_spec()))
    record = parse(original)
    cases = generated_findings(record)
    annotated = annotate_docx(original, [finding for finding, _ in cases])
    placed = anchors(annotated)
    comments = comments_of(annotated)
    assert len(placed) == len(comments) == len(cases)
    for (cid, (author, _, text)), (finding, expect) in zip(comments.items(), cases, strict=True):
        assert author == AUTHOR and text == comment_text(finding)
        check_anchor(finding, expect, placed[cid], record, exact=variant not in WHOLE_CONTROLS)
    assert_untouched(original, annotated)
    # The copy still reads as the same tool.
    assert replace(parse(annotated), sha256="") == replace(record, sha256="")


def test_comments_stay_out_of_deleted_text_and_fields() -> None:
    """Quotes inside tracked insertions, next to deletions, in form fields and date controls."""
    spec = VARIANTS["tracked_changes"](base_spec())
    spec = with_answers(spec, frequenting_cse_areas=ItemAnswer(
        1, "Seen at the arcade with older males.", "bare", control="formfield",
        updates=(RedUpdate(date(2026, 11, 2), "Not seen there since."),)))
    spec = with_layout(spec, date_control=True)
    original = build_form(spec)
    record = parse(original)
    findings = [
        Finding("JUDGEMENTAL_LANGUAGE", "drug_alcohol_misuse", Severity.SHOULD_FIX, "m", "Taken home by"),
        Finding("JUDGEMENTAL_LANGUAGE", "family_domestic_abuse", Severity.SHOULD_FIX, "m",
                "No incidents known. Checked with police"),
        Finding("INITIALS_ONLY", "frequenting_cse_areas", Severity.SHOULD_FIX, "m", "with older"),
        Finding("REVIEW_DUE", None, Severity.ADVICE, "m", record.date_version),
    ]
    annotated = annotate_docx(original, findings)
    by_id = anchors(annotated)
    placed = [by_id[cid] for cid in comments_of(annotated)]  # in the findings' order
    assert flat(placed[0].text) == flat("Taken home by")
    assert any(a.tag == W + "ins" for a in placed[0].start.itersiblings(preceding=False)) or \
        placed[0].start.getparent().tag == W + "ins"
    assert flat(placed[1].text) == flat("No incidents known. Checked with police")
    # The form field is anchored whole, marks outside the field's begin and end.
    assert unmarked(placed[2].text) == flat("Seen at the arcade with older males.")
    assert placed[2].start.getparent().tag == W + "p"
    assert placed[2].start.getnext().find(f"{W}fldChar") is not None
    # The date control is anchored whole too.
    assert flat(record.date_version.split()[0]) in flat(placed[3].text)
    body = docx.Document(io.BytesIO(annotated)).element.body
    for deleted in body.iter(W + "del"):
        assert not list(deleted.iter(W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference"))
    for reference in body.iter(W + "commentReference"):
        assert reference.getparent().getparent().tag == W + "p"  # never inside ins, sdt or a field
    assert_untouched(original, annotated)


def test_existing_comments_are_kept() -> None:
    """A tool that already holds a colleague's comment keeps it, with new ids for ours."""
    document = docx.Document(io.BytesIO(build_form(base_spec())))
    first_run = next(p for p in document.paragraphs if p.runs).runs[0]
    document.add_comment(first_run, text="A colleague's note.", author="Colleague", initials="CO")
    buffer = io.BytesIO()
    document.save(buffer)
    original = buffer.getvalue()
    record = parse(original)
    findings = run_checks(record)
    annotated = annotate_docx(original, findings)
    comments = comments_of(annotated)
    assert ("Colleague", "CO", "A colleague's note.") in comments.values()
    assert len(comments) == len(findings) + 1
    assert len(set(anchors(annotated))) == len(findings) + 1
    assert_untouched(original, annotated)


def test_parts_no_comment_is_written_into_are_never_parsed() -> None:
    """Styles, settings and the rest stay bytes: a part no XML parser would take is copied as is."""
    original = build_form(base_spec())
    findings = run_checks(parse(original))
    broken = b"<w:styles this is not XML"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, broken if info.filename == "word/styles.xml" else source.read(info))
    annotated = annotate_docx(out.getvalue(), findings)
    with zipfile.ZipFile(io.BytesIO(annotated)) as copy_:
        assert copy_.read("word/styles.xml") == broken
        comments = etree.fromstring(copy_.read("word/comments.xml"))
    assert len(comments.findall(W + "comment")) == len(findings) > 0


def test_rebuilt_copy_of_a_record() -> None:
    """The rebuilt form is titled as such, reads back as the same tool and carries the comments."""
    spec = VARIANTS["kitchen_sink"](base_spec())
    record = parse(build_form(spec), "tool.pdf")
    record = replace(record, kind="pdf")
    cases = generated_findings(record)
    data = rebuild_docx(record, [finding for finding, _ in cases])
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == REBUILT_TITLE
    again = parse(data, "tool.pdf")
    assert {k: (i.score, i.rationale, i.updates) for k, i in again.items.items()} == \
        {k: (i.score, i.rationale, i.updates) for k, i in record.items.items()}
    assert (again.child.fields, again.summary, again.stated_total, again.stated_category) == \
        (record.child.fields, record.summary, record.stated_total, record.stated_category)
    placed = anchors(data)
    comments = comments_of(data)
    assert len(placed) == len(comments) == len(cases)
    for (cid, _), (finding, expect) in zip(comments.items(), cases, strict=True):
        check_anchor(finding, expect, placed[cid], record, exact=True)


@pytest.mark.skipif(not PDF_SAMPLES, reason="shared samples not present")
@pytest.mark.parametrize("path", PDF_SAMPLES, ids=lambda p: p.name)
def test_rebuilt_copy_of_a_pdf_sample(path: Path) -> None:
    data = path.read_bytes()
    record = parse_pdf(data, path.name, hashlib.sha256(data).hexdigest(), 60)
    findings = run_checks(record)
    rebuilt = rebuild_docx(record, findings)
    assert docx.Document(io.BytesIO(rebuilt)).paragraphs[0].text == REBUILT_TITLE
    by_id = anchors(rebuilt)
    assert len(by_id) == len(comments_of(rebuilt)) == len(findings)
    for cid, finding in zip(comments_of(rebuilt), findings, strict=True):
        anchor = by_id[cid]
        assert anchor.text.strip() and anchor.has_reference
        if finding.excerpt:
            assert flat(finding.excerpt) in flat(anchor.text)
        if finding.item is not None:
            assert context_label(anchor).key == finding.item


def test_findings_and_input_are_not_changed() -> None:
    original = build_form(VARIANTS["content_controls"](base_spec()))
    snapshot = bytes(original)
    findings = run_checks(parse(original))
    before = copy.deepcopy(findings)
    annotate_docx(original, findings)
    assert original == snapshot and findings == before


# --------------------------------------------------------------------------------------------
# LibreOffice: every annotated copy converts (one soffice run for all of them).
# --------------------------------------------------------------------------------------------


def _annotated_corpus() -> dict[str, bytes]:
    corpus: dict[str, bytes] = {}
    for variant, make_spec in VARIANTS.items():
        original = build_form(make_spec(base_spec()))
        record = parse(original)
        corpus[f"generated_{variant}"] = annotate_docx(original, [f for f, _ in generated_findings(record)])
    for path in DOCX_SAMPLES:
        original = path.read_bytes()
        corpus[f"sample_{path.stem}"] = annotate_docx(original, run_checks(parse(original, path.name)))
    for path in PDF_SAMPLES:
        data = path.read_bytes()
        record = parse_pdf(data, path.name, "x", 60)
        corpus[f"rebuilt_{path.stem}"] = rebuild_docx(record, run_checks(record))
    return corpus


@pytest.mark.slow
@needs_soffice
def test_libreoffice_opens_every_annotated_copy(tmp_path: Path) -> None:
    corpus = _annotated_corpus()
    for name, data in corpus.items():
        assert len(docx.Document(io.BytesIO(data)).comments) > 0, name
        (tmp_path / f"{name}.docx").write_bytes(data)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"),
         *(str(tmp_path / f"{name}.docx") for name in corpus)],
        check=True, capture_output=True, timeout=600,
    )
    for name in corpus:
        pdf = tmp_path / "out" / f"{name}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), name


@pytest.mark.slow
@needs_soffice
def test_libreoffice_keeps_the_comments(tmp_path: Path) -> None:
    """LibreOffice reads our comments as comments: a round trip to .docx keeps them all."""
    original = build_form(VARIANTS["kitchen_sink"](base_spec()))
    findings = [f for f, _ in generated_findings(parse(original))]
    (tmp_path / "tool.docx").write_bytes(annotate_docx(original, findings))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "odt", "--outdir", str(tmp_path / "out"), str(tmp_path / "tool.docx")],
        check=True, capture_output=True, timeout=300,
    )
    with zipfile.ZipFile(tmp_path / "out" / "tool.odt") as odt:
        content = odt.read("content.xml")
    annotations = etree.fromstring(content).iter(
        "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation")
    authors = [
        "".join(a.itertext()) for annotation in annotations
        for a in annotation.iter("{http://purl.org/dc/elements/1.1/}creator")
    ]
    assert authors.count(AUTHOR) == len(findings)



@needs_samples
@pytest.mark.parametrize("path", DOCX_SAMPLES, ids=lambda p: p.name)
def test_every_rule_is_anchored_on_the_samples(path: Path) -> None:
    """Each finding type, not only those the sample raises, lands on the right words."""
    original = path.read_bytes()
    record = parse(original, path.name)
    cases = generated_findings(record)
    annotated = annotate_docx(original, [finding for finding, _ in cases])
    placed = anchors(annotated)
    comments = comments_of(annotated)
    assert len(placed) == len(comments) == len(cases)
    for cid, (finding, expect) in zip(comments, cases, strict=True):
        check_anchor(finding, expect, placed[cid], record, exact=True)
    assert_untouched(original, annotated)


def test_runs_in_the_parse_sandbox() -> None:
    """The caller may build the copy in the readers' sandbox: texts made outside, bytes back."""
    from mast_intake.config.settings import ParseLimits
    from mast_intake.parsers.sandbox import run_isolated

    original = build_form(VARIANTS["kitchen_sink"](base_spec()))
    findings = run_checks(parse(original))
    texts = [comment_text(finding) for finding in findings]
    result = run_isolated(annotate_docx, (original, findings, texts), ParseLimits())
    assert isinstance(result, bytes)
    assert len(comments_of(result)) == len(findings)
    assert_untouched(original, result)
