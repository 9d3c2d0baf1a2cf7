"""Findings and scores as the messages show them, grouped by severity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import Category
from mast_intake.notifier.views.labels import band_label, item_label, shorten

SEVERITY_HEADINGS: dict[Severity, str] = {
    Severity.MUST_FIX: "Must fix",
    Severity.SHOULD_FIX: "Should fix",
    Severity.ADVICE: "Advice",
}

SEVERITY_INTROS: dict[Severity, str] = {
    Severity.MUST_FIX: "Please correct these and send the tool again.",
    Severity.SHOULD_FIX: "Please put these right when you next update the tool.",
    Severity.ADVICE: "Suggestions from the good practice guide.",
}


@dataclass(frozen=True)
class FindingView:
    """One finding as a message shows it.

    Attributes:
        code: The check's stable code, e.g. ``"NO_RATIONALE"``.
        severity: Must fix, should fix or advice.
        item_key: The form item it concerns, or None for the whole tool.
        item_label: The item's label as printed on the form.
        summary: The check's one-line summary (used on the agenda).
        message: What was found in this tool, in plain words.
        excerpt: The worker's own words the finding is about ("" when none).
        guide: The good practice guide sentence the finding rests on ("" when none).
        how_to_fix: What to do to put it right, in full ("" when none).
        short_fix: What to do, in one plain sentence, for emails ("" when none).
    """

    code: str
    severity: Severity
    item_key: str | None
    item_label: str
    summary: str
    message: str
    excerpt: str = ""
    guide: str = ""
    how_to_fix: str = ""
    short_fix: str = ""

    @property
    def short_label(self) -> str:
        """The item's label for a one-line list: without its "– Rationale ..." tail, at most 60 characters."""
        label = self.item_label.split(" \u2013 ", 1)[0]
        return shorten(label, 60)

    @property
    def quote(self) -> str:
        """The worker's words, cut to about ``QUOTE_CHARS`` characters at a word for a one-line list."""
        return shorten(self.excerpt)

    @property
    def must_fix(self) -> bool:
        """True for a finding that needs a corrected tool."""
        return self.severity is Severity.MUST_FIX

    @classmethod
    def from_finding(
        cls, finding: Finding, *, summary: str = "", guide: str = "", how_to_fix: str = "",
        short_fix: str = "",
    ) -> FindingView:
        """Copy a model ``Finding``, adding the rule's texts and the item's label."""
        return cls(
            code=finding.code,
            severity=Severity(finding.severity),
            item_key=finding.item,
            item_label=item_label(finding.item),
            summary=summary or finding.message,
            message=finding.message,
            excerpt=finding.excerpt,
            guide=guide,
            how_to_fix=how_to_fix,
            short_fix=short_fix,
        )


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one severity, with the heading and introduction a message prints above them.

    Attributes:
        severity: The severity every finding in the group has.
        heading: "Must fix", "Should fix" or "Advice".
        intro: One sentence saying what the worker should do with these.
        findings: The findings, in the order they were given.
    """

    severity: Severity
    heading: str
    intro: str
    findings: tuple[FindingView, ...]


def group_findings(findings: Iterable[FindingView]) -> tuple[FindingGroup, ...]:
    """Group findings by severity, most severe first, keeping order within a group; no empties."""
    items = list(findings)
    groups = []
    for severity in sorted(Severity, key=lambda s: s.rank):
        members = tuple(f for f in items if f.severity is severity)
        if members:
            groups.append(
                FindingGroup(
                    severity, SEVERITY_HEADINGS[severity], SEVERITY_INTROS[severity], members
                )
            )
    return tuple(groups)


@dataclass(frozen=True)
class ScoreView:
    """The total and band the worker wrote beside the ones the service counted.

    Attributes:
        stated_total: The total written on the tool, or None when it was left blank or unreadable.
        stated_band: The risk category ticked or written, or None.
        computed_total: The total recounted from the items (one point at most per item).
        computed_band: The band that recounted total falls in.
    """

    stated_total: int | None
    stated_band: Category | None
    computed_total: int
    computed_band: Category

    @property
    def total_differs(self) -> bool:
        """True when a stated total was given and is not the recounted one."""
        return self.stated_total is not None and self.stated_total != self.computed_total

    @property
    def band_differs(self) -> bool:
        """True when a stated band was given and is not the recounted one."""
        return self.stated_band is not None and self.stated_band != self.computed_band

    @property
    def differs(self) -> bool:
        """True when either the total or the band differs."""
        return self.total_differs or self.band_differs

    @property
    def stated_total_text(self) -> str:
        """The stated total as text, "not given" when blank."""
        return "not given" if self.stated_total is None else str(self.stated_total)

    @property
    def stated_band_label(self) -> str:
        """The stated band as a word."""
        return band_label(self.stated_band)

    @property
    def computed_band_label(self) -> str:
        """The recounted band as a word."""
        return band_label(self.computed_band)
