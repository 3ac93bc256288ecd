"""Importing clients from CSV (issue 8, F23): a template, a preview with every row's errors and
line numbers, nothing written until confirmed, one transaction, idempotent by client code,
limits, and broken files (encoding, columns, duplicates, too many rows, formulas, markup)."""

from __future__ import annotations

import csv
import io
import threading

import pytest

from models.audit import AuditEntry
from models.client_import import SPEC
from models.imports import ImportBatch
from models.parties import Party
from models.relationships import CustomerGroup, Relationship
from tests import factories
from tests.conftest import sign_in, text_of

ROW = {
    "client_code": "K1",
    "name": "Bakkerij Jansen B.V.",
    "country": "NL",
    "street": "Dorpsstraat 1",
    "postal_code": "1012ab",
    "city": "Amsterdam",
    "email": "info@jansen.example",
    "phone": "+31 20 555 0101",
    "group": "hor",
    "min_order": "150,00",
    "credit_limit": "2500.00",
    "payment_method": "on_account",
    "payment_terms_days": "30",
    "discount": "2.5",
    "delinquency": "none",
    "tags": "vip, bakery",
}


def csv_bytes(rows, columns=SPEC.columns, delimiter=",", bom=True, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


@pytest.fixture
def shop(app):
    supplier = factories.make_party(display_name="Brouwer")
    admin = factories.make_member(supplier, "admin")
    CustomerGroup.create(supplier=supplier, name="Horeca", code="HOR")
    return {"supplier": supplier, "admin": admin, "base": f"/p/{supplier.id}/clients/import"}


def upload(client, shop, data: bytes, name="clients.csv"):
    return client.post(
        f"{shop['base']}/",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def errors_of(response) -> list[tuple[str, str, str]]:
    import re

    html = response.get_data(as_text=True)
    return [
        (line, column, message)
        for line, column, message in re.findall(
            r'data-testid="import-error"><td>(\d+)</td><td>[^<]*</td><td><code>([^<]*)</code></td><td>([^<]*)</td>',
            html,
        )
    ]


def test_the_template_has_every_column_and_a_bom(client, login, shop):
    login(shop["admin"])
    answer = client.get(f"{shop['base']}/template.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    body = answer.get_data()
    assert body.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == list(SPEC.columns)


def test_preview_then_import_in_one_step_and_again_changes_nothing(client, login, shop):
    login(shop["admin"])
    second = {
        **ROW,
        "client_code": "K2",
        "name": "Hotel Zuid",
        "email": "",
        "phone": "",
        "group": "",
        "min_order": "",
        "credit_limit": "",
        "payment_method": "",
        "payment_terms_days": "",
        "discount": "",
        "tags": "",
    }
    data = csv_bytes([ROW, second])
    staged = upload(client, shop, data)
    assert staged.status_code == 303
    preview = client.get(staged.headers["Location"])
    assert preview.status_code == 200
    assert "2 new clients, 0 with changed terms, 0 without changes." in text_of(preview)
    assert not Relationship.select().exists()  # nothing until confirmed
    done = client.post(staged.headers["Location"])
    assert done.status_code == 303
    assert "2 clients created, 0 updated, 0 rows without changes" in text_of(
        client.get(done.headers["Location"])
    )
    k1 = Relationship.get(Relationship.client_code == "K1")
    assert (k1.min_order_minor, k1.credit_limit_minor, k1.discount_bp, k1.payment_terms_days) == (
        15000,
        250000,
        250,
        30,
    )
    assert k1.group.code == "HOR" and k1.tags == "vip,bakery" and k1.created_on_spot
    assert k1.customer.legal_name == "Bakkerij Jansen B.V."
    assert [a.postal_code for a in k1.customer.addresses] == ["1012 AB", "1012 AB"]
    [entry] = AuditEntry.select().where(AuditEntry.action == "import")
    assert entry.subject == "clients.csv" and '"new": 2' in entry.changes
    # the same file again: previewed as unchanged, imported without a change
    again = upload(client, shop, data)
    assert "0 new clients, 0 with changed terms, 2 without changes." in text_of(
        client.get(again.headers["Location"])
    )
    client.post(again.headers["Location"])
    assert Relationship.select().count() == 2 and Party.select().count() == 3
    assert Relationship.get_by_id(k1.id).version == k1.version
    # a changed term updates that client only
    changed = upload(client, shop, csv_bytes([{**ROW, "credit_limit": "3000"}, second]))
    assert "0 new clients, 1 with changed terms, 1 without changes." in text_of(
        client.get(changed.headers["Location"])
    )
    client.post(changed.headers["Location"])
    assert Relationship.get_by_id(k1.id).credit_limit_minor == 300000


def test_a_previewed_file_is_imported_once(client, login, shop):
    login(shop["admin"])
    staged = upload(client, shop, csv_bytes([ROW]))
    assert client.post(staged.headers["Location"]).status_code == 303
    twice = client.post(staged.headers["Location"])
    assert twice.status_code == 409 and "imported already" in text_of(twice)
    assert Relationship.select().count() == 1


def test_semicolons_and_no_bom_as_a_dutch_spreadsheet_saves_it(client, login, shop):
    login(shop["admin"])
    staged = upload(client, shop, csv_bytes([ROW], delimiter=";", bom=False))
    assert "1 new clients" in text_of(client.get(staged.headers["Location"]))


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"name": '=HYPERLINK("http://evil")'}, "name", "formula"),
        ({"name": "<script>alert(1)</script>"}, "name", "HTML"),
        ({"country": "XX"}, "country", "country"),
        ({"postal_code": "12"}, "postal_code", "1234 AB"),
        ({"credit_limit": "-5"}, "credit_limit", "negative"),
        ({"credit_limit": "-5+cmd|' /C calc'!A0"}, "credit_limit", "formula"),
        ({"credit_limit": "lots"}, "credit_limit", "1234.50"),
        ({"discount": "101"}, "discount", "100"),
        ({"payment_method": "sepa"}, "payment_method", "mandate"),
        ({"payment_method": "cash"}, "payment_method", "on_account"),
        ({"group": "NOPE"}, "group", "no customer group"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"vat_number": "NL123"}, "vat_number", "VAT"),
        ({"client_code": ""}, "client_code", "client code"),
        ({"delinquency": "maybe"}, "delinquency", "do_not_sell"),
        ({"payment_terms_days": "400"}, "payment_terms_days", "365"),
    ],
)
def test_each_bad_cell_is_listed_with_its_line_and_column_and_nothing_is_written(
    client, login, shop, change, column, message
):
    login(shop["admin"])
    staged = upload(client, shop, csv_bytes([{**ROW, "client_code": "K0"}, {**ROW, **change}]))
    assert staged.status_code == 303
    preview = client.get(staged.headers["Location"])
    found = errors_of(preview)
    assert any(
        line == "3" and col == column and message.lower() in text.lower()
        for line, col, text in found
    ), found
    assert "<script>alert" not in preview.get_data(as_text=True)
    refused = client.post(staged.headers["Location"])
    assert refused.status_code == 409
    assert not Relationship.select().exists() and Party.select().count() == 1


def test_duplicate_client_codes_in_one_file_are_refused(client, login, shop):
    login(shop["admin"])
    staged = upload(client, shop, csv_bytes([ROW, {**ROW, "client_code": "k1", "name": "Other"}]))
    found = errors_of(client.get(staged.headers["Location"]))
    assert ("3", "client_code", "This client code is on line 2 too.") in found


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (csv_bytes([ROW], encoding="utf-16"), "clients.csv", "not a CSV text file"),
        ("client_code,name\nK1,Café Noord\n".encode(), "clients.csv", "columns are missing"),
        (
            csv_bytes([{**ROW, "name": "Café Noord"}], bom=False, encoding="cp1252"),
            "clients.csv",
            "UTF-8",
        ),
        (b"", "clients.csv", "empty"),
        (csv_bytes([]), "clients.csv", "no rows"),
        (csv_bytes([ROW]), "clients.xlsx", ".csv"),
    ],
)
def test_broken_files_are_refused_on_the_file_field(client, login, shop, data, name, message):
    login(shop["admin"])
    answer = upload(client, shop, data, name)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="file-error"' in html and message.lower() in text_of(answer).lower()
    assert not ImportBatch.select().exists()


def test_a_file_of_more_than_20000_rows_is_refused(client, login, shop):
    login(shop["admin"])
    rows = [{**ROW, "client_code": f"K{n}"} for n in range(20_001)]
    answer = upload(client, shop, csv_bytes(rows))
    assert answer.status_code == 422
    assert "more than 20,000 rows" in text_of(answer)


def test_a_50_mb_upload_is_refused_with_a_message(client, login, shop):
    login(shop["admin"])
    answer = upload(client, shop, b"x" * (50 * 1024 * 1024))
    assert answer.status_code == 413
    assert "larger than 5 MB" in text_of(answer)
    assert 'id="file-error"' in answer.get_data(as_text=True)  # on the form's file field
    huge = upload(client, shop, b"x" * (70 * 1024 * 1024))  # past what the server reads at all
    assert huge.status_code == 413 and "larger than 5 MB" in text_of(huge)
    assert not ImportBatch.select().exists()


def test_only_admins_import_and_another_partys_batches_answer_404(client, login, shop):
    login(shop["admin"])
    staged = upload(client, shop, csv_bytes([ROW]))
    url = staged.headers["Location"]
    supervisor = factories.make_member(shop["supplier"], "supervisor")
    login(supervisor)
    assert client.get(f"{shop['base']}/").status_code == 403
    assert client.post(url).status_code == 403
    other = factories.make_party()
    login(factories.make_member(other, "admin"))
    theirs = url.replace(f"/p/{shop['supplier'].id}/", f"/p/{other.id}/")
    assert client.get(theirs).status_code == 404
    assert client.post(theirs).status_code == 404
    assert not Relationship.select().exists()


def test_two_imports_of_one_file_at_once_create_each_client_once(app, client, login, shop):
    login(shop["admin"])
    data = csv_bytes([{**ROW, "client_code": f"K{n}", "vat_number": ""} for n in range(30)])
    urls = [upload(client, shop, data).headers["Location"] for _ in range(2)]
    answers = []

    def run(url):
        with app.test_client() as c:
            sign_in(c, shop["admin"])
            answers.append(c.post(url).status_code)

    threads = [threading.Thread(target=run, args=(url,)) for url in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [303, 303]
    assert Relationship.select().count() == 30
    results = sorted(b.result_data["created"] for b in ImportBatch.select())
    assert results == [0, 30]


def test_a_row_of_a_company_already_on_the_portal_says_connect_instead(client, login, shop):
    factories.make_party(display_name="Jansen", email="info@jansen.example")
    login(shop["admin"])
    staged = upload(client, shop, csv_bytes([ROW]))
    found = errors_of(client.get(staged.headers["Location"]))
    assert any(col == "email" and "connect to it" in text for _line, col, text in found), found
