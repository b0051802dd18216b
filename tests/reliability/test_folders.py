"""The flows read and write only where the settings say (issue 13): the API passes
paths from anyone who reaches it."""

from __future__ import annotations

from pathlib import Path

import pytest

from inputs.settings import PROJECT_ROOT, Settings, output_folder, readable_path
from models.errors import FolderNotAllowed


def _settings(tmp_path: Path, *inboxes: Path) -> Settings:
    return Settings(
        catalog_dir=PROJECT_ROOT / "catalog", out_dir=tmp_path / "out", inbox_dirs=list(inboxes)
    )


def test_the_catalogue_and_the_inboxes_are_read(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    settings = _settings(tmp_path, inbox)
    assert readable_path(settings, "catalog/essential") == PROJECT_ROOT / "catalog" / "essential"
    assert readable_path(settings, str(inbox / "so-tu-phap")) == inbox / "so-tu-phap"


@pytest.mark.parametrize("path", ["/etc/passwd", "catalog/../../etc", "..", "/", "inbox-2"])
def test_anywhere_else_is_refused_without_a_word_of_what_is_there(
    tmp_path: Path, path: str
) -> None:
    settings = _settings(tmp_path, tmp_path / "inbox")
    with pytest.raises(FolderNotAllowed) as refused:
        readable_path(settings, path)
    assert "TTHC_INBOX_DIRS" in str(refused.value) and "root:" not in str(refused.value)


def test_a_link_in_an_inbox_that_leaves_it_is_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "etc").symlink_to("/etc")
    with pytest.raises(FolderNotAllowed):
        readable_path(_settings(tmp_path, inbox), str(inbox / "etc"))


def test_outputs_go_inside_the_output_folder_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert output_folder(settings, None) == tmp_path / "out"
    assert (
        output_folder(settings, str(tmp_path / "out" / "so-y-te")) == tmp_path / "out" / "so-y-te"
    )
    for elsewhere in (str(tmp_path), "/tmp/x", str(tmp_path / "out" / ".." / "x")):
        with pytest.raises(FolderNotAllowed, match="TTHC_OUT_DIR"):
            output_folder(settings, elsewhere)
