"""The bank account where a supplier receives payouts (F10): the table, its scope and the
verbs over it. The audit log never keeps the full IBAN."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from . import audit
from .base import BaseModel, check_version, retrying, transaction, utcnow
from .identifiers import clean_text, format_iban, mask_iban, normalise_bic, normalise_iban
from .parties import Party, User
from .prepared import prepared


class BankAccount(BaseModel):
    """Where a supplier receives payouts (F10)."""

    party = ForeignKeyField(Party, unique=True, backref="+", on_delete="CASCADE")
    holder = CharField(max_length=200, default="")
    iban = CharField(max_length=34)
    bic = CharField(max_length=11, default="")
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)  # bumped on every edit: detects stale forms

    @property
    def iban_formatted(self) -> str:
        return format_iban(self.iban)

    @property
    def iban_masked(self) -> str:
        return mask_iban(self.iban)


audit.register_fields(
    {
        "bank_account.holder": _l("Account holder"),
        "bank_account.iban": _l("IBAN"),
        "bank_account.bic": _l("BIC"),
    }
)


def bank_account_of(party: Party) -> BankAccount | None:
    return _account_of.first(party.id)


@prepared
def _account_of(party_id: int):
    return BankAccount.select().where(BankAccount.party == party_id).limit(1)


# --- verbs -------------------------------------------------------------------------------------


def _bank_snapshot(account: BankAccount | None) -> dict:
    """What the audit log keeps of an account: never the full IBAN."""
    if account is None:
        return {"bank_account.holder": None, "bank_account.iban": None, "bank_account.bic": None}
    return {
        "bank_account.holder": account.holder,
        "bank_account.iban": mask_iban(account.iban),
        "bank_account.bic": account.bic,
    }


STALE_BANK = _l(
    "Someone else changed the bank account while you were editing it. The form keeps what you "
    "typed; the saved values are listed. Save again to replace them with yours."
)


@retrying
def save_bank_account(
    actor: User | None,
    party: Party,
    *,
    holder: str = "",
    iban: str,
    bic: str = "",
    version=None,
) -> BankAccount:
    """Record (or replace) the account where the party receives payouts. `version` is the
    account's version the form was loaded at, 0 when there was none; another one is refused
    (StaleForm): someone saved, added or removed the account meanwhile."""
    values = {
        "holder": clean_text(holder, 200),
        "iban": normalise_iban(iban),
        "bic": normalise_bic(bic),
    }
    with transaction(lock=party):
        account = bank_account_of(party)
        check_version(account or BankAccount(version=0), version, STALE_BANK)
        old = _bank_snapshot(account)
        action = "update"
        if account is None:
            account = BankAccount(party=party, version=0)
            action = "create"
        unchanged = all(getattr(account, k, None) == v for k, v in values.items())
        if not unchanged:
            for name, value in values.items():
                setattr(account, name, value)
            account.updated_at = utcnow()
            account.version += 1
            account.save()
            changes = audit.diff(old, _bank_snapshot(account))
            audit.record(actor, party, "bank_account", action, mask_iban(account.iban), changes)
    return account


@retrying
def remove_bank_account(actor: User | None, party: Party) -> bool:
    """Remove the party's bank account; False when there was none."""
    with transaction(lock=party):
        account = bank_account_of(party)
        if account is None:
            return False
        snapshot = _bank_snapshot(account)
        account.delete_instance()
        audit.record(
            actor, party, "bank_account", "delete", mask_iban(account.iban), audit.removed(snapshot)
        )
    return True


# --- demo (F45) ----------------------------------------------------------------------------


def add_demo(parties: dict[str, Party], users: dict[str, User]) -> None:
    """The supplier Brouwer's payout account, made through the verb above."""
    brouwer = parties.get("brouwer")
    if brouwer is None:
        return
    save_bank_account(
        users.get("supplier-admin@example.com"),
        brouwer,
        holder="Brouwer & Zonen Groothandel B.V.",
        iban="NL91 ABNA 0417 1643 00",
        bic="ABNANL2A",
    )
