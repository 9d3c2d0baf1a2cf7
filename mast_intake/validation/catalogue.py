"""The checks, listed explicitly in the order the catalogue shows them, and the catalogue as text."""

from __future__ import annotations

from collections.abc import Mapping

from mast_intake.validation.figures import Evaluation, Tally
from mast_intake.validation.rule import Rule
from mast_intake.validation.rules.category_mismatch import CategoryMismatch
from mast_intake.validation.rules.copied_from_other_child import CopiedFromOtherChild
from mast_intake.validation.rules.historical_scored import HistoricalScored
from mast_intake.validation.rules.initials_only import InitialsOnly
from mast_intake.validation.rules.judgemental_language import JudgementalLanguage
from mast_intake.validation.rules.leaving_care import LeavingCare
from mast_intake.validation.rules.missing_assessment_date import MissingAssessmentDate
from mast_intake.validation.rules.missing_child_details import MissingChildDetails
from mast_intake.validation.rules.missing_protective_factors import MissingProtectiveFactors
from mast_intake.validation.rules.missing_summary import MissingSummary
from mast_intake.validation.rules.nrm_consider import NrmConsider
from mast_intake.validation.rules.over_18 import Over18
from mast_intake.validation.rules.repeated_point import RepeatedPoint
from mast_intake.validation.rules.review_due import ReviewDue
from mast_intake.validation.rules.score_mismatch import ScoreMismatch
from mast_intake.validation.rules.score_without_rationale import ScoreWithoutRationale
from mast_intake.validation.rules.stale_score_carried import StaleScoreCarried
from mast_intake.validation.rules.summary_not_updated import SummaryNotUpdated
from mast_intake.validation.rules.unnamed_person import UnnamedPerson
from mast_intake.validation.rules.update_without_date import UpdateWithoutDate

RULES: tuple[Rule, ...] = (
    InitialsOnly(),
    RepeatedPoint(),
    HistoricalScored(),
    ScoreWithoutRationale(),
    MissingSummary(),
    MissingProtectiveFactors(),
    ScoreMismatch(),
    CategoryMismatch(),
    JudgementalLanguage(),
    Over18(),
    MissingChildDetails(),
    MissingAssessmentDate(),
    UnnamedPerson(),
    LeavingCare(),
    NrmConsider(),
    ReviewDue(),
    # Against earlier tools (given in CheckOptions.history), and the updates they need.
    CopiedFromOtherChild(),
    StaleScoreCarried(),
    SummaryNotUpdated(),
    UpdateWithoutDate(),
)


RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def catalogue_text() -> str:
    """Every check, readably: code, severity, scope, summary, the guide's sentence, explanation."""
    blocks = []
    for rule in RULES:
        body = "\n".join(f"    {line}".rstrip() for line in rule.explanation().splitlines())
        blocks.append(
            f"{rule.code} ({rule.severity}, {rule.scope})\n"
            f"  {rule.summary()}\n"
            f"  The guide: \u201c{rule.guide}\u201d\n\n{body}\n"
        )
    return "\n".join(blocks)


def catalogue_markdown(tallies: Mapping[str, Tally] | None = None) -> str:
    """The README's rule table; with ``tallies``, precision and recall on the corpus too."""
    header = ["Code", "Severity", "About", "What it finds", "The guide says"]
    if tallies is not None:
        header += ["Precision", "Recall", "Cases (traps)"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for rule in RULES:
        cells = [f"`{rule.code}`", str(rule.severity), rule.scope, rule.summary(), rule.guide]
        if tallies is not None:
            tally = tallies.get(rule.code, Tally())
            cells += [f"{tally.precision:.2f}", f"{tally.recall:.2f}", f"{tally.cases} ({tally.traps})"]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def figures_text(result: Evaluation) -> str:
    """Precision and recall per code over the corpus, then the cases the checks get wrong."""
    lines = [f"{'code':<28} {'precision':>9} {'recall':>6} {'TP':>4} {'FP':>3} {'FN':>3}  cases (traps)"]
    for rule in RULES:
        t = result.tallies.get(rule.code, Tally())
        lines.append(
            f"{rule.code:<28} {t.precision:>9.2f} {t.recall:>6.2f} {t.true_positive:>4} "
            f"{t.false_positive:>3} {t.false_negative:>3}  {t.cases} ({t.traps})"
        )
    for name, got, expected in result.wrong:
        lines.append(f"wrong: {name}: got {got}, expected {expected}")
    return "\n".join(lines) + "\n"
