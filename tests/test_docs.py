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
    assert set(paperradar.__all__) == {*paperradar._EXPORTS, "__version__"}  # every export is loadable lazily
    assert paperradar.Radar.__doc__ and all(
        getattr(paperradar.Radar, m).__doc__ for m in vars(paperradar.Radar) if not m.startswith("_")
    )


def test_the_readme_library_example_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## As a library.*?```python\n(.*?)```", readme, re.S)
    assert code, "README.md lost its library example"
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr().out.split()
    assert printed[:2] == ["2501.00001", "1"] and (tmp_path / "example.db").exists()


def test_architecture_doc_names_every_package_and_the_radar():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    src = ROOT / "src" / "paperradar"
    packages = sorted(p.name for p in src.iterdir() if (p / "__init__.py").exists() and p.name != "demo_data")
    missing = [p for p in packages if f"`{p}/`" not in doc]
    assert not missing, f"packages missing from docs/architecture.md: {missing}"
    assert "`Radar`" in doc and "`radar.py`" in doc
