"""Code-format checks and hints for ICD-10-CM and HCPCS Level II, using the official ICD-10-CM FY2026 set.

The code set is read from the course's prebuilt data file (billcode.coding.codeset), built from simple-icd-10-cm
and tested against it, so a check costs microseconds and no kernel imports the package.
"""

from __future__ import annotations

import re

from billcode.coding import codeset

ICD10CM_RELEASE = "ICD-10-CM FY2026 (April 1, 2026 release, CDC/NCHS), via simple-icd-10-cm 1.5.0"
_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_HCPCS_SHAPE = re.compile(r"^[A-V][0-9]{4}$")
ORDINALS = {4: "4th", 5: "5th", 6: "6th", 7: "7th"}


def normalize_code(text: object, system: str = "ICD-10-CM") -> str:
    """Upper-case, remove spaces and (for ICD-10-CM) put the dot after the third character."""
    code = re.sub(r"\s+", "", str(text or "")).upper()
    if system == "ICD-10-CM":
        bare = code.replace(".", "")
        code = bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"
    return code


def icd10cm_exists(code: str) -> bool:
    """Tell whether a normalised code is a category or code in the official ICD-10-CM set."""
    return isinstance(code, str) and bool(_ICD_SHAPE.match(code)) and codeset.exists(code)


def is_code(code: object) -> bool:
    """Tell whether text, as typed (dot optional, any case), is a category or code of ICD-10-CM FY2026."""
    return isinstance(code, str) and bool(code.strip()) and icd10cm_exists(normalize_code(code))


def icd10cm_billable(code: str) -> bool:
    """Tell whether a normalised code is complete (a leaf of the tabular list, valid on a claim)."""
    return icd10cm_exists(code) and codeset.billable(code)


def icd10cm_description(code: str) -> str:
    """Return the official description of an ICD-10-CM code (normalised first)."""
    code = normalize_code(code)
    if not icd10cm_exists(code):
        raise KeyError(f"{code} is not in {ICD10CM_RELEASE}")
    return codeset.description(code)


def seventh_title(definition: str) -> str:
    """A 7th character's title without the note the tabular file puts after it: the package joins the two with "/"
    ("initial encounter for open fracture type I or II/<tab>initial encounter for open fracture NOS")."""
    return definition.split("/", 1)[0].strip()


def code_title(code: str) -> str:
    """A code's title as the Tabular List prints it: a 7-character code's is its parent's plus its 7th character's
    title, without the 7th character's note (S82.221B ends "open fracture type I or II")."""
    text = codeset.description(code) or ""
    bare = code.replace(".", "")
    if len(bare) == 7 and "/" in text:
        parent = codeset.parent(code) or ""
        definition = codeset.seventh_characters(parent).get(bare[-1], "") if parent else ""
        if definition and text.endswith(definition):
            return text[: len(text) - len(definition)] + seventh_title(definition)
    return text


def unspecified_side(code: str) -> str | None:
    """A note when a complete code leaves the side unspecified while the codes beside it name it (Guidelines I.B.13).

    A 7-character code is compared at its 6th character (S52.509A with S52.501 and S52.502)."""
    code = normalize_code(code)
    if not icd10cm_billable(code):
        return None
    own = code_title(code)
    base = (codeset.parent(code) or code) if len(code.replace(".", "")) == 7 else code
    sides = re.compile(r"\b(right|left|bilateral)\b", re.I)
    if "unspecified" not in own.lower() or sides.search(own):
        return None
    above = codeset.parent(base)
    if not above or not any(sides.search(code_title(c)) for c in codeset.children(above) if c != base):
        return None
    return (f"{code} says “{own}”: its side is unspecified, and the codes beside it name one. Use an unspecified "
            f"side only when the record does not say which (Guidelines I.B.13); the codes that name it are under {above}.")


def seventh_characters(code: str) -> dict[str, str]:
    """The 7th characters a code takes ({} if none), from the code or the nearest code above it; for a code with no
    further subdivision, only those that make a real code (S06.318 takes A only: death before regaining consciousness)."""
    if not icd10cm_exists(code):
        return {}
    sevenths = {k: seventh_title(v) for k, v in codeset.seventh_characters(code).items()}
    if sevenths and len(code.replace(".", "")) < 7 and not subdivided(code):
        sevenths = {k: v for k, v in sevenths.items() if codeset.exists(with_placeholders(code, k))}
    return sevenths


def with_placeholders(code: str, seventh: str) -> str:
    """The code with the placeholder X in every empty place before the 7th character (T15.01 + A -> T15.01XA)."""
    return normalize_code(code.replace(".", "").ljust(6, "X") + seventh)


def subdivided(code: str) -> list[str]:
    """The codes below a code that are further subdivisions (not 7th-character extensions); [] when X may fill."""
    return [c for c in codeset.children(code) if len(c.replace(".", "")) < 7]


def _with_placeholder(code: str) -> str | None:
    """Return the code with placeholder X filled in before a final 7th character, if that is a real code."""
    bare = code.replace(".", "")
    if len(bare) >= 7 or len(bare) < 4 or not bare[-1].isalpha():
        return None
    padded = with_placeholders(bare[:-1], bare[-1])
    return padded if icd10cm_billable(padded) else None


def _examples(codes: list[str], count: int = 3) -> str:
    return "; ".join(f"{c} ({codeset.description(c)})" for c in codes[:count]) + ("; ..." if len(codes) > count else "")


def seventh_hint(code: str) -> str | None:
    """What a code that takes a 7th character still needs: a further character first, or placeholders and a 7th.

    The placeholder X fills a place only where the code has no further subdivision (Guidelines I.A.4-5): S61.41
    must become S61.411, S61.412 or S61.419 before its 7th character; T15.01 becomes T15.01XA."""
    sevenths = seventh_characters(code)
    if not sevenths or len(code.replace(".", "")) >= 7:
        return None
    below = subdivided(code)
    if below:
        place = ORDINALS.get(len(code.replace(".", "")) + 1, "next")
        return (f"{code} is subdivided further: choose its {place} character first ({_examples(below)}), then add "
                f"a 7th character. The placeholder X fills a place only where a code has no further subdivision.")
    letters = ", ".join(f"{with_placeholders(code, k)} ({v})" for k, v in list(sevenths.items())[:3])
    filler = " The placeholder X fills the empty places, as this code has no further subdivision." \
        if len(code.replace(".", "")) < 6 else ""
    return f"{code} needs a 7th character: {letters}.{filler}"


def icd10cm_hints(text: object) -> list[str]:
    """Explain what is wrong with a typed ICD-10-CM code; an empty list means it is a complete code."""
    raw = str(text or "").strip()
    if not raw:
        return ["Type a code first, like E11.9."]
    code = normalize_code(raw)
    hints: list[str] = []  # problems found; a note about capitals is added only when there are none
    if "O" in code[1:] or code[:1] == "0":
        swapped = code[0].replace("0", "O") + code[1:].replace("O", "0")
        if swapped != code and icd10cm_exists(normalize_code(swapped)):
            return hints + [
                f"The letter O and the digit 0 are different characters: did you mean {normalize_code(swapped)}? "
                "Only the first character of a code can be a letter O (chapter 15, pregnancy)."
            ]
    if not _ICD_SHAPE.match(code):
        return hints + [
            "An ICD-10-CM code is a letter, a digit and one more character, then optionally a dot and up to "
            "four more characters (for example E11.9 or S93.401A)."
        ]
    if not icd10cm_exists(code):
        placeholder = _with_placeholder(code)
        if placeholder:
            return hints + [
                f"This code needs the placeholder X to put its 7th character in 7th place: {placeholder}."
            ]
        stem = normalize_code(code.replace(".", "")[:-1])
        if code[-1].isalpha() and icd10cm_exists(stem) and seventh_hint(stem):
            return hints + [f"{code} is not a code. {seventh_hint(stem)}"]
        return hints + [f"{code} is not in the official code set ({ICD10CM_RELEASE})."]
    if not icd10cm_billable(code):
        needs = seventh_hint(code)
        if needs:
            return hints + [needs]
        return hints + [
            f"{code} is a category or subcategory, not a complete code: code to the highest level of detail "
            "(look for the longer codes listed under it)."
        ]
    return hints


def hcpcs_hints(text: object) -> list[str]:
    """Explain what is wrong with a typed HCPCS Level II code; an empty list means the format is right."""
    raw = str(text or "").strip()
    if not raw:
        return ["Type a code first, like J1100."]
    code = normalize_code(raw, "HCPCS")
    hints: list[str] = []
    if len(code) == 5 and code[0].isalpha() and "O" in code[1:]:
        return hints + [f"The letter O is not the digit 0: did you mean {code[0] + code[1:].replace('O', '0')}?"]
    if code.isdigit():
        return hints + ["Five digits is the shape of a CPT (Level I) code; HCPCS Level II codes start with a letter."]
    if not _HCPCS_SHAPE.match(code):
        return hints + ["A HCPCS Level II code is one letter from A to V followed by four digits (for example J1100)."]
    return hints


def capitals_note(text: object, system: str) -> str | None:
    """A gentle note (not a problem) when a code was typed in lower case."""
    raw = str(text or "").strip()
    return f"Codes are written in capital letters: {normalize_code(raw, system)}." if raw != raw.upper() else None


def code_hints(text: object, system: str) -> list[str]:
    """Hints for a typed code in the given code system (for a complete ICD-10-CM code, a side left unspecified)."""
    if system != "ICD-10-CM":
        return hcpcs_hints(text)
    hints = icd10cm_hints(text)
    side = None if hints else unspecified_side(str(text or ""))
    return hints + ([side + " Read the note again: which side does it name?"] if side else [])


def codes_match(typed: object, key: str, system: str) -> bool:
    """Compare a typed code with the key, ignoring case, spaces and (ICD-10-CM) the dot."""
    return normalize_code(typed, system).replace(".", "") == normalize_code(key, system).replace(".", "")
