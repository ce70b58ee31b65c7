"""Remove personal data from free text before it is stored (feedback, logs).

Replaced: e-mail addresses -> [E-MAIL], IBANs that pass the mod-97 check -> [IBAN], Dutch
phone numbers (06-12345678, +31 6 12345678, 0031 6…, 020-1234567, 0499-123456) -> [TELEFOON],
and 9-digit numbers (also written with dots or spaces) that pass the BSN 11-proef -> [BSN].
Non-goals: names and addresses (no reliable pattern), other countries' phone numbers; a
number that fails its checksum is left alone (it is probably an amount or a Kamerstuk number).
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
# two letters, two check digits, then 11-30 alphanumerics, optionally in groups of four
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.I)
_SEP = r"[ .\-]?"
PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?\d(?:" + _SEP + r"\d){8}"  # +31 6 12345678, 0031…, +31 (0)20…
    r"|0\d(?:" + _SEP + r"\d){8}"  # 06-12345678, 020-1234567, 0499 123456 (10 digits)
    r")(?![\w])")
BSN = re.compile(r"(?<![\w.,])\d(?:[ .]?\d){8}(?![\w]|[.,]\d)")


def bsn_valid(digits: str) -> bool:
    """The 11-proef: 9*d1 + 8*d2 + … + 2*d8 - 1*d9 is divisible by 11 (and not all zeros)."""
    d = [int(c) for c in re.sub(r"\D", "", digits)]
    if len(d) != 9 or not any(d):
        return False
    total = sum(w * x for w, x in zip(range(9, 1, -1), d[:8])) - d[8]
    return total % 11 == 0


def iban_valid(text: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    s = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    if s.startswith("NL") and len(s) != 18:
        return False
    digits = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(digits) % 97 == 1


def scrub(text: str | None) -> str:
    """`text` with e-mail addresses, valid IBANs, Dutch phone numbers and valid BSNs replaced."""
    if not text:
        return text or ""
    text = EMAIL.sub("[E-MAIL]", text)
    text = IBAN.sub(lambda m: "[IBAN]" if iban_valid(m.group(0)) else m.group(0), text)
    text = PHONE.sub("[TELEFOON]", text)
    text = BSN.sub(lambda m: "[BSN]" if bsn_valid(m.group(0)) else m.group(0), text)
    return text


def scrub_obj(value):
    """scrub() applied to every string inside lists, tuples and dicts (e.g. a history)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_obj(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_obj(v) for v in value]
    return value
