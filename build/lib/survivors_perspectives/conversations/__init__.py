"""Survivor conversations: coded synthetic data, measures, tables and recommendations.

The real conversation notes are confidential; this subpackage works on a coded stand-in in
which each column is a theme of the codebook and nothing any survivor said is stored.
"""
