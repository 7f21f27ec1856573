"""The contract for a survivor-conversations file: columns, allowed values, codebook agreement.

A conversations file holds one row per invited young person: the 42 who took part
(``status == "participant"``) and, where their reasons are known, invitees who declined
(``status == "declined"``). After the fixed columns below, every further column is a theme
of the codebook, coded in the manner of framework analysis: 1 when the theme came up in that
person's conversation, 0 when it did not, empty for people who declined. The file carries
themes, never words: nothing a survivor said is stored.

The same schema validates the synthetic stand-in and, inside a secure environment, a coded
version of the real notes, so every rule names the file, column, row, what was expected and
what was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from survivors_perspectives import frame_store, paths
from survivors_perspectives.problem_listing import capped

if TYPE_CHECKING:
    import pandera.pandas as pa

#: Codebook of conversation themes (theme id, family, label, definition, report section).
CODEBOOK = paths.REFERENCE / "conversation_codebook.csv"

#: Countries where conversations took place. Bosnia and Herzegovina was part of the study but
#: held none (see ``country.no_conversations_reason``).
STUDY_COUNTRIES: tuple[str, ...] = ("Albania", "Colombia", "Mexico", "Moldova", "Peru")

#: Inclusion criteria: young adults aged 18 to 24, abused before turning 18.
AGE_AT_CONVERSATION = (18, 24)
AGE_FIRST_TARGETED = (0, 17)

#: Allowed values of the categorical columns (empty for people who declined, except status,
#: record type, country and gender).
ALLOWED: dict[str, tuple[str, ...]] = {
    "record_type": ("synthetic", "real"),
    "status": ("participant", "declined"),
    "decline_reason": (
        "travel_distance",
        "partner_disclosure",
        "not_wishing_to_revisit",
        "no_time",
    ),
    "gender": ("female", "male"),
    "conversation_format": ("one_on_one", "small_group"),
    "conversation_mode": ("in_person", "hybrid"),
    "pre_meeting": ("in_person", "remote"),
    "venue": ("member_organisation", "private_office", "private_home", "rented_room", "shelter"),
}
#: Columns about how the conversation was arranged, 0/1 for participants.
ARRANGEMENT_FLAGS: tuple[str, ...] = ("family_present", "family_explanation_required")
#: Columns every participant row must fill in.
PARTICIPANT_FIELDS: tuple[str, ...] = (
    "age_at_conversation",
    "age_first_targeted",
    "conversation_format",
    "conversation_mode",
    "pre_meeting",
    "venue",
    *ARRANGEMENT_FLAGS,
)
#: The fixed columns, in file order; theme columns follow.
BASE_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "record_type",
    "status",
    "decline_reason",
    "country",
    "gender",
    *PARTICIPANT_FIELDS,
)
#: Themes whose presence excludes the others (a person has at most one first route).
EXCLUSIVE_GROUPS: dict[str, tuple[str, ...]] = {
    "disclosure route": (
        "route_family",
        "route_school_professional",
        "route_peer",
        "route_law_enforcement_rescue",
        "route_online_portal",
    ),
    "source of awareness": ("aware_via_teacher", "aware_via_online_search"),
    # Albania: two asked for their family to be told the purpose, the other five came with
    # a relative; the report presents these as the two halves of one group.
    "family involvement": ARRANGEMENT_FLAGS,
}
#: Derived themes: present exactly when any of the listed themes is present.
DERIVED_THEMES: dict[str, tuple[str, ...]] = {
    "disclosure_shared": EXCLUSIVE_GROUPS["disclosure route"],
    "aware_reporting_before": EXCLUSIVE_GROUPS["source of awareness"],
}
#: Nested themes: the child is only coded for people who also have the parent.
NESTED_THEMES: dict[str, str] = {
    "medical_support_received_coordinated": "medical_support_needed",
    "anonymity_breach_raised": "identity_published_by_media",
    "school_staff_blaming": "school_staff_unsupportive",
    "legal_aid_free": "legal_support_received",
    "legal_support_delayed": "legal_aid_free",
    "disclosure_trusted_supporter": "disclosure_shared",
}


#: A participant id, matched in full: letters, digits, ".", "_" and "-".
PARTICIPANT_ID = r"[A-Za-z0-9][A-Za-z0-9._-]*"


class ConversationsError(ValueError):
    """A conversations file or codebook that breaks the contract.

    Attributes
    ----------
    problems : list of str
        One line per problem, each naming the file, column, row, what was expected and
        what was found.
    """

    def __init__(self, message: str, problems: Iterable[str] | None = None):
        self.problems = [message] if problems is None else list(problems)
        super().__init__(message)

    @classmethod
    def listing(cls, path: Path | str, problems: list[str]) -> ConversationsError:
        """Build the error for a file with ``problems``: a count, then one line each."""
        head = f"{path}: {len(problems)} problem(s) with the conversations data"
        return cls("\n".join([head, *capped(problems)]), problems)

    def lines(self) -> list[str]:
        """Return the problems as the message lists them (capped, with a count of the rest)."""
        return capped(self.problems)


class _Problems:
    """Every problem found in a file, one per cell, so that all are reported at once.

    A cell is reported once: when it fails an early check (a word where a number belongs,
    say), its follow-on failures in later checks are not repeated.
    """

    def __init__(self, path: Path | str):
        self.path = path
        self.found: list[str] = []
        self._cells: set[tuple[str, int | None]] = set()

    def add(self, column: str, row: int | None, expected: str, found: str) -> None:
        """Record that ``column`` at data row ``row`` held ``found`` where ``expected`` belongs."""
        if (column, row) not in self._cells:
            self._cells.add((column, row))
            self.found.append(
                f"{_where(self.path, column, row)}: expected {expected}, found {found}"
            )

    def raise_if_any(self) -> None:
        """Raise a ``ConversationsError`` listing every recorded problem, if there are any."""
        if self.found:
            raise ConversationsError.listing(self.path, self.found)


def _where(path: Path | str, column: str, row: int | None = None) -> str:
    """Locate a problem: file, column and (1-based data) row with its line in the file."""
    place = f"{path}: column {column!r}"
    if row is not None:
        place += f", row {row + 1} (line {row + 2})"
    return place


def load_codebook(path: Path | str = CODEBOOK) -> pd.DataFrame:
    """Read and check the codebook of conversation themes.

    The codebook is the single list of themes: the loader, the tables and the chapters all
    take theme names from it, so a theme added there without data (or the reverse) is caught.
    """
    path = Path(path)
    book = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["theme_id", "family", "label", "definition", "report_section"]
    missing = [c for c in expected if c not in book.columns]
    if missing:
        raise ConversationsError(
            f"{path}: missing column(s) {missing}; expected {expected}, found {list(book.columns)}"
        )
    for column in expected:
        empty = book.index[book[column].str.strip() == ""]
        if len(empty):
            raise ConversationsError(
                f"{_where(path, column, int(empty[0]))}: expected text, found an empty cell"
            )
    duplicated = book.index[book["theme_id"].duplicated()]
    if len(duplicated):
        row = int(duplicated[0])
        raise ConversationsError(
            f"{_where(path, 'theme_id', row)}: expected unique theme ids, "
            f"found {book.loc[row, 'theme_id']!r} twice"
        )
    clash = sorted(set(book["theme_id"]) & set(BASE_COLUMNS))
    if clash:
        raise ConversationsError(f"{path}: theme ids {clash} clash with fixed columns")
    return book


def theme_columns(codebook: pd.DataFrame) -> list[str]:
    """Return the theme ids in codebook order (the order of the data columns)."""
    return codebook["theme_id"].tolist()


def _column_problems(raw: pd.DataFrame, themes: list[str], path: Path | str) -> list[str]:
    """List missing fixed columns, unknown columns and codebook themes without data."""
    problems = []
    missing = [c for c in BASE_COLUMNS if c not in raw.columns]
    if missing:
        problems.append(
            f"{path}: missing fixed column(s) {missing}; expected the columns "
            f"{list(BASE_COLUMNS)} followed by one column per codebook theme"
        )
    unknown = [c for c in raw.columns if c not in BASE_COLUMNS and c not in themes]
    if unknown:
        problems.append(
            f"{path}: unknown theme column(s) {unknown}; expected only fixed columns and "
            f"theme ids of the codebook ({len(themes)} themes)"
        )
    absent = [t for t in themes if t not in raw.columns]
    if absent:
        problems.append(
            f"{path}: theme(s) {absent} of the codebook have no column; expected one column "
            "per codebook theme (0/1, empty for people who declined)"
        )
    return problems


#: What each fixed column holds, for the data package (``table_schema``).
FIELD_DESCRIPTIONS: dict[str, str] = {
    "participant_id": "Record identifier; 'SYN-' marks a synthetic record.",
    "record_type": "Whether the record is synthetic or real.",
    "status": "Whether the young person took part or declined.",
    "decline_reason": "Why an invitee declined, where known (empty for participants).",
    "country": "Country where the conversation was held.",
    "gender": "The young person's gender.",
    "age_at_conversation": "Age at the conversation, in years.",
    "age_first_targeted": "Age when first targeted, in years.",
    "conversation_format": "One-to-one or in a small group.",
    "conversation_mode": "In person or hybrid.",
    "pre_meeting": "How the preparatory meeting was held.",
    "venue": "Where the conversation took place.",
    "family_present": "1 when a family member was present, else 0.",
    "family_explanation_required": "1 when the family had to be told the purpose, else 0.",
}


def table_schema(codebook: Path | str = CODEBOOK) -> dict:
    """Return the Table Schema of a conversations file: the fixed columns, then each theme.

    The same allowed values and ranges as the validator (none of the categories is an
    ordered scale); theme columns are 0/1 with the codebook's label and definition.
    """
    book = load_codebook(codebook)
    fields: list[dict] = []
    for name in BASE_COLUMNS:
        field: dict = {"name": name, "description": FIELD_DESCRIPTIONS[name]}
        if name in ALLOWED or name == "country":
            levels = list(ALLOWED.get(name, STUDY_COUNTRIES))
            field.update(type="string", categories=levels, categoriesOrdered=False)
            field["constraints"] = {"enum": levels}
        elif name in ("age_at_conversation", "age_first_targeted"):
            low, high = AGE_AT_CONVERSATION if name == "age_at_conversation" else AGE_FIRST_TARGETED
            field.update(type="integer", constraints={"minimum": low, "maximum": high})
        elif name == "participant_id":
            field.update(type="string", constraints={"required": True, "unique": True})
        else:
            field.update(type="integer", constraints={"enum": [0, 1]})
        if name in ("participant_id", "record_type", "status", "country", "gender"):
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    for theme in book.itertuples():
        fields.append(
            {
                "name": theme.theme_id,
                "title": theme.label,
                "description": f"{theme.definition} (theme family: {theme.family}; 1 when it "
                "came up, 0 when it did not, empty for people who declined)",
                "type": "integer",
                "constraints": {"enum": [0, 1]},
            }
        )
    return {"fields": fields, "primaryKey": ["participant_id"], "missingValues": [""]}


def _schema(themes: Iterable[str]) -> pa.DataFrameSchema:
    """Build the pandera schema for the typed frame (types, ranges, allowed values)."""
    # Imported here: a notebook reading a stored validated frame never needs pandera (0.3 s).
    import pandera.pandas as pa

    columns: dict[str, pa.Column] = {
        # Matched in full, so "SYN-C01\n" is refused rather than passing as a new id.
        "participant_id": pa.Column(
            str, pa.Check(lambda s: s.str.fullmatch(PARTICIPANT_ID)), unique=True
        ),
        "country": pa.Column(str, pa.Check.isin(STUDY_COUNTRIES)),
        "age_at_conversation": pa.Column(
            "Int64", pa.Check.in_range(*AGE_AT_CONVERSATION), nullable=True
        ),
        "age_first_targeted": pa.Column(
            "Int64", pa.Check.in_range(*AGE_FIRST_TARGETED), nullable=True
        ),
    }
    for column, allowed in ALLOWED.items():
        nullable = column not in ("record_type", "status", "gender")
        columns[column] = pa.Column(str, pa.Check.isin(allowed), nullable=nullable)
    for column in (*ARRANGEMENT_FLAGS, *themes):
        columns[column] = pa.Column("Int64", pa.Check.isin([0, 1]), nullable=True)
    return pa.DataFrameSchema(columns, strict=True, ordered=False)


def _to_typed(raw: pd.DataFrame, themes: list[str], problems: _Problems) -> pd.DataFrame:
    """Convert text cells to typed columns, reporting cells that are not whole numbers.

    A bad cell is left empty, so that the other checks still run on the rest of the file.
    """
    frame = raw.copy()
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    for column in ("age_at_conversation", "age_first_targeted", *ARRANGEMENT_FLAGS, *themes):
        text = frame[column]
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = text.ne("") & (numbers.isna() | (numbers % 1 != 0))
        for row in _rows(bad):
            problems.add(column, row, "a whole number", repr(text[row]))
        frame[column] = numbers.where(~bad).astype("Int64")
    text_columns = ["participant_id", "country", *ALLOWED]
    for column in text_columns:
        frame[column] = frame[column].where(frame[column] != "", None).astype("object")
    return frame


def _schema_problems(error: pa.errors.SchemaErrors, problems: _Problems) -> None:
    """Record pandera's failure cases as problems naming column, row, expected and found."""
    for case in error.failure_cases.itertuples(index=False):
        row = None if pd.isna(case.index) else int(case.index)
        expected = _expected_text(str(case.column), str(case.check))
        found = (
            case.failure_case.item() if hasattr(case.failure_case, "item") else case.failure_case
        )
        problems.add(str(case.column), row, expected, repr(found))


def _expected_text(column: str, check: str) -> str:
    """Say in words what a failed pandera check wanted."""
    if column == "country":
        return f"a study country with conversations ({', '.join(STUDY_COUNTRIES)})"
    if column == "age_at_conversation":
        return "an age from {} to {}".format(*AGE_AT_CONVERSATION)
    if column == "age_first_targeted":
        return "an age from {} to {}".format(*AGE_FIRST_TARGETED)
    if column in ALLOWED:
        return f"one of {', '.join(ALLOWED[column])}"
    if column == "participant_id":
        return "a unique, non-empty id of letters, digits, '.', '_' and '-'"
    if check.startswith("isin([0, 1])"):
        return "0 or 1"
    return check


def _rows(mask: pd.Series) -> list[int]:
    """Return the index labels where ``mask`` holds (missing counts as false)."""
    return [int(i) for i in mask.index[mask.fillna(False).astype(bool)]]


def _check_rows(frame: pd.DataFrame, themes: list[str], problems: _Problems) -> None:
    """Check the rules that tie columns together (status, derived, exclusive, nested)."""
    declined = frame["status"] == "declined"
    participant = frame["status"] == "participant"
    for column in PARTICIPANT_FIELDS:
        for row in _rows(participant & frame[column].isna()):
            problems.add(column, row, "a value for a participant", "an empty cell")
    for column in (*PARTICIPANT_FIELDS, *themes):
        for row in _rows(declined & frame[column].notna()):
            expected = "an empty cell for a person who declined"
            problems.add(column, row, expected, repr(frame.loc[row, column]))
    for column in themes:
        for row in _rows(participant & frame[column].isna()):
            problems.add(column, row, "0 or 1 for a participant", "an empty cell")
    for row in _rows(declined & frame["decline_reason"].isna()):
        problems.add("decline_reason", row, "a reason for a person who declined", "an empty cell")
    for row in _rows(participant & frame["decline_reason"].notna()):
        found = repr(frame.loc[row, "decline_reason"])
        problems.add("decline_reason", row, "an empty cell for a participant", found)
    for row in _rows(frame["age_first_targeted"] >= frame["age_at_conversation"]):
        problems.add(
            "age_first_targeted",
            row,
            f"an age below the age at the conversation ({frame.loc[row, 'age_at_conversation']})",
            str(frame.loc[row, "age_first_targeted"]),
        )
    people = frame[participant]
    for group, members in EXCLUSIVE_GROUPS.items():
        present = [m for m in members if m in people.columns]
        for row in _rows(people[present].sum(axis=1) > 1):
            found = [m for m in present if people.loc[row, m] == 1]
            problems.add(", ".join(found), row, f"at most one {group}", str(len(found)))
    for derived, members in DERIVED_THEMES.items():
        present = [m for m in members if m in themes]
        if derived not in themes or not present:
            continue
        expected = (people[present].sum(axis=1) > 0).astype("Int64")
        for row in _rows(people[derived] != expected):
            problems.add(
                derived,
                row,
                f"{int(expected[row])} (1 exactly when any of {present} is 1)",
                str(people.loc[row, derived]),
            )
    for child, parent in NESTED_THEMES.items():
        if child not in themes or parent not in themes:
            continue
        for row in _rows((people[child] == 1) & (people[parent] == 0)):
            expected = f"0 because {parent!r} is 0 ({child!r} is only coded within {parent!r})"
            problems.add(child, row, expected, "1")


def validate_conversations(
    raw: pd.DataFrame, codebook: pd.DataFrame, path: Path | str = "<frame>"
) -> pd.DataFrame:
    """Validate a frame of text cells against the codebook and return it typed.

    Every problem is found before anything is raised, so one run lists them all.

    Parameters
    ----------
    raw
        The file as read with every cell as text (empty string for an empty cell).
    codebook
        The theme codebook (see :func:`load_codebook`).
    path
        Shown in error messages.

    Returns
    -------
    pandas.DataFrame
        Ages, flags and themes as nullable integers, categorical columns as text.

    Raises
    ------
    ConversationsError
        Listing every problem, each naming the file, column, row, what was expected and
        what was found.
    """
    import pandera.errors  # here, not on import: see _schema

    themes = theme_columns(codebook)
    column_problems = _column_problems(raw, themes, path)
    if column_problems:
        raise ConversationsError.listing(path, column_problems)
    problems = _Problems(path)
    frame = _to_typed(raw.reset_index(drop=True), themes, problems)
    for row in _rows(frame["country"] == "Bosnia and Herzegovina"):
        problems.add(
            "country",
            row,
            f"a country where conversations were held ({', '.join(STUDY_COUNTRIES)})",
            "'Bosnia and Herzegovina' (a study country where no conversations took place)",
        )
    schema = _schema(themes)
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        _schema_problems(error, problems)
    _check_rows(frame, themes, problems)
    problems.raise_if_any()
    return frame[[*BASE_COLUMNS, *themes]]


def load_conversations(
    path: Path | str = paths.CONVERSATIONS, codebook_path: Path | str = CODEBOOK
) -> pd.DataFrame:
    """Read and validate a conversations file (synthetic, or a coded real file).

    Within a build the validated frame comes from the frame store when this file and
    codebook were validated by this code before (see ``frame_store``).
    """
    path = Path(path)

    def validate() -> pd.DataFrame:
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError) as error:
            raise ConversationsError(f"{path}: cannot be read as CSV ({error})") from error
        return validate_conversations(raw, load_codebook(codebook_path), path)

    return frame_store.load_or_compute("conversations", [path, codebook_path], validate)


def participants(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of people who took part (declined invitations left out)."""
    return frame[frame["status"] == "participant"]
