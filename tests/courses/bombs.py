"""Hostile PowerPoint decks, built in the test: the three of issue 9 and the zip pieces they need.

`raw_zip` writes a zip by hand so that a test can choose what the central directory declares
(sizes, offsets) independently of what the members hold, which `zipfile` never lets one do.
"""

import io
import re
import struct
import zipfile
import zlib

from tests.courses import deck_bytes

_MB = 1 << 20


def zeros_deflated(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zero bytes, made without deflating them all:
    after a full flush the compressor's output for the same megabyte repeats exactly."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(_MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + compressor.flush()


def raw_zip(members: list[dict]) -> bytes:
    """A zip of `members`: dicts with `name`, `data` (raw deflate bytes), `size` (declared
    inflated size), `crc`, and optionally `offset` (point this directory entry at an earlier
    member's local header instead of writing a new one: overlapping entries)."""
    out = io.BytesIO()
    central = []
    written: dict[str, int] = {}
    for member in members:
        name = member["name"].encode()
        data = member["data"]
        if "offset_of" in member:
            offset = written[member["offset_of"]]
        else:
            offset = out.tell()
            written[member["name"]] = offset
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    member["crc"],
                    len(data),
                    member["size"],
                    len(name),
                    0,
                )
            )
            out.write(name + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                member["crc"],
                len(data),
                member["size"],
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(central),
            len(central),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def _deck_members(deck: bytes, replace: dict[str, bytes] | None = None) -> list[dict]:
    """The members of a real deck, deflated again, with some replaced."""
    replace = replace or {}
    members = []
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        for info in package.infolist():
            content = replace.get(info.filename, package.read(info))
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = compressor.compress(content) + compressor.flush()
            crc = zlib.crc32(content)
            members.append({"name": info.filename, "data": data, "size": len(content), "crc": crc})
    return members


def bullets_bomb(count: int = 154_202) -> bytes:
    """A small deck (about 43 KB) whose one slide holds `count` bullets."""
    deck = deck_bytes([{"title": "Welcome", "bullets": [("BULLET", 0)]}])
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        slide = package.read("ppt/slides/slide1.xml")
    paragraph = re.search(rb"<a:p><a:pPr/><a:r><a:t>BULLET</a:t></a:r></a:p>", slide).group()
    many = b"".join(paragraph.replace(b"BULLET", b"Next step") for _ in range(count))
    slide = slide.replace(paragraph, many)
    return raw_zip(_deck_members(deck, {"ppt/slides/slide1.xml": slide}))


def overlapping_bomb(kernel_mb: int = 560, entries: int = 4) -> bytes:
    """A deck of about 600 KB whose directory adds up to GBs: `entries` directory entries
    share one deflated kernel of `kernel_mb` MB of zeros (the overlapping-files zip bomb)."""
    members = _deck_members(deck_bytes([{"title": "Welcome"}]))
    kernel = zeros_deflated(kernel_mb)
    crc = 0  # never checked: the deck must be refused before anything is inflated
    first = {"name": "ppt/media/image1.png", "data": kernel, "size": kernel_mb * _MB, "crc": crc}
    shared = [
        first | {"name": f"ppt/media/image{n}.png", "offset_of": first["name"]}
        for n in range(2, entries + 1)
    ]
    return raw_zip(members + [first] + shared)


def lying_bomb(real_mb: int = 6000, declared_bytes: int = 900_000) -> bytes:
    """A deck of about 6 MB with one member that inflates to `real_mb` MB while the directory
    says `declared_bytes`: no ratio or total in the directory gives it away."""
    members = _deck_members(deck_bytes([{"title": "Welcome"}]))
    kernel = zeros_deflated(real_mb)
    crc = zlib.crc32(bytes(declared_bytes))
    liar = {"name": "ppt/media/image1.png", "data": kernel, "size": declared_bytes, "crc": crc}
    return raw_zip(members + [liar])
