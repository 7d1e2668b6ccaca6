"""Docs are tested: every command and setting is documented, the public API list is in sync."""

from __future__ import annotations

import re
from pathlib import Path

import paperradar
from paperradar.cli import app
from paperradar.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_group(app)
    return sorted(group.commands)


def test_every_command_has_help(runner):
    for name in _commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage" in result.output


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if not re.search(rf"paperradar (--db \S+ )?{re.escape(c)}\b", readme)]
    assert not missing, f"commands not shown in README.md: {missing}"


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS.values() if f"`{s.name}`" not in doc or f"`{s.env}`" not in doc]
    assert not missing, f"settings missing from docs/configuration.md: {missing}"


def test_public_api_is_curated():
    assert sorted(paperradar.__all__) == sorted(set(paperradar.__all__))
    for name in paperradar.__all__:
        assert hasattr(paperradar, name), name
    public = {
        n
        for n in vars(paperradar)
        if not n.startswith("_") and not isinstance(getattr(paperradar, n), type(paperradar))
    }
    assert public - {"annotations"} <= set(paperradar.__all__), public - set(paperradar.__all__)
