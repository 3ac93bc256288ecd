"""Every message is translated in en, nl, de, fr and es; none is fuzzy (F40)."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["en", "nl", "de", "fr", "es"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the code uses today, freshly extracted (not the committed .pot)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_fuzzy(extracted, language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = {message.id: message for message in read_po(handle) if message.id}
    missing = sorted(
        str(i)
        for i in extracted
        if i not in catalog
        or not catalog[i].string
        or (isinstance(i, tuple) and not all(catalog[i].string))
    )
    fuzzy = sorted(str(i) for i, m in catalog.items() if m.fuzzy)
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        for message in read_po(handle):
            if not message.id or not message.string or isinstance(message.id, tuple):
                continue
            names = set(re.findall(r"%\((\w+)\)", message.id))
            assert names == set(re.findall(r"%\((\w+)\)", message.string)), message.id
