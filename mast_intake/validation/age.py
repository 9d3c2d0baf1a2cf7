"""The child's age on the assessment date, in whole years and in months."""

from __future__ import annotations

from mast_intake.language.dates import age_on
from mast_intake.models.assessment import Assessment


def age_in_years(record: Assessment) -> int | None:
    """Age on the assessment date from the date of birth, else the age written on the form."""
    if record.child.dob and record.assessment_date:
        return age_on(record.child.dob, record.assessment_date)
    return record.child.age


def age_in_months(record: Assessment) -> int | None:
    """Whole months of age on the assessment date; None without both dates."""
    dob, on = record.child.dob, record.assessment_date
    if dob is None or on is None:
        return None
    return (on.year - dob.year) * 12 + on.month - dob.month - (on.day < dob.day)
