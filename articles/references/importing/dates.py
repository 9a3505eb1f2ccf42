"""CSL date-parts to and from the slash (RIS), dash (BibTeX) and word (MEDLINE) forms."""

import re
from typing import Any

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def date_parts(value: Any) -> list[int]:
    parts = (value or {}).get("date-parts") or [[]] if isinstance(value, dict) else [[]]
    return [int(p) for p in parts[0]] if parts and isinstance(parts[0], list) else []


def date_from_numbers(text: str) -> dict[str, Any] | None:
    """ "2013/06/14/", "2013-06", "2013" -> date-parts; None when there is no year."""
    numbers = [int(n) for n in re.findall(r"\d+", text or "")]
    if not numbers or not 1000 <= numbers[0] <= 9999:
        return None
    return {"date-parts": [numbers[:3]]}


def date_from_words(text: str) -> dict[str, Any] | None:
    """MEDLINE's "2013 Jun 3" or "2018 Jun-Jul" -> date-parts."""
    match = re.match(r"\s*(\d{4})(?:\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?)?", text or "")
    if not match:
        return None
    parts = [int(match.group(1))]
    if match.group(2) and match.group(2).lower() in MONTHS:
        parts.append(MONTHS.index(match.group(2).lower()) + 1)
        if match.group(3):
            parts.append(int(match.group(3)))
    return {"date-parts": [parts]}
