"""MAST Intake: reads, checks and queues CSE risk guidance tools emailed to the MAST mailbox."""

__version__ = "0.1.0"
