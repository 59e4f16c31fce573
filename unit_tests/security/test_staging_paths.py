"""Attachment names cannot escape the staging directory (issue #6 part 5)."""
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from source_confluence.components.records.child_records import staging_name
from source_confluence.components.files.file_transfer import MAX_NAME_BYTES, safe_file_name

HOSTILE_NAMES = ["../../etc/passwd", "/etc/passwd", "..", ".", "", "a/../../b", "C:\\Windows\\x.dll",
                 "nul\x00byte.pdf", "new\nline.txt", "\u202eexe.pdf", "..\\..\\x", "~/.ssh/id_rsa",
                 "é" * 300, "%2e%2e%2fpasswd", " ../ ", "\udcff.bin"]


def _lands_inside(root: Path, relative: str) -> bool:
    full = (root / "attachments" / Path(*relative.split("/"))).resolve()
    return root.resolve() in full.parents


def _check(title: str, container: str, tmp_path: Path) -> None:
    name = staging_name({"id": "att1", "title": title, "containerId": container})
    parts = name.split("/")
    assert len(parts) == 2, f"{title!r} changed the directory depth: {name!r}"
    for part in parts:
        assert part not in ("", ".", ".."), f"{title!r} → segment {part!r}"
        assert "\\" not in part and "\x00" not in part and len(part.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES
        assert all(ch.isprintable() for ch in part), f"{title!r} → non-printable {part!r}"
    assert _lands_inside(tmp_path, name), f"{title!r} escapes: {name!r}"


def test_hostile_attachment_titles_stay_in_staging(tmp_path):
    for title in HOSTILE_NAMES:
        _check(title, "7", tmp_path)
        _check("report.pdf", title, tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=40))
def test_any_title_and_container_stay_in_staging(tmp_path_factory, title, container):
    _check(title, container, tmp_path_factory.getbasetemp())


def test_safe_file_name_is_never_a_path_component():
    for name in HOSTILE_NAMES:
        assert safe_file_name(name) not in ("", ".", "..")
