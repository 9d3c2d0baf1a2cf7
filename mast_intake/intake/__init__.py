"""Intake: the mailbox port and its adapters, the poll cycle and the unit of work."""
