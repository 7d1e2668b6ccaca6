"""Interest profiles in TOML: a description, sub-topics, keywords, categories, seed papers, a threshold."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from paperradar.models import normalize_arxiv_id
from paperradar.relevance.lexical import LexicalModel
from paperradar.relevance.model import ProfileModel


class ProfileError(Exception):
    """A profile that cannot be found or read; the message names the file and the problem."""


@dataclass
class Area:
    """A sub-area of an interest: a name, what it covers, and words that show it in an abstract."""

    name: str
    description: str = ""
    terms: list[str] = field(default_factory=list)
    # named in explanations only for papers whose title and abstract match it (e.g. a survey cue for a
    # "surveys" area); None: any paper
    only_when: re.Pattern[str] | None = None


@dataclass
class NegativeCue:
    """A pattern that often marks a paper outside the interest, and why (used in explanations)."""

    name: str
    pattern: re.Pattern[str]
    note: str = ""


@dataclass
class Profile:
    """What one interest means. ``seed_vectors`` are precomputed embeddings and ``lexical`` a fitted lexical
    model, shipped with a built-in profile (see tools/build_profile.py)."""

    name: str
    description: str = ""
    subtopics: list[str] = field(default_factory=list)
    include_keywords: list[str] = field(default_factory=list)
    exclude_keywords: list[str] = field(default_factory=list)
    include_categories: list[str] = field(default_factory=list)
    exclude_categories: list[str] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    follow_authors: list[str] = field(default_factory=list)  # their papers always appear, marked as such
    threshold: float = 0.5
    seed_vectors: np.ndarray | None = None
    seed_model: str | None = None
    lexical: LexicalModel | None = None
    source: str = ""
    areas: list[Area] = field(default_factory=list)
    negative_cues: list[NegativeCue] = field(default_factory=list)
    model: ProfileModel | None = None

    @property
    def sub_areas(self) -> list[str]:
        """One sentence per sub-area, name first ("quantization: ..."): the ``subtopics`` list, else the
        ``[[areas]]`` tables. Reports anchor their named topics on them."""
        if self.subtopics:
            return self.subtopics
        return [f"{a.name}: {a.description}" if a.description else a.name for a in self.areas]

    @property
    def sub_area_gates(self) -> list[re.Pattern[str] | None]:
        """Each sub-area's ``only_when`` pattern, aligned with :attr:`sub_areas` (all None for ``subtopics``)."""
        if self.subtopics:
            return [None] * len(self.subtopics)
        return [a.only_when for a in self.areas]

    @property
    def prototypes(self) -> list[str]:
        """The texts the profile is embedded from: each sub-area, else the description."""
        return self.sub_areas or ([self.description] if self.description else [])

    def keyword_patterns(self, words: list[str]) -> list[tuple[str, re.Pattern[str]]]:
        """Word-boundary, case-insensitive patterns (a trailing * matches any ending)."""
        out = []
        for w in words:
            body = re.escape(w.rstrip("*")).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
            tail = r"\w*" if w.endswith("*") else ""
            out.append((w, re.compile(rf"(?<![\w-]){body}{tail}(?![\w])", re.I)))
        return out


def _str_list(data: dict[str, object], key: str, where: str) -> list[str]:
    v = data.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ProfileError(f"{where}: {key} must be a list of strings")
    return list(v)


def _tables(data: dict[str, object], key: str, where: str) -> list[dict[str, object]]:
    v = data.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, dict) and isinstance(x.get("name"), str) for x in v):
        raise ProfileError(f"{where}: each [[{key}]] needs a name")
    return list(v)


def _areas(data: dict[str, object], where: str) -> list[Area]:
    out = []
    for t in _tables(data, "areas", where):
        only = None
        if t.get("only_when"):
            try:
                only = re.compile(str(t["only_when"]), re.I)
            except re.error as e:
                raise ProfileError(f"{where}: area {t['name']!r} has a bad only_when pattern ({e})") from e
        out.append(Area(str(t["name"]), str(t.get("description", "")), _str_list(t, "terms", where), only))
    return out


def _cues(data: dict[str, object], where: str) -> list[NegativeCue]:
    out = []
    for t in _tables(data, "negative_cues", where):
        try:
            pattern = re.compile(str(t.get("pattern", "")), re.I)
        except re.error as e:
            raise ProfileError(f"{where}: negative cue {t['name']!r} has a bad pattern ({e})") from e
        out.append(NegativeCue(str(t["name"]), pattern, str(t.get("note", ""))))
    return out


def parse_profile(text: str, where: str, folder: Path | None = None) -> Profile:
    """Build a profile from TOML text; raise ProfileError naming ``where`` on any problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"{where}: not valid TOML ({e})") from e
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,64}", name):
        raise ProfileError(f"{where}: name must be 1-64 letters, digits, '-', '_' or '.'")
    threshold = data.get("threshold", 0.5)
    if not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise ProfileError(f"{where}: threshold must be a number between 0 and 1")
    seeds = []
    for s in _str_list(data, "seeds", where):
        sid = normalize_arxiv_id(s)
        if sid is None:
            raise ProfileError(f"{where}: seed {s!r} is not an arXiv id")
        seeds.append(sid)
    p = Profile(
        name=name,
        description=str(data.get("description", "")),
        subtopics=_str_list(data, "subtopics", where),
        include_keywords=_str_list(data, "include_keywords", where),
        exclude_keywords=_str_list(data, "exclude_keywords", where),
        include_categories=_str_list(data, "include_categories", where),
        exclude_categories=_str_list(data, "exclude_categories", where),
        seeds=seeds,
        follow_authors=_str_list(data, "follow_authors", where),
        threshold=float(threshold),
        source=where,
        areas=_areas(data, where),
        negative_cues=_cues(data, where),
    )
    if not (p.prototypes or p.include_keywords or p.seeds or p.follow_authors or data.get("model_file")):
        raise ProfileError(f"{where}: a profile needs a description, subtopics, include_keywords or seeds")
    seed_file = data.get("seed_file")
    if isinstance(seed_file, str) and folder is not None:
        with np.load(folder / seed_file) as z:
            p.seed_vectors = z["vectors"].astype(np.float32)
            p.seed_model = str(z["model"])
            p.seeds = [*p.seeds, *(str(i) for i in z["ids"])]
    lexical_file = data.get("lexical_file")
    if isinstance(lexical_file, str) and folder is not None:
        try:
            p.lexical = LexicalModel.load(folder / lexical_file)
        except (OSError, KeyError, ValueError) as e:
            raise ProfileError(f"{where}: cannot read lexical_file {lexical_file!r} ({e})") from e
    model_file = data.get("model_file")
    if isinstance(model_file, str) and folder is not None:
        try:
            p.model = ProfileModel.load(folder / model_file)
        except (OSError, KeyError, ValueError) as e:
            raise ProfileError(f"{where}: cannot read model_file {model_file!r} ({e})") from e
    return p


def user_profiles_dir(owner: str | None = None) -> Path:
    """``<data dir>/profiles``: the reader's own profiles; in multi-user mode each user's under ``users/NAME``."""
    from paperradar.store import data_dir

    base = data_dir() / "profiles"
    if owner:
        if not re.fullmatch(r"[A-Za-z0-9_.@+\-]{1,100}", owner) or owner.startswith("."):
            raise ProfileError(f"invalid profile owner {owner!r}")
        return base / "users" / owner
    return base


def builtin_names() -> list[str]:
    """Names of the profiles shipped with paperradar."""
    folder = resources.files("paperradar.relevance") / "profiles"
    return sorted(e.name[:-5] for e in folder.iterdir() if e.name.endswith(".toml"))


def list_profiles(owner: str | None = None) -> list[str]:
    """Every profile name available: built-in, the reader's own, and (with ``owner``) that user's."""
    names = set(builtin_names())
    for folder in {user_profiles_dir(), user_profiles_dir(owner)}:
        if folder.is_dir():
            names |= {p.stem for p in folder.glob("*.toml")}
    return sorted(names)


_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")


def load_profile_file(path: str | Path) -> Profile:
    """A profile from a TOML file the local user names (the CLI's ``--interest FILE.toml``); never pass a
    string that came from a web request here: :func:`load_profile` selects by name only."""
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path}: no such profile file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProfileError(f"{path}: cannot read profile ({e})") from e
    return parse_profile(text, str(path), path.parent)


def load_profile_arg(value: str, owner: str | None = None) -> Profile:
    """A CLI ``--interest`` value: a TOML file when it names one (``*.toml`` or a path), else a profile name."""
    if value.endswith(".toml") or "/" in value or "\\" in value:
        return load_profile_file(value)
    return load_profile(value, owner=owner)


def load_profile(name: str, owner: str | None = None) -> Profile:
    """A profile by name only: the user's own, then the reader's shared ones, then built-in.

    ``name`` may come from a request, so it is never read as a path: anything but 1-64 letters, digits, '-', '_'
    or '.' (not starting with '.') is refused, and only the caller's folders and the built-ins are looked in.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ProfileError(f"no interest profile named {name!r}; a profile name is 1-64 letters, digits, '-', '_', '.'")
    for own in dict.fromkeys([user_profiles_dir(owner) / f"{name}.toml", user_profiles_dir() / f"{name}.toml"]):
        if own.is_file():
            return parse_profile(own.read_text(encoding="utf-8"), f"profile {name}", own.parent)
    folder = resources.files("paperradar.relevance") / "profiles"
    builtin = folder / f"{name}.toml"
    if builtin.is_file():
        with resources.as_file(folder) as real:
            return parse_profile(builtin.read_text(encoding="utf-8"), f"built-in profile {name}", Path(real))
    raise ProfileError(f"no interest profile named {name!r}; known: {', '.join(list_profiles(owner))}")


def save_profile(name: str, text: str, owner: str | None = None) -> Path:
    """Validate and write the reader's (or user ``owner``'s) profile ``name``; return its path."""
    if not _NAME.fullmatch(name):
        raise ProfileError(f"invalid profile name {name!r}: use 1-64 letters, digits, '-', '_' or '.'")
    profile = parse_profile(text, f"profile {name}")
    if profile.name != name:
        raise ProfileError(f"profile {name}: the file's name field is {profile.name!r}")
    folder = user_profiles_dir(owner)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def profile_text(name: str, owner: str | None = None) -> str:
    """The TOML text of a profile (the user's own, the reader's, else built-in)."""
    if not _NAME.fullmatch(name):
        raise ProfileError(f"no interest profile named {name!r}")
    for own in (user_profiles_dir(owner) / f"{name}.toml", user_profiles_dir() / f"{name}.toml"):
        if own.is_file():
            return own.read_text(encoding="utf-8")
    builtin = resources.files("paperradar.relevance") / "profiles" / f"{name}.toml"
    if builtin.is_file():
        return builtin.read_text(encoding="utf-8")
    raise ProfileError(f"no interest profile named {name!r}")
