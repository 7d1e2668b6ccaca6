"""Text clean-up shared by the sources: LaTeX accents, mojibake, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import ftfy
from pylatexenc.latex2text import LatexNodes2Text

_LATEX_HINT = re.compile(r"\\[A-Za-z'`^\"~=.&%#_]|[{}]")  # \& and \% too: "A Reusable \& Stitchable Network"
_latex = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)


# $\texttt{SPECS}$, $\textit{Agents Under Siege}$, Di$\mathtt{[M]}$O: font commands around plain words in math
_MATH_FONT = re.compile(r"\\(?:text(?:tt|bf|it|sc|rm|sf|normal)?|math(?:tt|rm|bf|sf|it)|emph)\s*\{([^{}$\\]*)\}")
_MATH_SPAN = re.compile(r"\$([^$]+)\$")
_PLAIN = re.compile(r"[\w\s\[\]().,:;'+-]+")


def _unwrap(m: re.Match[str]) -> str:
    inner = _MATH_FONT.sub(lambda f: f.group(1), m.group(1))
    return inner if inner != m.group(1) and _PLAIN.fullmatch(inner) else m.group(0)


def tidy_math(s: str) -> str:
    """Unwrap font commands around plain words in math (``$\\texttt{SPECS}$`` -> ``SPECS``).

    Real math (``M$^2$CD``, ``$\\ell_1$``) and dollar amounts are kept as written.
    """
    return _MATH_SPAN.sub(_unwrap, s) if "$" in s else s


def latex_to_text(s: str) -> str:
    """Turn TeX accents and braces in names and titles into Unicode (``Bal\\'azs`` -> ``Balázs``).

    Math (``$\\omega$``) is kept verbatim: titles read better with it than with a guessed rendering.
    """
    if not s or not _LATEX_HINT.search(s):
        return s
    s = tidy_math(s)
    if not _LATEX_HINT.search(s):
        return " ".join(s.split())
    try:
        return " ".join(_latex.latex_to_text(s).split())
    except Exception:  # pylatexenc raises assorted errors on broken TeX; the raw text is still usable
        return s


_MOJIBAKE = re.compile("[ÃÂâð][\u0080-\u00bf\u0152-\u2122]")


def fix_text(s: str) -> str:
    """Repair mojibake such as double-encoded UTF-8 (``ðŸ”¥`` -> ``🔥``).

    A text that was wholly decoded with the wrong code page is reversed exactly (that also recovers sequences
    ftfy finds ambiguous, like ``â„“`` -> ``ℓ``); mixed texts are repaired piecewise by ftfy.
    """
    if _MOJIBAKE.search(s):
        for codec in ("cp1252", "latin-1"):
            try:
                return s.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    return ftfy.fix_text(s, uncurl_quotes=False)


def iso_date(s: str | None) -> str | None:
    """Any date arXiv and friends emit (ISO 8601, RFC 2822, 'YYYY-MM-DD') as ISO 8601, UTC where known."""
    if not s:
        return None
    s = s.strip()
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
    if len(s) == 10 and s[4] == "-":
        return dt.date().isoformat()
    return dt.replace(microsecond=0).isoformat()


_WITHDRAWN = re.compile(
    r"\b(has been|have been|was|is) withdrawn\b|\bwithdrawn by (the )?(author|arxiv|admin)|"
    r"^\s*withdrawn\b|\bpaper withdrawn\b",
    re.I,
)


def is_withdrawn(*texts: str | None) -> bool:
    """arXiv marks withdrawals in the comment (and often the abstract): "This paper has been withdrawn by the
    author"."""
    return any(t and _WITHDRAWN.search(t) for t in texts)


_AUTHOR_SEP = re.compile(r"\s*,\s*and\s+|\s*;\s*|\s*,\s*|\s+and\s+")


def split_authors(s: str) -> list[str]:
    """Split arXiv's author string ("A. One, B. Two, and C. Three") into names, TeX accents decoded.

    Parenthesised affiliations ("A. One (MIT)") are dropped; commas inside them do not split.
    """
    s = latex_to_text(" ".join(s.split()))
    depth, buf, cleaned = 0, [], ""
    for ch in s:  # drop (affiliations), which may nest and contain commas
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            buf.append(ch)
    cleaned = "".join(buf)
    return [n.strip() for n in _AUTHOR_SEP.split(cleaned) if n.strip() and n.strip().lower() != "et al."]
