"""Answers as plain data: what leaves a student's notebook run, and nothing else.

A graded exercise's answer is extracted in the student's kernel into JSON-safe data (numbers,
strings, lists, dicts and numeric arrays; see ``codec``), so that it can be scored in a process
no student code ever touched, stored (``store``), and re-scored later without running the
notebook again.
"""

from .codec import AnswerTooLarge, decode, encode

__all__ = ["encode", "decode", "AnswerTooLarge"]
