"""`generate` swaps the package atomically; `check` finds every kind of drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Project

CLIENT = "generated/pluvo_client/client.py"


def test_check_passes_on_the_committed_client(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert project.run("check") == 0
    assert "generated/pluvo_client is up to date" in capsys.readouterr().out


def test_check_reports_a_hand_edited_file_with_a_diff(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    client = project.root / CLIENT
    client.write_text(client.read_text().replace("class Client(", "class MyClient("))
    before = project.snapshot()
    assert project.run("check") == 1
    out = capsys.readouterr().out
    assert f"stale: {CLIENT}\n" in out
    assert f"--- {CLIENT} (on disk)\n+++ {CLIENT} (generated)\n" in out
    assert "-class MyClient(BaseClient):\n+class Client(BaseClient):\n" in out
    assert project.snapshot() == before


def test_check_reports_a_stray_file(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Drift (exit 1), and the line says that `generate` will refuse until it is moved out."""
    project.write("generated/pluvo_client/notes.py", "x = 1\n")
    before = project.snapshot()
    assert project.run("check") == 1
    out = capsys.readouterr().out
    assert (
        "extra: generated/pluvo_client/notes.py (not written by pluvo-codegen: generate refuses)\n"
        in out
    )
    assert project.snapshot() == before


def test_check_reports_a_removed_operations_module_as_plain_extra(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old manifest lists it: `generate` deletes it, so no refusal is announced."""
    (project.root / "queries/portfolio_items.graphql").unlink()
    assert project.run("check") == 1
    out = capsys.readouterr().out
    assert "extra: generated/pluvo_client/portfolio_items.py\n" in out
    assert "refuses" not in out


def test_check_reports_a_deleted_file(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "generated/pluvo_client/portfolio_items.py").unlink()
    before = project.snapshot()
    assert project.run("check") == 1
    assert "missing: generated/pluvo_client/portfolio_items.py\n" in capsys.readouterr().out
    assert project.snapshot() == before


def test_check_reports_a_schema_change_used_by_a_new_operation(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project.root / "schema/pluvo.graphql"
    schema.write_text(
        schema.read_text().replace("  email: String!\n", "  email: String!\n  locale: String\n")
    )
    project.write(
        "queries/user_locales.graphql",
        "query UserLocales {\n  portfolioItems { user { locale } }\n}\n",
    )
    before = project.snapshot()
    assert project.run("check") == 1
    out = capsys.readouterr().out
    assert "missing: generated/pluvo_client/user_locales.py\n" in out
    assert f"stale: {CLIENT}\n" in out and "+    async def user_locales(" in out
    assert "stale: generated/pluvo_client/__init__.py\n" in out
    assert project.snapshot() == before


def test_check_ignores_bytecode_caches(project: Project) -> None:
    project.write("generated/pluvo_client/__pycache__/client.cpython-311.pyc", "cache")
    assert project.run("check") == 0


def test_generate_then_check_is_clean_and_a_second_generate_writes_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "queries/user_names.graphql", "query UserNames {\n  portfolioItems { user { name } }\n}\n"
    )
    assert project.run("generate") == 0
    assert (project.package / "user_names.py").is_file()
    assert project.run("check") == 0
    stamp = (project.package / "client.py").stat().st_mtime_ns
    assert project.run("generate") == 0
    assert "up to date, nothing written" in capsys.readouterr().out
    assert (project.package / "client.py").stat().st_mtime_ns == stamp


def test_generate_deletes_the_files_of_removed_operations_but_refuses_stray_files(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file the old manifest lists goes; a file it does not list stops `generate` (exit 2,
    nothing changes) until the user moves it out; then the removed operation's module goes."""
    (project.root / "queries/portfolio_items.graphql").unlink()
    project.write("generated/pluvo_client/stray.py", "")
    before = project.snapshot()
    assert project.run("generate") == 2
    assert capsys.readouterr().err.startswith(
        "generated/pluvo_client/stray.py: not written by pluvo-codegen; "
        "move it out of the package or delete it\n"
    )
    assert project.snapshot() == before
    (project.package / "stray.py").rename(project.root / "stray.py")
    assert project.run("generate") == 0
    assert not (project.package / "portfolio_items.py").exists()
    assert "portfolio_items" not in (project.package / "client.py").read_text()
    assert (project.root / "stray.py").read_text() == ""
    assert project.run("check") == 0


def test_generate_is_deterministic_and_has_no_timestamps(project: Project) -> None:
    (project.package / "client.py").unlink()
    assert project.run("generate") == 0
    first = project.snapshot()
    assert project.run("generate") == 0 and project.snapshot() == first
    text = b"".join(first.values()).decode()
    assert "Generated by ariadne-codegen\n# Source: queries\n" in text
    assert " on 20" not in text and "2026" not in text


def test_generate_leaves_the_package_untouched_when_ariadne_codegen_fails(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ariadne_codegen.client_generators.package import PackageGenerator

    def fail_halfway(self: PackageGenerator) -> list[str]:
        self.package_path.mkdir(parents=True, exist_ok=True)
        (self.package_path / "client.py").write_text("half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(PackageGenerator, "generate", fail_halfway)
    (project.root / "queries/portfolio_items.graphql").unlink()
    before = project.snapshot()
    assert project.run("generate") == 2
    assert "ariadne-codegen failed: disk full" in capsys.readouterr().err
    assert project.snapshot() == before


def test_generate_leaves_no_scratch_folders_behind(project: Project) -> None:
    (project.package / "client.py").unlink()
    assert project.run("generate") == 0
    assert sorted(p.name for p in (project.root / "generated").iterdir()) == ["pluvo_client"]


def test_generate_creates_the_package_folder_when_it_does_not_exist(
    project: Project, tmp_path: Path
) -> None:
    import shutil

    shutil.rmtree(project.root / "generated")
    assert project.run("generate") == 0
    assert project.run("check") == 0
