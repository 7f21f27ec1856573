"""Analyses of a dataset against the report.

The published tests rerun across countries, fidelity and the replication table,
robustness over generator seeds, the audit of the report's own numbers and the
plausibility of the generator's structure. They write the derived tables.
"""
