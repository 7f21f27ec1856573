"""Survivors' Perspectives, reproducible.

A research compendium for the six-country study of child sexual exploitation and abuse
online run by ECPAT International and WeProtect Global Alliance (2020-22). The package holds
every computation the book shows; notebooks only load, call, show and narrate.
"""

__version__ = "0.1.0"
