"""`desk import --lang es`: every bad line is reported in Spanish (field
names and the file's own values aside), with the exit code and the
all-or-nothing of the English run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Desk
from tests.test_spanish import english_words
from tests.test_transfer import case_line, customer_line, event_line, write_lines

# The record types, as a file spells them (values to type, not words to read).
TYPES = "customer, case, event, article, revision, use, search, calendar, policy, clock, review"


def bad_file(tmp_path: Path) -> Path:
    path = write_lines(
        tmp_path / "bad.jsonl",
        [
            customer_line("C-1"),  # 1
            '{"type": "customer", "crn": ',  # 2: broken JSON
            case_line(1, "C-1"),  # 3
            {**case_line(2, "C-1"), "priority": "whenever"},  # 4: not one of the values
            {**customer_line("C-2"), "created_at": "2026-01-02T03:04:05"},  # 5: no offset
            {"type": "ticket"},  # 6: unknown type
            {"crn": "C-3"},  # 7: no type
            event_line(2, 99),  # 8: no such case
            customer_line("C-1"),  # 9: again
            {**event_line(3, 1), "extra": 1},  # 10: unknown field
            {**case_line(3, "C-1"), "tier": "1"},  # 11: a string is not a number
            {**case_line(4, "C-1"), "tier": 0},  # 12: below the range
            {**case_line(5, "C-1"), "subject": "two\nlines"},  # 13: control character
            {**case_line(6, "C-1"), "subject": "x" * 201},  # 14: too long
            {**case_line(7, "C-1"), "created_at": "0001-01-01T00:00:00+00:00"},  # 15: year
            {k: v for k, v in customer_line("C-4").items() if k != "name"},  # 16: missing
            {**customer_line("C-5"), "created_at": "yesterday"},  # 17: not a time
        ],
    )
    with path.open("ab") as out:
        out.write(b'{"type": "customer", "crn": "C-\xff"}\n')  # 18: not UTF-8
    return path


def test_bad_lines_are_reported_in_spanish(desk: Desk, tmp_path: Path) -> None:
    path = bad_file(tmp_path)
    english = desk("import", str(path))
    spanish = desk("--lang", "es", "import", str(path))
    assert english.exit_code == spanish.exit_code == 2, spanish.output
    notes = [line for line in spanish.stderr.splitlines() if line.startswith("desk: ")]
    reported = [line for line in notes if line.startswith("desk: nota: línea ")]
    numbers = [int(line.split()[3].rstrip(":")) for line in reported]
    assert numbers == [2, *range(4, 19)], spanish.stderr
    assert len(reported) == len(
        [line for line in english.stderr.splitlines() if line.startswith("desk: note: line ")]
    )
    text = "\n".join(notes).replace(TYPES, " ")
    allowed = {"C-1", "C-2", "C-3", "C-4", "C-5", "ticket", "whenever", "type", "crn"}
    assert english_words(text, allowed) == [], spanish.stderr
    # Spot checks of the wording a support agent reads.
    assert "línea 9: el cliente C-1 está repetido (aparece antes en la línea 1)" in spanish.stderr
    assert (
        "línea 8: el evento 2: el caso 99 no está en una línea anterior ni en la base de datos"
        in spanish.stderr
    )
    assert "línea 4: case.priority: debe ser 'low', 'normal', 'high' o 'urgent'" in spanish.stderr
    assert "línea 12: case.tier: debe ser mayor o igual que 1" in spanish.stderr
    assert "línea 14: case.subject: tiene 201 caracteres; el límite es 200" in spanish.stderr
    assert "línea 18: el texto no está en UTF-8 (byte 32)" in spanish.stderr
    # The English run says the same in English, as before.
    assert "line 9: customer C-1 again (first on line 1)" in english.stderr
    assert "line 14: case.subject: Value error, 201 characters long" in english.stderr
    # Nothing was imported, in either language.
    listed = desk("case", "list", "--all", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout) in ([], {"cases": []})
