"""Fill the English catalog: every message is its own English text (msgstr = msgid).

Run by `make translations` after the catalogs are updated, so the English catalog is complete
like the others and the completeness test can hold it to the same rule.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with PATH.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
        message.flags.discard("fuzzy")
    with PATH.open("wb") as handle:
        write_po(handle, catalog, width=76)


if __name__ == "__main__":
    main()
