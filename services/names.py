"""People's names in texts: their grammatical gender and, in Russian, their cases.

A name is stored as people write it in Russian lists, «Фамилия Имя [Отчество]». Its gender
comes from the first name or the patronymic (pytrovich's rules); only where those do not tell
(«Саша», a foreign name) is the person asked once, and the answer stored. A name is declined
only when its gender is known: a guess would read worse than the nominative.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as PetrovichCase
from pytrovich.enums import Gender as PetrovichGender
from pytrovich.enums import NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from models import Person
from models.enums import Gender


class Case(enum.StrEnum):
    """The cases a text asks for, as the suffix of its argument: `$student_gen`."""

    GEN = "gen"
    DAT = "dat"
    ACC = "acc"
    INS = "ins"
    PRE = "pre"


_CASES = {
    Case.GEN: PetrovichCase.GENITIVE,
    Case.DAT: PetrovichCase.DATIVE,
    Case.ACC: PetrovichCase.ACCUSATIVE,
    Case.INS: PetrovichCase.INSTRUMENTAL,
    Case.PRE: PetrovichCase.PREPOSITIONAL,
}
_GENDERS = {Gender.MALE: PetrovichGender.MALE, Gender.FEMALE: PetrovichGender.FEMALE}
_PARTS = (NamePart.LASTNAME, NamePart.FIRSTNAME, NamePart.MIDDLENAME)
_KNOWN = {PetrovichGender.MALE: Gender.MALE, PetrovichGender.FEMALE: Gender.FEMALE}
_detector = PetrovichGenderDetector()
_maker = PetrovichDeclinationMaker()


def _is_word(part: str) -> bool:
    return part.replace("-", "").isalpha()


@lru_cache(maxsize=4096)
def infer_gender(full_name: str) -> Gender | None:
    """The gender a Russian name tells (by its patronymic, else its first name), if it does."""
    parts = full_name.split()
    if not 1 <= len(parts) <= 3 or not all(_is_word(p) for p in parts):
        return None
    middle = parts[2] if len(parts) > 2 else None
    # «Фамилия Имя», else a lone first name, else «Имя Фамилия» typed the other way round.
    for first in dict.fromkeys([parts[1] if len(parts) > 1 else parts[0], parts[0]]):
        try:
            found = _detector.detect(firstname=first, middlename=middle)  # type: ignore[no-untyped-call]
        except (KeyError, ValueError):
            continue
        if found in _KNOWN:
            return _KNOWN[found]
    return None


def gender_of(person: Person) -> Gender | None:
    """What the person told, else what their name tells."""
    return person.gender or infer_gender(person.full_name)


def needs_gender(person: Person) -> bool:
    """Whether to ask: neither told nor told by the name."""
    return gender_of(person) is None


@lru_cache(maxsize=8192)
def decline(full_name: str, gender: Gender | None, case: Case) -> str:
    """«Соколов Артём» in that case; unchanged where the gender is unknown or the name is not
    a Russian one (a name with digits or signs is left as it is)."""
    parts = full_name.split()
    if gender is None or not 1 <= len(parts) <= 3 or not all(_is_word(p) for p in parts):
        return full_name
    name_parts = _PARTS if len(parts) > 1 else (NamePart.FIRSTNAME,)
    try:
        return " ".join(
            _maker.make(part, _GENDERS[gender], _CASES[case], word)
            for part, word in zip(name_parts, parts, strict=False)
        )
    except (KeyError, ValueError, IndexError):
        return full_name


@dataclass(frozen=True)
class Named:
    """Someone a text is about: one person or several (a parent's two children).

    In a text a Named argument `$x` comes with `$x_gen`, `$x_dat`, `$x_acc`, `$x_ins`, `$x_pre`
    (its cases; the name itself in English), `$x_gender` (male, female, plural or unknown:
    what the words around it agree with) and `$x_is` (you when the reader is that person, so
    that a text about the reader's own application speaks to them).
    """

    people: tuple[tuple[int | None, str, Gender | None], ...]

    @classmethod
    def of(cls, *persons: Person) -> Named:
        return cls(tuple((p.id, p.full_name, gender_of(p)) for p in persons))

    @classmethod
    def name(cls, full_name: str, gender: Gender | None = None) -> Named:
        """A name without a person behind it (an imported row, a test)."""
        return cls(((None, full_name, gender or infer_gender(full_name)),))

    def to_param(self) -> dict[str, Any]:
        """The JSON form an outbox row stores; `from_param` reads it back."""
        return {
            "named": [
                {"id": pid, "name": name, "gender": gender.value if gender else None}
                for pid, name, gender in self.people
            ]
        }

    @classmethod
    def from_param(cls, value: dict[str, Any]) -> Named:
        return cls(
            tuple(
                (p.get("id"), str(p["name"]), Gender(p["gender"]) if p.get("gender") else None)
                for p in value["named"]
            )
        )

    def forms(self, key: str, lang: str, reader: int | None) -> dict[str, str]:
        """The arguments this name gives a text under `key`, in that language."""
        joiner = " и " if lang == "ru" else " and "
        args = {key: joiner.join(name for _, name, _ in self.people)}
        for case in Case:
            args[f"{key}_{case}"] = joiner.join(
                decline(name, gender, case) if lang == "ru" else name
                for _, name, gender in self.people
            )
        if len(self.people) > 1:
            gender = "plural"
        else:
            gender = (self.people[0][2] or "unknown") if self.people else "unknown"
        args[f"{key}_gender"] = str(gender)
        you = reader is not None and [pid for pid, _, _ in self.people] == [reader]
        args[f"{key}_is"] = "you" if you else "other"
        return args


def named_params(**people: Person | Iterable[Person]) -> dict[str, dict[str, Any]]:
    """Outbox parameters naming people: `named_params(student=person)`."""
    return {
        key: Named.of(*([value] if isinstance(value, Person) else value)).to_param()
        for key, value in people.items()
    }
