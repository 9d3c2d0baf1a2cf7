"""Plain domain types: the form, a parsed assessment, findings, submissions and decisions."""

from mast_intake.models.assessment import Assessment, ChildDetails, ItemEntry, Rejection, Update
from mast_intake.models.finding import Finding, Severity
from mast_intake.models.form import BANDS, DETAILS, ITEMS, SECTIONS, Category, band_for

__all__ = [
    "Assessment",
    "BANDS",
    "Category",
    "ChildDetails",
    "DETAILS",
    "Finding",
    "ITEMS",
    "ItemEntry",
    "Rejection",
    "SECTIONS",
    "Severity",
    "Update",
    "band_for",
]
