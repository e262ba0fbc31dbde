"""Numbers as people write them in a language: formatting and reading them back.

Babel's locale data decide the symbols: English writes 1,234.5; Croatian and Serbian
1.234,5; Bulgarian 1 234,5 (a no-break space groups). Nothing here knows about Flask.
"""

from hiring.numbers.formatting import (
    FORMATS,
    canonical,
    format_duration,
    format_money,
    format_number,
    format_value,
    symbols,
)
from hiring.numbers.parsing import NumberError, Reading, parse_duration, parse_number

__all__ = ["FORMATS", "NumberError", "Reading", "canonical", "format_duration",
           "format_money", "format_number", "format_value", "parse_duration", "parse_number",
           "symbols"]
