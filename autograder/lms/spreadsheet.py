"""Every CSV file written for people opens safely in a spreadsheet (CSV injection).

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and tab and
carriage return can start one too; a student's name is text a student chose (``=HYPERLINK(...)``,
``-2+3 Park``). OWASP's advice (CSV Injection, owasp.org/www-community/attacks/CSV_Injection):
make sure no cell begins with one of ``= + - @``, tab (0x09) or carriage return (0x0D), by putting
a single quote in front, so that the spreadsheet shows the text as text. Here:

- a **text** cell whose first character is one of those, or is one after leading spaces or
  invisible format characters (a spreadsheet may trim those), or is the full-width form of one
  (East Asian input methods type ``＝``), gets a ``'`` in front;
- a **number** stays a number: an ``int`` or ``float``, or text that is exactly a decimal number
  (a score of ``-1``, ``+2.5``, ``1e3``), is written as it is. A number is never a formula.

The LMS files built with this still import: each preset says, where it writes one, which columns
its LMS reads and why a neutralised text cell changes nothing it imports. ``defusedcsv`` (the
package for this) neither covers tab and carriage return nor leaves a ``|`` inside a name alone,
so this is the course's own, in one place, and every CSV the course writes goes through it.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from numbers import Real

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_number_text(text: str) -> bool:
    """Whether ``text`` is exactly a decimal number in ASCII digits (a spreadsheet reads it as that
    number)."""
    return bool(_NUMBER.fullmatch(text))


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read the text cell ``text`` as a formula."""
    if text.startswith(("\t", "\r")):
        return True
    stripped = "".join(char for char in text[:64] if unicodedata.category(char) != "Cf").lstrip(" \u00a0\u3000\n")
    return stripped.startswith(FORMULA_STARTS) and not is_number_text(text)


def safe_cell(value) -> str:
    """One cell as written: numbers as they are, ``None`` empty, text neutralised if it could be
    read as a formula."""
    if value is None:
        return ""
    if isinstance(value, Real) and not isinstance(value, bool):
        return str(value) if math.isfinite(value) else ""
    text = str(value)
    return "'" + text if starts_formula(text) else text


def csv_text(rows: Iterable[Iterable]) -> str:
    """The CSV text of ``rows`` (the first is the header), every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
