"""The machinery ``make`` runs.

Inputs and build folders, derived tables, notebook execution, the book and its swap,
standalone reports, environment and install checks, Binder. Nothing else in the
package imports it (``tests/test_layout.py``), so a page or an analysis never depends
on how the book is built.
"""
