"""The 2022 report as data.

Its published figures (the reference table), how its printed values are read, which of
its figures conflict, and the design of its statistical tests. Everything downstream
(generator, analyses, pages) reads the report through here.
"""
