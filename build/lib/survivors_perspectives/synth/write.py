r"""Write the synthetic survey as CSV with fixed formatting, next to its data package.

Byte-identical output for the same seed needs fixed formatting: integers without decimals,
booleans as ``true``/``false``, empty cells for skipped questions, ``\\n`` line ends.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..survey.datapackage import CSV_NAME, write_datapackage
from ..survey.schema import COLUMN_BY_NAME


def to_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Format every cell as the CSV will hold it (empty string for missing)."""
    out = {}
    for name in frame.columns:
        col = COLUMN_BY_NAME[name]
        series = frame[name]
        missing = series.isna().to_numpy()
        if col.kind == "boolean":
            text = np.where(series.fillna(False).to_numpy(dtype=bool), "true", "false")
        elif col.kind == "integer":
            text = series.fillna(0).to_numpy(dtype=np.int64).astype(str)
        else:
            text = series.astype(object).where(~missing, "").to_numpy(dtype=object).astype(str)
        out[name] = np.where(missing, "", text)
    return pd.DataFrame(out, index=frame.index)


def write_survey(frame: pd.DataFrame, out_dir: Path | str, seed: int | None = None) -> Path:
    """Write ``frontline_survey.csv`` and ``datapackage.json`` into ``out_dir``.

    Returns the CSV path.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CSV_NAME
    text = to_text(frame)
    tmp = path.with_suffix(".csv.tmp")
    text.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    tmp.replace(path)
    write_datapackage(out_dir, rows=len(frame), seed=seed)
    return path
