"""packaging/make_confusables.py: Unicode's confusables.txt to the table the apps read."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.confusables import read
from tests.packaging.conftest import load

make_confusables = load("make_confusables")

ORIGINAL = """\ufeff# confusables.txt
# Date: 2026-08-06, 01:05:35 GMT
# \u00a9 2026 Unicode\u00ae, Inc.
# For terms of use and license, see https://www.unicode.org/terms_of_use.html
#
# Version: 18.0.0
#
006D ;\t0072 006E ;\tMA\t# ( m \u2192 rn ) LATIN SMALL LETTER M \u2192 LATIN SMALL LETTER R, ...\t#

0031 ;\t006C ;\tMA\t#* ( 1 \u2192 l ) DIGIT ONE \u2192 LATIN SMALL LETTER L\t#

# total: 2

"""


def test_the_table_keeps_the_header_and_one_mapping_a_line(tmp_path: Path) -> None:
    table = make_confusables.derive(ORIGINAL)
    lines = table.splitlines()
    assert lines[0] == "# confusables.txt"  # the byte order mark is gone
    assert "# \u00a9 2026 Unicode\u00ae, Inc." in lines
    assert "# Version: 18.0.0" in lines
    assert "# UNICODE LICENSE V3" in lines
    assert lines[-2:] == ["0031\t006C", "006D\t0072 006E"]  # sorted by source
    path = tmp_path / "confusables.txt"
    path.write_text(table, encoding="utf-8")
    assert read(path) == ("18.0.0", {0x31: "l", 0x6D: "rn"})


@pytest.mark.parametrize(
    ("original", "fragment"),
    [
        (ORIGINAL.replace("# total: 2", "# total: 3"), "total"),  # truncated
        (ORIGINAL.replace("# total: 2\n", ""), "total"),
        (ORIGINAL.replace("# Version: 18.0.0\n", ""), "Version"),
        (ORIGINAL.replace(";\tMA", ";\tSL", 1), "type SL"),
        (ORIGINAL.replace("006D ;", "006D,", 1), "not a mapping"),
        (ORIGINAL.replace("0031 ;", "006D ;", 1), "twice"),
    ],
)
def test_a_damaged_original_is_refused(original: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make_confusables.derive(original)


def test_the_shipped_table_is_the_generators_output() -> None:
    """Every line of the committed file is a header comment or a mapping in its format."""
    shipped = (Path(__file__).resolve().parents[2] / "resources" / "unicode" / "confusables.txt").read_text(
        encoding="utf-8"
    )
    data = [line for line in shipped.splitlines() if not line.startswith("#")]
    assert all(make_confusables.MAPPING_LINE.fullmatch(line) for line in data)
    assert data == sorted(data, key=lambda line: int(line.split("\t")[0], 16))
