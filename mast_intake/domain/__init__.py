"""The meeting cycle's rules: plain types and pure functions, no I/O.

Calendar (``calendar``), agenda states and deferral (``agenda``), decisions and corrections
(``decisions``), review dates and reminders (``review``), previous tool and trend (``history``),
name matching (``names``), the case reference (``reference``), the value lists (``enums``), the
storage interfaces the rules need (``ports``) and the operations over them (``cycle``).
"""
