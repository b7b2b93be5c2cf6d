"""Request bodies sent with Content-Encoding: gzip, unpacked without trusting their size."""

import zlib

GZIP_WBITS = 16 + zlib.MAX_WBITS


class UnsupportedEncoding(ValueError):
    """The body uses a Content-Encoding the collector does not read."""


class BadCompressedBody(ValueError):
    """The body claims to be gzip but is not, or is cut short."""


class DecompressedTooLarge(ValueError):
    """The body unpacks to more than the limit: a gzip bomb, or simply too much data."""


def decoded_body(body: bytes, content_encoding: str | None, *, max_bytes: int) -> bytes:
    """`body` with its Content-Encoding undone; at most `max_bytes` once unpacked."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return body
    if encoding in ("gzip", "x-gzip"):
        return gunzip(body, max_bytes=max_bytes)
    raise UnsupportedEncoding(f"Content-Encoding {content_encoding!r} is not supported: use gzip")


def gunzip(body: bytes, *, max_bytes: int) -> bytes:
    """Unpack gzip (one member or several), stopping as soon as the output passes `max_bytes`.

    Streaming with `max_length` means a bomb never gets more than `max_bytes + 1` bytes of
    memory, whatever its ratio.
    """
    unpacked = bytearray()
    rest = body
    while True:
        stream = zlib.decompressobj(GZIP_WBITS)
        try:
            unpacked += stream.decompress(rest, max_bytes - len(unpacked) + 1)
        except zlib.error as exc:
            raise BadCompressedBody(f"body is not valid gzip: {exc}") from exc
        if len(unpacked) > max_bytes or stream.unconsumed_tail:
            raise DecompressedTooLarge(f"body unpacks to more than {max_bytes} bytes")
        if not stream.eof:
            raise BadCompressedBody("gzip body is cut short")
        rest = stream.unused_data
        if not rest:
            return bytes(unpacked)
