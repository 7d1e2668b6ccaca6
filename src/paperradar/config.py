"""One settings registry: every setting has a name, a default, an environment variable and help text.

Values come from (later wins): the default, ``config.toml`` in the data directory (or ``PAPERRADAR_CONFIG``),
then the environment. ``paperradar config`` lists them; docs/configuration.md is checked against this registry.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """The config file cannot be read or a value has the wrong type."""


@dataclass(frozen=True)
class Setting:
    """One documented setting: dotted ``name`` (``section.key`` in TOML), default, env var, help."""

    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        """The environment variable that overrides it: PAPERRADAR_ + name upper-cased, dots as underscores."""
        return "PAPERRADAR_" + self.name.upper().replace(".", "_")


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("db", "", "SQLite database file (default: paperradar.db in the data directory)."),
        Setting(
            "home", "", "The data directory (default: the platform's user data dir, e.g. ~/.local/share/paperradar)."
        ),
        Setting("interest", "efficiency", "The interest profile used when a command is given none."),
        Setting(
            "embedder",
            "",
            "A sentence-transformers model folder to embed with (default: all-MiniLM-L6-v2; `hashing`: the "
            "model-free test embedder).",
        ),
        Setting("ingest.batch", 5000, "Papers written per transaction by an ingest."),
        Setting(
            "fetch.categories",
            "cs.LG,cs.CL,cs.AI,cs.CV,stat.ML,cs.NE",
            "arXiv categories fetched by `paperradar fetch` and `paperradar run`.",
        ),
        Setting("fetch.oai_set", "cs", "OAI-PMH set harvested by `paperradar fetch oai`."),
        Setting("fetch.arxiv_interval", 3.0, "Minimum seconds between two requests to an arXiv host."),
        Setting("fetch.contact", "", "An e-mail address sent in the User-Agent, as arXiv asks of harvesters."),
        Setting(
            "llm.url",
            "",
            "Base URL of an OpenAI-compatible chat API (Ollama, vLLM, llama.cpp, OpenAI); empty = offline.",
        ),
        Setting("llm.model", "", "Model name for the LLM backend."),
        Setting("llm.key", "", "API key for the LLM backend (empty for local servers)."),
        Setting(
            "llm.max_tokens_per_run", 200000, "Token budget per run; past it paperradar falls back to offline text."
        ),
        Setting("llm.timeout", 60.0, "Seconds to wait for one LLM answer; past it that text stays offline."),
        Setting("smtp.host", "localhost", "SMTP server for e-mail digests."),
        Setting("smtp.port", 25, "SMTP port."),
        Setting("smtp.security", "plain", "plain, starttls or ssl."),
        Setting("smtp.user", "", "SMTP user name (empty: no login)."),
        Setting("smtp.password", "", "SMTP password."),
        Setting("smtp.sender", "paperradar@localhost", "The From address of e-mail digests."),
        Setting(
            "index.tantivy_threshold",
            20000,
            "Collections of at least this many papers are searched by keyword with tantivy instead of SQLite FTS5.",
        ),
        Setting("web.base_url", "http://127.0.0.1:8000", "Public URL of the web app, used in e-mails and feeds."),
    ]
}


def config_path() -> Path:
    """``PAPERRADAR_CONFIG``, else ``config.toml`` in the data directory."""
    env = os.environ.get("PAPERRADAR_CONFIG")
    if env:
        return Path(env).expanduser()
    from paperradar.store import data_dir

    return data_dir() / "config.toml"


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict) and f"{prefix}{k}" not in SETTINGS:
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    try:
        if kind is bool:
            return str(value).lower() in ("1", "true", "yes", "on")
        return kind(value)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: {setting.name} must be a {kind.__name__}, got {value!r}") from e


def load(path: Path | None = None) -> dict[str, Any]:
    """All settings resolved: defaults, then the TOML file (if present), then environment variables."""
    values = {name: s.default for name, s in SETTINGS.items()}
    path = path or config_path()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML ({e})") from e
        for name, value in _flatten(data).items():
            if name in SETTINGS:
                values[name] = _coerce(SETTINGS[name], value, str(path))
    for name, s in SETTINGS.items():
        if s.env in os.environ:
            values[name] = _coerce(s, os.environ[s.env], s.env)
    return values


class Settings(Mapping[str, Any]):
    """Resolved settings, read once (defaults < config file < environment < explicit overrides).

    A read-only mapping from setting name to value, with typed accessors for the settings most code needs.
    ``paperradar.Radar`` holds one; nothing else in the library reads the environment or the config file.
    """

    def __init__(self, values: Mapping[str, Any] | None = None, **overrides: Any) -> None:
        resolved = {name: s.default for name, s in SETTINGS.items()}
        resolved.update(values or {})
        for key, value in overrides.items():
            name = key if key in SETTINGS else key.replace("__", ".")
            if name not in SETTINGS:
                raise ConfigError(f"unknown setting {key!r}")
            resolved[name] = _coerce(SETTINGS[name], value, "override")
        self._values = resolved

    @classmethod
    def load(cls, path: Path | None = None, **overrides: Any) -> Settings:
        """Settings from the config file and the environment (see :func:`load`), then ``overrides``, which
        name settings with dots as ``__`` (``fetch__contact="me@x.org"``) or in full through a dict."""
        return cls(load(path), **overrides)

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some settings changed (same naming as :meth:`load`)."""
        return Settings(self._values, **overrides)

    def __getitem__(self, name: str) -> Any:
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name!r}")
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def interest(self) -> str:
        """The interest profile used when none is named."""
        return str(self["interest"])

    @property
    def categories(self) -> list[str]:
        """The arXiv categories fetched (``fetch.categories`` split on commas)."""
        return [c.strip() for c in str(self["fetch.categories"]).split(",") if c.strip()]
