"""CQL tokens: words, quoted strings, operators, parentheses and commas.

`title ~ "release notes" AND created >= '2026/01/01 10:00'` →
WORD title, OP ~, STRING release notes, WORD AND, WORD created, OP >=, STRING 2026/01/01 10:00
"""

from dataclasses import dataclass
from enum import Enum

from emulators.confluence.cql.errors import CqlError


class Kind(Enum):
    WORD = "word"        # field names, keywords, unquoted values, function names
    STRING = "string"    # "..." or '...' (quotes removed, backslash escapes resolved)
    OP = "op"            # = != > >= < <= ~ !~
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    position: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind is Kind.WORD and self.text.lower() in words


_OPERATORS = ("!=", ">=", "<=", "!~", "=", ">", "<", "~")
_WORD_STOP = set(" \t\r\n()=,!<>~\"'")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()," :
            tokens.append(Token(Kind(char), char, i))
            i += 1
        elif char in "\"'":
            value, i_next = _read_quoted(text, i)
            tokens.append(Token(Kind.STRING, value, i))
            i = i_next
        elif op := next((op for op in _OPERATORS if text.startswith(op, i)), None):
            tokens.append(Token(Kind.OP, op, i))
            i += len(op)
        else:
            start = i
            while i < len(text) and text[i] not in _WORD_STOP:
                i += 1
            if start == i:  # a lone "!" that is not part of != or !~
                raise CqlError(f"unexpected character {char!r}", start)
            tokens.append(Token(Kind.WORD, text[start:i], start))
    tokens.append(Token(Kind.END, "", len(text)))
    return tokens


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
        elif char == quote:
            return "".join(chars), i + 1
        else:
            chars.append(char)
            i += 1
    raise CqlError("unterminated quoted value", start)
