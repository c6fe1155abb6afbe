"""Names are data: the student ids and the file names made from what a person typed as their name.

An LMS puts each student's name into its download's file and folder names, and students choose
their names in many set-ups. Three rules follow:

- **Ids.** Two spellings of one name are one id: the name is put in Unicode's composed form (NFC:
  a Korean name typed on a Mac arrives decomposed into jamo, NFD) and loses its invisible format
  characters (zero-width spaces and joiners, bidirectional overrides: Unicode category ``Cf``)
  before anything else. Look-alike letters of other scripts (Cyrillic ``а`` for Latin ``a``) are
  different letters and give a different id: such students are told apart by their LMS ids, which
  is what every file going back to the LMS is keyed by. Two *different* people whose names still
  give one id are refused by the collector, both named (:mod:`autograder.collect.participants`).
- **Bytes, not characters.** A file system takes at most 255 *bytes* per name (``NAME_MAX``), and
  UTF-8 spends three per Hangul syllable: Moodle's 100 + 100 characters of a Korean name are 601
  bytes, Canvas's 255-character names 555 or more. Every name made into a path is cut to fit by
  bytes, at a character boundary.
- **Cut names stay distinct.** A name cut to fit ends with a short hash of the whole name, so two
  long names that share a beginning never become one file, folder or id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

NAME_MAX_BYTES = 255  # NAME_MAX of ext4, xfs, btrfs, tmpfs: bytes of one file or folder name
PATH_MAX_BYTES = 4000  # below PATH_MAX (4096), with room for the course folder in front
ID_MAX_CHARS = 64
ID_MAX_BYTES = 192  # 64 Hangul syllables: every id of 64 characters of the Basic Multilingual Plane
DIGEST_CHARS = 8  # 32 bits of SHA-256: names of one class never meet by chance
_SLUG_DROP = re.compile(r"[^\w.@+-]")
_DOTS = re.compile(r"\.{2,}")


def canonical_name(name: str) -> str:
    """``name`` as one spelling: NFC, without format characters (``Cf``), spaces collapsed."""
    composed = unicodedata.normalize("NFC", str(name))
    visible = "".join(char for char in composed if unicodedata.category(char) != "Cf")
    return " ".join(visible.split())


def digest(text: str, chars: int = DIGEST_CHARS) -> str:
    """A short, stable hash of ``text`` (hex of SHA-256 over its UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:chars]


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def cut_to_bytes(text: str, limit: int) -> str:
    """The longest beginning of ``text`` whose UTF-8 takes at most ``limit`` bytes (never half a
    character)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:max(limit, 0)].decode("utf-8", "ignore")


def fitting_name(name: str, limit: int = NAME_MAX_BYTES, keep_suffix: int = 16) -> str:
    """``name`` if it fits in ``limit`` bytes; else its beginning, ``~``, a hash of the whole name,
    and its extension (up to ``keep_suffix`` bytes, so that ``.ipynb`` stays ``.ipynb``)."""
    if utf8_length(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension}" if dot and stem and utf8_length(extension) < keep_suffix else ""
    tail = f"~{digest(name)}{suffix}"
    return cut_to_bytes(name[: len(name) - len(suffix)], limit - utf8_length(tail)) + tail


def fit_name_part(name: str, rest: str, limit: int = NAME_MAX_BYTES) -> str:
    """``name + rest`` cut to ``limit`` bytes by cutting ``name`` alone (``rest`` carries the LMS's
    id, which keeps the result unique: no hash is needed)."""
    return cut_to_bytes(name, limit - utf8_length(rest)) + rest


def id_from_name(name: str, max_chars: int = ID_MAX_CHARS, max_bytes: int = ID_MAX_BYTES) -> str:
    """A student id made from a person's name: its one spelling (:func:`canonical_name`), spaces
    made ``-``, only letters, digits and ``._@+-`` kept, starting with a letter or digit, no ``..``;
    one too long for an id is cut and ends with ``-`` and a hash of the whole, so two long names
    never give one id. Empty when nothing usable is left (the caller then uses the LMS's id)."""
    slug = _SLUG_DROP.sub("", canonical_name(name).replace(" ", "-"))
    slug = _DOTS.sub(".", slug)
    slug = re.sub(r"^[\W_]+", "", slug).rstrip("-._")
    if len(slug) <= max_chars and utf8_length(slug) <= max_bytes:
        return slug
    tail = f"-{digest(slug)}"
    cut = cut_to_bytes(slug[: max_chars - len(tail)], max_bytes - len(tail)).rstrip("-._")
    return cut + tail


def shown_name(name: str, limit: int = 120) -> str:
    """A name as an instructor reads it in a report line: invisible and control characters shown
    as ``<U+200B>``, quoted, a very long name cut (with its length) so that a line stays a line, and
    a name in decomposed form said to be (it looks the same as the composed one)."""
    visible = "".join(f"<U+{ord(char):04X}>" if unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp") else char
                      for char in str(name))
    if len(visible) > limit:
        visible = f"{visible[:limit]}… ({len(name)} characters)"
    decomposed = " (written decomposed, NFD)" if unicodedata.normalize("NFC", str(name)) != str(name) else ""
    return f"'{visible}'{decomposed}"
