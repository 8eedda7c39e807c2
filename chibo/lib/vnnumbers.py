"""Numbers written the Vietnamese way (R-TXT-02): 1.234.567,5 — a dot between thousands and a
comma before decimals. Kept out of USE_THOUSAND_SEPARATOR, which would also print ids in
links as "1.234"."""


def number(value: int | float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
