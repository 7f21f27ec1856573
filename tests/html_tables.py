"""Read the count cells of the book's styled tables (shared by the disclosure-control tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class CountCell:
    """One cell of a count column ("... (n)") in a table on a page."""

    page: str
    caption: str
    column: str
    text: str
    classes: tuple[str, ...]

    @property
    def small(self) -> bool:
        """A shown count of 1 to 4 people."""
        return self.text.isdigit() and 1 <= int(self.text) <= 4


def count_cells(page: Path) -> list[CountCell]:
    """Return every cell of every count column of the ``sp-table`` tables on ``page``.

    The tables are pandas Stylers: data column headers carry ``col_heading`` and data cells
    are ``td`` (row headers are ``th`` with rowspans), so ``td`` cells line up with columns.
    """
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    cells = []
    for table in soup.find_all("table", class_="sp-table"):
        caption = table.find("caption").get_text(strip=True) if table.find("caption") else ""
        header = [
            th.get_text(strip=True)
            for th in table.find("thead").find_all("th", class_="col_heading")
        ]
        counts = {i for i, name in enumerate(header) if name.endswith("(n)")}
        for row in table.find("tbody").find_all("tr"):
            for i, cell in enumerate(row.find_all("td")):
                if i in counts:
                    cells.append(
                        CountCell(
                            page.name,
                            caption,
                            header[i],
                            cell.get_text(strip=True),
                            tuple(cell.get("class") or ()),
                        )
                    )
    return cells
