"""Forms of the reference library pages: a reference's fields as an editor types them, import.

The forms turn what people type into a CSL-JSON item and normalised identifiers; the services in
articles.references.services decides what is accepted.
"""

import datetime
import re
from typing import Any

from django import forms

from articles.plain_input import ascii_int
from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    pmcid_normalise,
    pmid_normalise,
)
from articles.references.importing import ImportFormat, import_max_bytes, import_too_large
from articles.references.models import (
    EvidenceLevel,
    ReferenceStatus,
    ReferenceType,
    ReferenceVersion,
)
from articles.references.services import CHANGE_NOTE_REQUIRED, CSL_TYPES

DATE_INVALID = "Give a year (2013), a month (2013-06) or a full date (2013-06-03)."
IMPORT_NOTHING = "Choose a file or paste the references."
IMPORT_BOTH = "Choose a file or paste the references, not both."

CSL_TYPE_LABELS = {
    "article-journal": "Journal article",
    "book": "Book",
    "chapter": "Book chapter",
    "report": "Report",
    "webpage": "Web page",
    "paper-conference": "Conference paper",
    "thesis": "Thesis",
    "dataset": "Dataset",
    "document": "Document",
    "article": "Article (preprint or other)",
    "article-magazine": "Magazine article",
    "article-newspaper": "Newspaper article",
}
assert set(CSL_TYPE_LABELS) == CSL_TYPES  # every type the library formats, and only those

# Form field -> CSL-JSON variable, for the plain text fields.
TEXT_FIELDS = {
    "title": "title",
    "container_title": "container-title",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "publisher": "publisher",
    "url": "URL",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def authors_parse(text: str) -> list[dict[str, str]]:
    """One name a line: "Family, Given" for a person, anything without a comma for a body."""
    names = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if "," in line:
            family, given = (part.strip() for part in line.split(",", 1))
            names.append({"family": family, "given": given} if given else {"family": family})
        else:
            names.append({"literal": line})
    return names


def authors_text(names: Any) -> str:
    """The CSL names as the authors field shows them, one a line."""
    lines = []
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, dict):  # stored before the schema was checked
            lines.append(str(name))
        elif name.get("literal"):
            lines.append(name["literal"])
        else:
            lines.append(", ".join(filter(None, [name.get("family"), name.get("given")])))
    return "\n".join(lines)


def date_parts_text(value: Any) -> str:
    """A CSL date as 2013, 2013-06 or 2013-06-03."""
    parts = (value or {}).get("date-parts") or [[]] if isinstance(value, dict) else [[]]
    numbers = [n for n in (ascii_int(str(p)) for p in parts[0]) if n is not None] if parts else []
    if not numbers:
        return ""
    return "-".join([str(numbers[0]), *(f"{n:02d}" for n in numbers[1:])])


class ReferenceForm(forms.Form):
    """A reference's fields; `editing` makes the change note required and hides the key."""

    key = forms.CharField(
        max_length=100,
        help_text="e.g. kim2013-ischiofemoral; articles cite it as [@kim2013-ischiofemoral].",
    )
    type = forms.ChoiceField(choices=ReferenceType.choices, label="Type")
    csl_type = forms.ChoiceField(
        choices=list(CSL_TYPE_LABELS.items()),
        label="Form of publication",
        help_text="How the citation is formatted.",
    )
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='One a line: "Family, Given" for a person, or an organisation\'s name.',
    )
    title = forms.CharField(max_length=1000)
    container_title = forms.CharField(max_length=500, required=False, label="Journal, book or site")
    volume = forms.CharField(max_length=50, required=False)
    issue = forms.CharField(max_length=50, required=False)
    page = forms.CharField(max_length=50, required=False, label="Pages", help_text="e.g. 1234-1239")
    publisher = forms.CharField(max_length=300, required=False)
    issued = forms.CharField(
        max_length=10, required=False, label="Published", help_text=DATE_INVALID
    )
    url = forms.URLField(max_length=2000, required=False, label="URL", assume_scheme="https")
    accessed = forms.CharField(
        max_length=10,
        required=False,
        label="Accessed",
        help_text="For a web page: the day you read it, e.g. 2024-03-05.",
    )
    doi = forms.CharField(max_length=255, required=False, label="DOI")
    pmid = forms.CharField(max_length=20, required=False, label="PMID")
    pmcid = forms.CharField(max_length=20, required=False, label="PMCID")
    evidence_level = forms.ChoiceField(
        choices=[("", "Not graded"), *EvidenceLevel.choices], required=False
    )
    status = forms.ChoiceField(choices=ReferenceStatus.choices, initial=ReferenceStatus.ACTIVE)
    change_note = forms.CharField(
        max_length=300, required=False, help_text="What changed and why (kept in the history)."
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            del self.fields["key"]
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = CHANGE_NOTE_REQUIRED

    @staticmethod
    def initial_from(version: ReferenceVersion) -> dict[str, Any]:
        csl = version.csl
        initial: dict[str, Any] = {
            name: csl.get(variable, "") for name, variable in TEXT_FIELDS.items()
        }
        return initial | {
            "type": version.type,
            "csl_type": csl.get("type", "article-journal"),
            "authors": authors_text(csl.get("author")),
            "issued": date_parts_text(csl.get("issued")),
            "accessed": date_parts_text(csl.get("accessed")),
            "doi": version.doi,
            "pmid": version.pmid,
            "pmcid": version.pmcid,
            "evidence_level": version.evidence_level,
            "status": version.status,
        }

    def _identifier(self, name: str, normalise: Any) -> str:
        value = self.cleaned_data[name].strip()
        try:
            return normalise(value) if value else ""
        except IdentifierInvalid as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_doi(self) -> str:
        return self._identifier("doi", doi_normalise)

    def clean_pmid(self) -> str:
        return self._identifier("pmid", pmid_normalise)

    def clean_pmcid(self) -> str:
        return self._identifier("pmcid", pmcid_normalise)

    def _date(self, name: str) -> list[int] | None:
        value = self.cleaned_data[name].strip()
        if not value:
            return None
        match = _DATE.match(value)
        if match is None:
            raise forms.ValidationError(DATE_INVALID)
        parts = [int(p) for p in match.groups() if p]
        try:
            datetime.date(parts[0], *[*parts[1:], 1, 1][:2])
        except ValueError as exc:
            raise forms.ValidationError(DATE_INVALID) from exc
        return parts

    def clean_issued(self) -> list[int] | None:
        return self._date("issued")

    def clean_accessed(self) -> list[int] | None:
        return self._date("accessed")

    def _unchanged(self, name: str, shown: str) -> bool:
        """The field still says what the form showed for the current version."""

        def lines(text: str) -> list[str]:
            return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

        return lines(str(self.data.get(self.add_prefix(name), ""))) == lines(shown)

    def csl(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The CSL-JSON item: `base` (the current version's, so nothing else is lost) with the
        form's fields set, and emptied ones removed. Call after is_valid()."""
        data = self.cleaned_data
        item = {k: v for k, v in (base or {}).items() if k not in ("DOI", "PMID", "PMCID")}
        values: dict[str, Any] = {
            variable: data[name].strip() for name, variable in TEXT_FIELDS.items()
        }
        values["type"] = data["csl_type"]
        values["author"] = authors_parse(data["authors"])
        for variable in ("issued", "accessed"):
            values[variable] = {"date-parts": [data[variable]]} if data[variable] else None
        # What the form cannot show exactly (name particles, a season, a literal date) is kept
        # as it was unless the editor changed that field.
        for name, variable, shown in (
            ("authors", "author", authors_text),
            ("issued", "issued", date_parts_text),
            ("accessed", "accessed", date_parts_text),
        ):
            if variable in item and self._unchanged(name, shown(item[variable])):
                values[variable] = item[variable]
        for variable, value in values.items():
            if value:
                item[variable] = value
            else:
                item.pop(variable, None)
        return item

    def service_fields(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """Keyword arguments for reference_create / reference_version_create."""
        data = self.cleaned_data
        return {
            "type": data["type"],
            "csl": self.csl(base),
            "doi": data["doi"],
            "pmid": data["pmid"],
            "pmcid": data["pmcid"],
            "evidence_level": data["evidence_level"],
            "status": data["status"],
            "change_note": data["change_note"],
        }


class ImportForm(forms.Form):
    """A file, or pasted text, and its format (detected when left empty)."""

    file = forms.FileField(required=False, label="File")
    text = forms.CharField(
        required=False,
        label="Or paste the references",
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
    )
    format = forms.ChoiceField(
        choices=[
            ("", "Detect from the file"),
            (ImportFormat.RIS.value, "RIS (.ris)"),
            (ImportFormat.BIBTEX.value, "BibTeX (.bib)"),
            (ImportFormat.CSL_JSON.value, "CSL-JSON (.json)"),
            (ImportFormat.MEDLINE.value, "PubMed/MEDLINE (.nbib)"),
        ],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError(IMPORT_BOTH)
        if not upload and not text:
            raise forms.ValidationError(IMPORT_NOTHING)
        if upload and upload.size > import_max_bytes():
            raise forms.ValidationError(import_too_large())
        return data

    def content(self) -> tuple[Any, str, str]:
        """The uploaded file (read later a piece at a time) or None, the pasted text, and the
        file's name; after is_valid()."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload, "", upload.name or ""
        return None, self.cleaned_data["text"], ""
