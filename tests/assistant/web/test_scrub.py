"""Scrubbing personal data before feedback is stored."""

import pytest

from assistant.web.scrub import bsn_valid, iban_valid, scrub, scrub_obj

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("bsn", ["123456782", "1234.56.782", "123 456 782", "111222333", "111.222.333"])
def test_valid_bsn_is_scrubbed(bsn):
    assert bsn_valid(bsn)
    assert scrub(f"Mijn BSN is {bsn}.") == "Mijn BSN is [BSN]."


@pytest.mark.parametrize("number", ["123456789", "000000000", "12345678", "1234567820"])
def test_invalid_bsn_is_kept(number):
    assert scrub(f"Nummer {number} graag") == f"Nummer {number} graag"


@pytest.mark.parametrize("iban", ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "nl91abna0417164300",
                                  "DE89370400440532013000"])
def test_valid_iban_is_scrubbed(iban):
    assert iban_valid(iban)
    assert scrub(f"Rekening {iban}, graag terugstorten") == "Rekening [IBAN], graag terugstorten"


@pytest.mark.parametrize("iban", ["NL92ABNA0417164300", "NL91 ABNA 1417 1643 00"])
def test_iban_with_bad_checksum_is_kept(iban):
    assert not iban_valid(iban)
    assert scrub(f"Rekening {iban}") == f"Rekening {iban}"


@pytest.mark.parametrize("phone", ["06-12345678", "0612345678", "06 12 34 56 78", "+31 6 12345678",
                                   "+31612345678", "0031 6 12345678", "+31 (0)20 1234567", "020-1234567",
                                   "010 123 4567", "0499-123456"])
def test_dutch_phone_numbers_are_scrubbed(phone):
    assert scrub(f"Bel me op {phone} vandaag") == "Bel me op [TELEFOON] vandaag"


@pytest.mark.parametrize("email", ["j.jansen@gemeente.nl", "piet+mbo@example.com", "A_B@sub.domein.org"])
def test_email_is_scrubbed(email):
    assert scrub(f"Mail naar {email}.") == "Mail naar [E-MAIL]."


@pytest.mark.parametrize("text", [
    "Kamerstuk 31 524, nr. 361", "De bbl-student volgt minimaal 610 uur per jaar.", "Het gaat om 2.700 euro.",
    "bedrag x € 1 mln 2022 2023 2024 2025", "Mbo 2 80,0 100,0 165,0 150,0", "Bel 112 bij nood", ""])
def test_policy_text_is_untouched(text):
    assert scrub(text) == text


def test_everything_in_one_text_and_nested():
    text = "Ik (BSN 123456782, tel 06-12345678, jan@x.nl, NL91ABNA0417164300) wil de bbl doen."
    assert scrub(text) == "Ik (BSN [BSN], tel [TELEFOON], [E-MAIL], [IBAN]) wil de bbl doen."
    assert scrub_obj([["user", "mail jan@x.nl"], ("assistant", "ok")]) == [["user", "mail [E-MAIL]"], ["assistant", "ok"]]
