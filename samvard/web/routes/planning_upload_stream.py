"""The upload form read as it arrives: the short fields first, then the file straight to disk.

A monthly report can be hundreds of megabytes, so the body is never parsed whole (Starlette's
form parser would spool it to the system's temporary directory first). The form's fields come
before the file in the body (browsers send them in document order), so the CSRF token and the
report kind are known, and the access decided, before a byte of the file is written. The file
is then written to a temporary file beside the warehouse, which the caller owns and deletes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from samvard.web.errors import WebError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

# The parser is fed at most this much at a time, so the file's first bytes, which arrive
# before anyone has decided where they may go, are held in memory only this far.
SLICE = 64 * 1024
MAX_FIELDS = 8
MAX_FIELD_BYTES = 1024
MAX_HEADER_BYTES = 4096
UPLOAD_PREFIX = ".upload-"
# An upload still being received or ingested is minutes old at most; one a day old was
# left by a process that was killed, and nothing else will ever remove it.
STALE_AFTER_SECONDS = 24 * 3600
_BROKEN = "Filen kunde inte tas emot: formuläret kom fram ofullständigt. Försök igen."


class UploadStream:
    """One multipart form with at most one file, read from the request in two phases."""

    def __init__(self, request: Request) -> None:
        content_type = request.headers.get("content-type", "")
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise WebError(415, "not_multipart", "Skicka filen med uppladdningsformuläret.")
        callbacks: MultipartCallbacks = {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_end": self._end,
        }
        self._parser = MultipartParser(boundary, callbacks)
        self._chunks: AsyncIterator[bytes] = request.stream().__aiter__()
        self._rest = b""
        self.fields: dict[str, str] = {}
        self.file_name: str | None = None
        self.size = 0
        self._ended = False
        # The part being read: its headers, its name, whether it is the file.
        self._name_bytes = bytearray()
        self._value_bytes = bytearray()
        self._disposition = b""
        self._field_name = ""
        self._field_value = bytearray()
        self._in_file = False
        self._file_done = False
        # File bytes parsed but not yet written (at most one slice), and where they go.
        self._pending = bytearray()
        self._out: BinaryIO | None = None

    async def read_fields(self) -> dict[str, str]:
        """Read up to the file (or the end of the form); the fields before it."""
        await self._feed_until(lambda: self._in_file or self._file_done or self._ended)
        return self.fields

    async def save(self, directory: Path, suffix: str) -> Path:
        """Write the file to a new temporary file in ``directory``; its path.

        On any failure (a broken form, a body over the limit, the client gone) the partial
        file is deleted before the error goes on.
        """
        if self.file_name is None:
            raise WebError(400, "no_file", "Välj en fil att ladda upp.")
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=UPLOAD_PREFIX, suffix=suffix, dir=directory)
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                self._out = out
                await self._flush()
                await self._feed_until(lambda: self._ended)
                self._out = None
            if not self._file_done:
                raise WebError(400, "broken_upload", _BROKEN)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    async def _feed_until(self, done: Callable[[], bool]) -> None:
        while not done():
            if not self._rest:
                try:
                    self._rest = await self._chunks.__anext__()
                except StopAsyncIteration:
                    self._finish()
                    return
                continue
            piece, self._rest = self._rest[:SLICE], self._rest[SLICE:]
            try:
                self._parser.write(piece)
            except MultipartParseError as error:
                raise WebError(400, "broken_upload", _BROKEN) from error
            await self._flush()

    def _finish(self) -> None:
        try:
            self._parser.finalize()
        except MultipartParseError as error:
            raise WebError(400, "broken_upload", _BROKEN) from error
        self._ended = True

    async def _flush(self) -> None:
        if self._out is not None and self._pending:
            data, self._pending = bytes(self._pending), bytearray()
            # Disk writes off the event loop, like Starlette's own UploadFile.
            await run_in_threadpool(self._out.write, data)

    # python-multipart's callbacks, called while a slice is parsed.

    def _part_begin(self) -> None:
        self._disposition = b""
        self._field_name = ""
        self._field_value = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name_bytes += data[start:end]
        self._check_header()

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value_bytes += data[start:end]
        self._check_header()

    def _check_header(self) -> None:
        if len(self._name_bytes) + len(self._value_bytes) > MAX_HEADER_BYTES:
            raise WebError(400, "broken_upload", _BROKEN)

    def _header_end(self) -> None:
        if bytes(self._name_bytes).lower() == b"content-disposition":
            self._disposition = bytes(self._value_bytes)
        self._name_bytes, self._value_bytes = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name")
        if name is None:
            raise WebError(400, "broken_upload", _BROKEN)
        self._field_name = _decode(name)
        if b"filename" in options:
            if self.file_name is not None:
                raise WebError(400, "one_file", "Ladda upp en fil i taget.")
            self.file_name = _decode(options[b"filename"])
            self._in_file = True
        elif len(self.fields) >= MAX_FIELDS:
            raise WebError(400, "broken_upload", _BROKEN)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending += data[start:end]
            self.size += end - start
            return
        self._field_value += data[start:end]
        if len(self._field_value) > MAX_FIELD_BYTES:
            raise WebError(400, "broken_upload", _BROKEN)

    def _part_end(self) -> None:
        if self._in_file:
            self._in_file, self._file_done = False, True
        else:
            self.fields.setdefault(self._field_name, _decode(bytes(self._field_value)))

    def _end(self) -> None:
        self._ended = True


def _decode(raw: bytes) -> str:
    # Browsers send names and values as UTF-8; anything else is read byte for byte.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def remove_stale_uploads(
    directory: Path, *, now: float, older_than: float = STALE_AFTER_SECONDS
) -> int:
    """Delete upload files left in ``directory`` by killed processes; how many were removed.

    Only files older than ``older_than`` seconds go, so another worker's upload in progress
    is never touched.
    """
    if not directory.is_dir():
        return 0
    removed = 0
    for path in directory.glob(UPLOAD_PREFIX + "*"):
        try:
            if now - path.stat().st_mtime > older_than:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed by another worker starting at the same time
            continue
    return removed
