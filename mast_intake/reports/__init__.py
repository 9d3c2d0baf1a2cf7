"""The partnership's picture: who MAST identifies, how quickly it decides, and tool quality.

``figures`` computes the report from plain facts (no I/O), ``queries`` reads those facts from
storage, and ``export`` writes the report for outside use with small numbers suppressed; every
export is written to the audit log.
"""
