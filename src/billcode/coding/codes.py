"""Code-format checks and hints for ICD-10-CM and HCPCS Level II, using the official ICD-10-CM set."""

from __future__ import annotations

import re
import warnings
from functools import cache
from types import ModuleType

ICD10CM_RELEASE = "ICD-10-CM FY2026 (April 1, 2026 release, CDC/NCHS), via simple-icd-10-cm 1.5.0"
_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_HCPCS_SHAPE = re.compile(r"^[A-V][0-9]{4}$")


@cache
def _icd() -> ModuleType:
    """Import simple-icd-10-cm on first use (2-3 s), silencing its import-time warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm

    return simple_icd_10_cm


def normalize_code(text: object, system: str = "ICD-10-CM") -> str:
    """Upper-case, remove spaces and (for ICD-10-CM) put the dot after the third character."""
    code = re.sub(r"\s+", "", str(text or "")).upper()
    if system == "ICD-10-CM":
        bare = code.replace(".", "")
        code = bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"
    return code


def icd10cm_exists(code: str) -> bool:
    """Tell whether a normalised code is a category or code in the official ICD-10-CM set."""
    cm = _icd()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(_ICD_SHAPE.match(code)) and cm.is_valid_item(code) and cm.is_category_or_subcategory(code)


def is_code(code: object) -> bool:
    """Tell whether text, as typed (dot optional, any case), is a category or code of ICD-10-CM FY2026."""
    return isinstance(code, str) and bool(code.strip()) and icd10cm_exists(normalize_code(code))


def icd10cm_billable(code: str) -> bool:
    """Tell whether a normalised code is complete (a leaf of the tabular list, valid on a claim)."""
    return icd10cm_exists(code) and _icd().is_leaf(code)


def icd10cm_description(code: str) -> str:
    """Return the official description of an ICD-10-CM code (normalised first)."""
    code = normalize_code(code)
    if not icd10cm_exists(code):
        raise KeyError(f"{code} is not in {ICD10CM_RELEASE}")
    return _icd().get_description(code)


def _seventh_characters(code: str) -> dict[str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return dict(_icd().get_seven_chr_def(code, search_in_ancestors=True) or {})
        except ValueError:
            return {}


def _with_placeholder(code: str) -> str | None:
    """Return the code with placeholder X filled in before a final 7th character, if that is a real code."""
    bare = code.replace(".", "")
    if len(bare) >= 7 or len(bare) < 4 or not bare[-1].isalpha():
        return None
    padded = normalize_code(bare[:-1].ljust(6, "X") + bare[-1])
    return padded if icd10cm_billable(padded) else None


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
        return hints + [f"{code} is not in the official code set ({ICD10CM_RELEASE})."]
    if not icd10cm_billable(code):
        sevenths = _seventh_characters(code)
        if sevenths:
            letters = ", ".join(f"{k} ({v})" for k, v in list(sevenths.items())[:3])
            bare = code.replace(".", "")
            filler = " Fill the empty places with the placeholder X first." if len(bare) < 6 else ""
            return hints + [f"{code} needs a 7th character, such as {letters}.{filler}"]
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
    """Hints for a typed code in the given code system."""
    return icd10cm_hints(text) if system == "ICD-10-CM" else hcpcs_hints(text)


def codes_match(typed: object, key: str, system: str) -> bool:
    """Compare a typed code with the key, ignoring case, spaces and (ICD-10-CM) the dot."""
    return normalize_code(typed, system).replace(".", "") == normalize_code(key, system).replace(".", "")
