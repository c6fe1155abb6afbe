"""One way of wording every sentence a student reads: catalogues of Korean and English templates.

Each part of the course keeps its own :class:`Catalogue` next to the code that speaks (the
kernel scorer's in ``scoring/messages.py``, the lab checks' in ``exercises/messages.py``, the
grader's run notes in ``grading/messages.py``), and every one of them is filled in the same way:
``catalogue.message(message_id, language, **fields)``. A message that is missing in a language,
or a template whose fields do not fit, never raises: the template (or the id) comes back as is,
because a grade must never be lost to a wording problem.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"  # the course is taught in Korean


def resolve_language(language) -> str:
    """``language`` if supported ('ko' or 'en'), else the course's default (Korean)."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


class _KeepMissing(dict):
    def __missing__(self, key):
        return "{" + key + "}"


class Catalogue:
    """Message templates by id and language, with words that depend on the language.

    ``messages`` maps an id to ``{'ko': template, 'en': template}`` (``str.format`` syntax).
    ``words`` maps a field name to a vocabulary: when a message is filled with
    ``target='horizontal'`` and ``words['target']`` knows ``'horizontal'``, the template can use
    ``{target_ko}`` and ``{target_en}``. ``constants`` are per-language fields every template of
    the catalogue may use.
    """

    def __init__(self, messages: Mapping[str, Mapping[str, str]],
                 words: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
                 constants: Mapping[str, Mapping[str, str]] | None = None):
        self.messages = messages
        self.words = words or {}
        self.constants = constants or {}

    def __contains__(self, message_id: str) -> bool:
        return message_id in self.messages

    def message(self, message_id: str, language: str, **fields) -> str:
        """The message ``message_id`` in ``language``, with ``fields`` filled in; never raises."""
        language = resolve_language(language)
        template = self.messages.get(message_id, {}).get(language, message_id)
        values = _KeepMissing({name: by_language[language] for name, by_language in self.constants.items()})
        for name, vocabulary in self.words.items():
            word = fields.get(name)
            if isinstance(word, str) and word in vocabulary:
                for lang in LANGUAGES:
                    values[f"{name}_{lang}"] = vocabulary[word][lang]
        values.update({key: value.text(language) if isinstance(value, Phrase) else value
                       for key, value in fields.items() if key not in values})
        try:
            return template.format_map(values)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            return template


class Phrase:
    """A catalogue message not rendered yet, to be filled into another one in the same language."""

    def __init__(self, catalogue: Catalogue, message_id: str, **fields):
        self.catalogue, self.message_id, self.fields = catalogue, message_id, fields

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.catalogue.message(self.message_id, language, **self.fields)

    def __str__(self) -> str:
        return self.text(DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        return f"Phrase({self.message_id!r})"


class Wording(Exception):
    """An exception whose text is a catalogue message, rendered in any language on demand.

    ``str()`` gives the default language, which is what a student sees when a check raises in
    their own kernel; the grader renders it in the course's language with :meth:`text`.
    """

    catalogue: Catalogue = Catalogue({})

    def __init__(self, message_id: str, **fields):
        super().__init__(message_id)
        self.message_id = message_id
        self.fields = fields

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.catalogue.message(self.message_id, language, **self.fields)

    def __str__(self) -> str:
        return self.text(DEFAULT_LANGUAGE)


DELAY_UNITS = {"ko": ("일", "시간", "분", "초"), "en": (" d", " h", " min", " s")}


def format_delay(seconds: float, language: str = DEFAULT_LANGUAGE) -> str:
    """``95 min`` -> ``1시간 35분`` / ``1 h 35 min``: a delay (lateness) in its two largest units."""
    units = DELAY_UNITS[resolve_language(language)]
    parts, rest = [], int(round(seconds))
    for unit, size in zip(units, (86400, 3600, 60, 1)):
        if rest >= size or (size == 1 and not parts):
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return " ".join(parts[:2])
