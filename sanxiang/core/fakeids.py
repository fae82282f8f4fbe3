"""Valid-looking identifiers for demo data and tests, generated with the real check characters."""

import datetime
import random

from .identifiers import id_check_char, org_code_check_char, uscc_check_char

# Organisation-code bodies drawn from the USCC alphabet, so the whole code stays in it.
ORG_BODY_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random, region_code: str = "350421", authority: str = "1", kind: str = "1") -> str:
    """A USCC passing GB 32100 and GB 11714: ``authority`` 1 = 机构编制 (government bodies), 9 = 市场监管."""
    body8 = "".join(rng.choice(ORG_BODY_ALPHABET) for _ in range(8))
    org_code = body8 + org_code_check_char(body8)
    body17 = authority + kind + region_code + org_code
    return body17 + uscc_check_char(body17)


def make_id_number(rng: random.Random, region_code: str = "350421", born: datetime.date | None = None,
                   gender: str | None = None) -> str:
    """An 18-digit ID number with a real birth date and a correct MOD 11-2 check character."""
    if born is None:
        born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 36))
    sequence = rng.randrange(0, 100)
    gender_digit = rng.choice("13579" if gender == "M" else "02468" if gender == "F" else "0123456789")
    body17 = f"{region_code}{born:%Y%m%d}{sequence:02d}{gender_digit}"
    return body17 + id_check_char(body17)
