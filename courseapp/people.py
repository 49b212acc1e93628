"""People as instructors paste them: names with addresses, one a line, or a roster exported from an LMS.

Plain functions, no Django: ``parse_people(text)`` gives the people (name and address, each address
once) and the entries that are not addresses, for a message.
"""

import csv
import dataclasses
import io
import re
from email.utils import getaddresses

# Loose on purpose: the service validates each address with Django's validator. It starts only where a
# word starts and its local part holds no "@", so a long line without an address is read in linear time.
_ADDRESS = re.compile(r"(?<![^\s<>,;\"'])[^\s<>,;\"'@]+@[^\s<>,;\"']+\.[^\s<>,;\"']+")

_EMAIL_COLUMNS = ("email", "e-mail", "email address", "e-mail address", "sis login id", "login id", "mail")
_FIRST_COLUMNS = ("first name", "firstname", "first", "given name", "given names", "preferred name")
_LAST_COLUMNS = ("last name", "lastname", "last", "surname", "family name")
_NAME_COLUMNS = ("name", "full name", "student", "student name", "sortable name", "display name")


@dataclasses.dataclass
class Person:
    email: str
    first_name: str = ""
    last_name: str = ""


def split_name(name: str) -> tuple[str, str]:
    """("Grace", "Hopper") from "Grace Hopper" or "Hopper, Grace"."""
    name = " ".join(name.replace('"', " ").split()).strip(" ,;")
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def _roster_csv(text: str) -> list[Person] | None:
    """People from a roster export (Canvas, Moodle, a spreadsheet) whose first row names an e-mail column."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if first_line.count(",") + first_line.count(";") + first_line.count("\t") < 1:
        return None
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return None
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect))
    header = [cell.strip().lower() for cell in rows[0]]

    def column(names):
        return next((i for i, cell in enumerate(header) if cell in names), None)

    email, first, last, name = (
        column(_EMAIL_COLUMNS),
        column(_FIRST_COLUMNS),
        column(_LAST_COLUMNS),
        column(_NAME_COLUMNS),
    )
    if email is None:
        return None
    people = []
    for row in rows[1:]:
        cell = lambda i, row=row: row[i].strip() if i is not None and i < len(row) else ""  # noqa: E731
        if not cell(email):
            continue
        given, family = cell(first), cell(last)
        if not (given or family) and cell(name):
            given, family = split_name(cell(name))
        people.append(Person(cell(email), given, family))
    return people


def parse_people(text: str) -> tuple[list[Person], list[str]]:
    """People in pasted text, each address once (lower-cased) in order, and the entries that are not addresses.

    Reads "Grace Hopper <grace@uni.edu>", "Hopper, Grace, grace@uni.edu", "grace@uni.edu",
    several addresses on a line separated by commas or semicolons, and CSV rosters with a header row.
    """
    people = _roster_csv(text)
    invalid: list[str] = []
    if people is None:
        people = []
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            addresses = _ADDRESS.findall(line)
            if len(addresses) == 1:
                # One person a line: whatever is not the address is their name.
                name = _ADDRESS.sub("", line).replace("<>", "").strip(" ,;<>()\t")
                people.append(Person(addresses[0], *split_name(name)) if name else Person(addresses[0]))
                continue
            for entry in filter(None, (part.strip() for part in re.split(r"[,;]", line))):
                [(name, address)] = getaddresses([entry]) or [("", "")]
                if not _ADDRESS.fullmatch(address):
                    invalid.append(entry)
                    continue
                people.append(Person(address, *split_name(name)) if name else Person(address))
    unique: dict[str, Person] = {}
    for person in people:
        person.email = person.email.strip().strip("<>").lower()
        unique.setdefault(person.email, person)
    return list(unique.values()), invalid
