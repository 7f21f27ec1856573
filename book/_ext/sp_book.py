"""Small Sphinx fixes for this book, loaded from ``_config.yml`` (``sphinx.local_extensions``).

sphinx-thebe registers its configuration script once per read of the sources, and Jupyter
Book 1 reads them in a way that registers it twice: every page then declared
``const THEBE_JS_URL`` twice and the browser reported "Identifier 'THEBE_JS_URL' has already
been declared" on every page. The book never launches code (``launch_buttons.thebe: false``),
so each script is kept once, in its first place.
"""

from __future__ import annotations


def _once(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    kept = []
    for script in scripts:
        # The second registration names an inline script's file "" where the first says None.
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), str(sorted(getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    """Register the page hook; safe for parallel reads and writes."""
    # Early: html-page-context stops at the first handler returning a template name, and the
    # themes' own handlers come later (priority 500).
    app.connect("html-page-context", _once, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
