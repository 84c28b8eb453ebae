"""统一社会信用代码 (GB 32100-2015): 18 characters from the code's own alphabet, the last a
check character computed from the first 17.

The alphabet is the digits and the capital letters without I, O, Z, S and V (31 characters,
each worth its position). Position i (0-based) weighs 3**i mod 31; the check character is the
one worth 31 − (Σ value × weight mod 31), where 31 stands for 0. Standard library only."""
import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# 登记管理部门码 (1 character), 机构类别码 (1), 登记管理机关行政区划码 (6 digits), the organisation
# code (9) and the check character.
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str | None) -> str:
    """The code as stored: spaces dropped, capitals."""
    return re.sub(r"\s+", "", code or "").upper()


def is_valid(code: str) -> bool:
    """Is `code` (normalised) a well-formed credit code whose check character is right?"""
    return bool(_SHAPE.match(code)) and check_character(code[:17]) == code[17]
