"""Matplotlib set-up for figures with Korean text, for the notebooks' own plots.

matplotlib's bundled DejaVu fonts have no Hangul, so Korean titles and labels would show as empty
boxes (and warn on stderr). The ``koreanize-matplotlib`` wheel ships the NanumGothic font; its
own import hook uses deprecated ``distutils`` and warns, so only its font file is registered here.
"""

from __future__ import annotations

from autograder.scoring.figure import KOREAN_FONT_FAMILY, korean_font_path


def use_korean_font() -> bool:
    """Make matplotlib draw Hangul; returns False (and changes nothing) if the font is missing."""
    import matplotlib
    from matplotlib import font_manager

    path = korean_font_path()
    if path is None:
        return False
    font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams["font.family"] = [KOREAN_FONT_FAMILY, "DejaVu Sans"]
    # NanumGothic has no U+2212 minus sign; use the ASCII hyphen for negative tick labels.
    matplotlib.rcParams["axes.unicode_minus"] = False
    return True
