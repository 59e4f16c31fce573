"""Attachment bytes delivered through Airbyte file transfer, streamed to the staging directory in chunks.

The CDK's DefaultFileUploader writes `response.content` (the whole file in memory). This uploader
asks its requester for a streamed response and copies it 1 MiB at a time, so a 1 GB attachment
costs about one chunk of memory. Zero-byte files are listed without a file. Staging paths are built
from sanitised names only: `../`, absolute paths, control bytes and over-long names cannot escape
or break `<staging>/<stream>/`.

    record {"id": "att5", "__download_target": "https://…/download/…", "__staging_name": "7/att5-report.pdf"}
    → file <staging>/attachments/7/att5-report.pdf; record.file_reference = {staging_file_url, …}
"""
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_cdk.models import AirbyteRecordMessageFileReference
from airbyte_cdk.sources.declarative.retrievers.file_uploader.file_uploader import FileUploader
from airbyte_cdk.sources.declarative.types import Record, StreamSlice
from airbyte_cdk.sources.utils.files_directory import get_files_directory

logger = logging.getLogger("airbyte")
CHUNK_BYTES = 1024 * 1024
MAX_NAME_BYTES = 200


def safe_file_name(name: str) -> str:
    """One path segment: no separators, no `..`, no control or odd bytes, at most 200 bytes of UTF-8."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch if ch.isprintable() else "_" for ch in text)
    text = re.sub(r"[\\/:*?\"<>|\x00]", "_", text).strip(" .")
    text = text or "file"
    encoded = text.encode("utf-8")[:MAX_NAME_BYTES]
    return encoded.decode("utf-8", errors="ignore") or "file"


def allowed_by_filters(record: Any, config: Any) -> bool:
    """`attachments.allowed_media_types` (empty = all) and `attachments.max_size_mb` (0 = no limit)."""
    settings = config.get("attachments") or {}
    allowed = settings.get("allowed_media_types") or []
    if allowed and record.get("mediaType") not in allowed:
        return False
    max_size_mb = settings.get("max_size_mb") or 0
    return not max_size_mb or (record.get("fileSize") or 0) <= max_size_mb * 1024 * 1024


@dataclass
class StreamingFileUploader(FileUploader):
    """Drop-in for DefaultFileUploader (same requester and download-target extractor), streaming to disk."""

    delegate: Any  # the DefaultFileUploader the CDK built from the manifest's `file_uploader`

    def upload(self, record: Record) -> None:
        target = record.data.pop("__download_target", None)
        name = record.data.pop("__staging_name", None) or safe_file_name(str(record.data.get("id")))
        if not target or not (record.data.get("fileSize") or 0):
            return  # zero-byte files are listed, not downloaded (seed 002)
        requester = self.delegate.requester
        requester.stream_response = True
        response = requester.send_request(
            stream_slice=StreamSlice(partition={}, cursor_slice={}, extra_fields={"download_target": target})
        )
        if response is None:  # ignored (404: deleted during the sync)
            logger.warning(f"Attachment {record.data.get('id')} vanished before its download; listed without a file.")
            return
        relative = Path(record.stream_name) / Path(*[safe_file_name(part) for part in name.split("/")])
        root = Path(get_files_directory()).resolve()
        full_path = (root / relative).resolve()
        if root not in full_path.parents:
            raise ValueError(f"Refusing to stage {name!r} outside {root}")
        full_path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with response, open(full_path, "wb") as sink:
            for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
                sink.write(chunk)
                size += len(chunk)
        record.file_reference = AirbyteRecordMessageFileReference(
            staging_file_url=str(full_path), source_file_relative_path=str(relative), file_size_bytes=size,
        )
