"""The `maxapi` client, keeping the names of the files the bot sends.

maxapi appends an extension it guesses from a file's first bytes to the name it is given (an
.xlsx is a zip archive, so a template would arrive as `.xlsx.docx`); a name that has an
extension already is sent as it is, with the content type its extension says.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from aiohttp import FormData
from maxapi import Bot
from maxapi.enums.upload_type import UploadType


class MaxClient(Bot):
    async def upload_file_buffer(
        self,
        filename: str,
        url: str,
        buffer: bytes,
        type: UploadType,  # noqa: A002  (maxapi's parameter name)
    ) -> str:
        if not Path(filename).suffix:
            return await super().upload_file_buffer(filename, url, buffer, type)
        form = FormData(quote_fields=False)
        form.add_field(
            name="data",
            value=buffer,
            filename=filename,
            content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
        session = await self.ensure_session()
        async with session.post(url=url, data=form) as response:
            return await self._read_upload_response(response)
