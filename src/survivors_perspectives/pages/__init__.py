"""What the book's notebooks call.

The page kit, each chapter kind's helpers, tables, figures, generated sentences and
provenance lines. Notebooks stay thin: they import from here, call, show and narrate.
"""
