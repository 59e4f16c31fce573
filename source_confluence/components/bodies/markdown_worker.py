"""A Markdown process: storage bodies in on stdin, Markdown out on stdout (markdown_processes.py starts it).

    python -m source_confluence.components.bodies.markdown_worker

Frames both ways are a 4-byte big-endian length and an orjson document:

    in:   [[7, "<p>a</p>"], [8, "<h1>T</h1>"], …]   a batch: (id, storage HTML) pairs, one listing page's bodies
    out:  [[7, "a", null]]                            answers as they are converted, in frames of 1, 2, 4 …
          [[8, "# T", null], …]                       up to `MAX_ANSWERS_PER_FRAME` bodies (the first record
                                                      waits for one body only; later ones cost a write per 32):
                                                      (id, Markdown, null) or (id, plain text, why it fell back)

It imports only the converter (lxml, html-to-markdown), not the CDK, and converts with the very
function the connector process would call (`markdown.convert_storage`), so the output is the
same byte for byte. It exits when stdin closes: the connector finished or died.
"""
from __future__ import annotations

import struct
import sys
from typing import BinaryIO, Optional

import orjson

_LENGTH = struct.Struct(">I")
MAX_ANSWERS_PER_FRAME = 32


def encode_frame(document: object) -> bytes:
    payload = orjson.dumps(document)
    return _LENGTH.pack(len(payload)) + payload


def read_frame(stream: BinaryIO) -> Optional[object]:
    """The next document, None at the end of the stream (a frame cut short is the end too).
    `stream` is a buffered reader, whose `read(n)` returns n bytes unless the stream ended."""
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return orjson.loads(payload)


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    from source_confluence.components.bodies.markdown import convert_storage

    while (batch := read_frame(source)) is not None:
        answers: list = []
        frame_size = 1
        for body_id, storage_html in batch:
            markdown, fallback = convert_storage(storage_html)
            answers.append([body_id, markdown, fallback])
            if len(answers) >= frame_size:
                _send(sink, answers)
                answers, frame_size = [], min(frame_size * 2, MAX_ANSWERS_PER_FRAME)
        if answers:
            _send(sink, answers)


def _send(sink: BinaryIO, answers: list) -> None:
    sink.write(encode_frame(answers))
    sink.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
