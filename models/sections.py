"""Catalog sections (F19, F25): a supplier's tree of sections (Beverages › Coffee); a product
sits in any number of them; a section can be limited to chosen customer groups. A buyer sees a
section when it is open to everyone or to the client's group, and its parent is seen too; a
product in sections is seen when one of them is, a product in none is seen by everyone."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, fn

from . import audit
from .base import DomainError, NotFound, check_version, retrying, transaction
from .catalog import (
    LANGUAGES,
    Product,
    ProductSection,
    Section,
    SectionGroup,
    SectionText,
    product_of,
    reading_languages,
    writing_language,
)
from .identifiers import clean_text
from .parties import Party, User
from .prepared import prepared
from .product_lists import section_links
from .relationship_verbs import _require
from .relationships import CustomerGroup, _row_id

STALE = _l(
    "Someone else changed this section meanwhile; the saved values are shown. "
    "Save again to overwrite them."
)
CYCLE = _l("A section cannot sit inside itself or one of its own subsections.")

audit.AREA_LABELS["section"] = _l("Catalog sections")
audit.register_fields(
    {
        "section.name": _l("Name"),
        "section.parent": _l("Inside section"),
        "section.groups": _l("Only for these groups"),
        **{f"section.name.{code}": _l("Name (%(language)s)", language=code) for code in LANGUAGES},
        "product.sections": _l("Sections"),
    }
)


@dataclass
class SectionNode:
    id: int
    parent_id: int | None
    name: str
    version: int
    group_ids: set[int] = field(default_factory=set)
    depth: int = 0


@prepared
def _sections(reader: str, own: str, supplier_id: int):
    Reader, Own = SectionText.alias("reader"), SectionText.alias("own")
    return (
        Section.select(Section.id, Section.parent, Section.version, Reader.name, Own.name)
        .select_extend(SectionGroup.group)
        .join(
            Reader,
            JOIN.LEFT_OUTER,
            on=((Reader.section == Section.id) & (Reader.language == reader)),
        )
        .switch(Section)
        .join(Own, JOIN.LEFT_OUTER, on=((Own.section == Section.id) & (Own.language == own)))
        .switch(Section)
        .join(SectionGroup, JOIN.LEFT_OUTER, on=(SectionGroup.section == Section.id))
        .where(Section.supplier == supplier_id)
    )


def section_tree(supplier: Party, language: str | None = None) -> list[SectionNode]:
    """The supplier's sections in tree order (a parent before its children, by name), each
    with its name in `language` (else in the supplier's language) and the groups it is
    limited to: one query."""
    reader, own = reading_languages(supplier, language)
    nodes: dict[int, SectionNode] = {}
    for section_id, parent_id, version, name, own_name, group_id in _sections.rows(
        reader, own, supplier.id
    ):
        shown = name or own_name or ""
        node = nodes.setdefault(section_id, SectionNode(section_id, parent_id, shown, version))
        if group_id:
            node.group_ids.add(group_id)
    children: dict[int | None, list[SectionNode]] = {}
    for node in nodes.values():
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[SectionNode] = []

    def walk(parent, depth):
        for node in sorted(children.get(parent, []), key=lambda n: (n.name.casefold(), n.id)):
            node.depth = depth
            ordered.append(node)
            walk(node.id, depth + 1)

    walk(None, 0)
    return ordered


def visible_to(tree: list[SectionNode], group_id: int | None) -> set[int]:
    """The sections a client of this group sees: open to everyone or to its group, inside a
    section it sees (tree order puts parents first)."""
    seen: set[int] = set()
    for node in tree:
        open_here = not node.group_ids or (group_id is not None and group_id in node.group_ids)
        if open_here and (node.parent_id is None or node.parent_id in seen):
            seen.add(node.id)
    return seen


def below(tree: list[SectionNode], section_id: int) -> set[int]:
    """A section and every section inside it."""
    found = {section_id}
    for node in tree:  # parents come first
        if node.parent_id in found:
            found.add(node.id)
    return found


def section_scope(tree: list[SectionNode], visible: set[int], chosen: set[int] | None):
    """What a client's list shows of the sections (product_lists.SectionScope): the chosen
    sections, else what it sees; None when it sees everything."""
    if chosen is not None:
        return ("chosen", sorted(chosen))
    if not ({node.id for node in tree} - visible):
        return None
    # a product in an open section is seen by everyone: only the limited ones need a look
    limited = visible - visible_to(tree, None)
    return ("visible", sorted(limited)) if limited else ("open", [])


def mark_restricted(supplier: Party, product_ids=None) -> None:
    """Set `restricted` on the supplier's products (or only these): in a section, and in none
    that everyone sees. Call after a section's groups or parent, or a product's sections,
    changed (inside that transaction)."""
    open_ids = sorted(visible_to(section_tree(supplier), None)) or [0]
    in_some = fn.EXISTS(section_links())
    in_open = fn.EXISTS(section_links().where(ProductSection.section.in_(open_ids)))
    query = Product.update(restricted=Case(None, [(in_some & ~in_open, True)], False)).where(
        Product.supplier == supplier
    )
    if product_ids is not None:
        query = query.where(Product.id.in_(list(product_ids)))
    query.execute()


# --- writing ---------------------------------------------------------------------------------


def _own_groups(supplier: Party, group_ids) -> set[int]:
    wanted = {_row_id(g) for g in group_ids or () if str(g).strip()}
    if not wanted:
        return set()
    own = {
        g.id
        for g in CustomerGroup.select(CustomerGroup.id).where(
            CustomerGroup.supplier == supplier, CustomerGroup.id.in_(sorted(wanted))
        )
    }
    if own != wanted:
        raise DomainError(_l("Choose among your customer groups."), "groups")
    return own


def _parent(supplier: Party, parent_id, own_id=None) -> int | None:
    if parent_id in (None, "", 0, "0"):
        return None
    tree = {n.id: n for n in section_tree(supplier)}
    wanted = _row_id(parent_id)
    if wanted not in tree:
        raise DomainError(_l("Choose one of your sections."), "parent")
    step = wanted
    while step is not None:  # walk up from the new parent: meeting ourselves is a cycle
        if step == own_id:
            raise DomainError(CYCLE, "parent")
        step = tree[step].parent_id
    return wanted


def _name(value) -> str:
    name = clean_text(value, 120)
    if not name:
        raise DomainError(_l("Enter a name."), "name")
    return name


def _other_names(supplier: Party, names) -> dict[str, str] | None:
    """The names in the languages other than the supplier's (language -> name, "" to remove),
    checked; None when not given (left as they are)."""
    if names is None:
        return None
    own = writing_language(supplier)
    cleaned = {}
    for language, value in names.items():
        if language not in LANGUAGES or language == own:
            continue
        cleaned[language] = clean_text(value, 121)
        if len(cleaned[language]) > 120:
            raise DomainError(_l("Use at most 120 characters."), f"name_{language}")
    return cleaned


def section_names(section_id: int) -> dict[str, str]:
    """A section's name per language."""
    return {
        row.language: row.name
        for row in SectionText.select().where(SectionText.section == section_id)
    }


def _write_names(section: Section, before: dict[str, str], names: dict | None) -> list:
    """Write the names in other languages (an empty one removed); the audit's changes."""
    changes = []
    for language, name in sorted((names or {}).items()):
        old = before.get(language, "")
        if name == old:
            continue
        SectionText.delete().where(
            SectionText.section == section, SectionText.language == language
        ).execute()
        if name:
            SectionText.create(section=section, language=language, name=name)
        field = f"section.name.{language}"
        changes.append({"field": field, "old": old or None, "new": name or None})
    return changes


@retrying
def create_section(
    actor: User, supplier: Party, *, name, parent_id=None, group_ids=(), names=None
) -> Section:
    """A new section (supervisors and admins): `name` in the supplier's language, `names` in
    others (language -> name; empty ones are left out)."""
    name = _name(name)
    others = _other_names(supplier, names)
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        parent = _parent(supplier, parent_id)
        groups = _own_groups(supplier, group_ids)
        section = Section.create(supplier=supplier, parent=parent)
        SectionText.create(section=section, language=writing_language(supplier), name=name)
        changes = _write_names(section, {}, others)
        for group_id in sorted(groups):
            SectionGroup.create(section=section, group=group_id)
        audit.record(
            actor,
            supplier,
            "section",
            "create",
            name,
            [{"field": "section.name", "old": None, "new": name}, *changes],
        )
    return section


@retrying
def update_section(
    actor: User,
    supplier: Party,
    section_id,
    version,
    *,
    name,
    parent_id=None,
    group_ids=(),
    names=None,
):
    """Rename (in the supplier's language, and in others with `names`), move or limit a
    section; a move inside its own subsections is refused."""
    name = _name(name)
    others = _other_names(supplier, names)
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        section = Section.get_or_none(
            Section.id == _row_id(section_id), Section.supplier == supplier
        )
        if section is None:
            raise NotFound(_l("This section does not exist."))
        check_version(section, version, STALE)
        parent = _parent(supplier, parent_id, section.id)
        groups = _own_groups(supplier, group_ids)
        text = SectionText.get_or_none(
            SectionText.section == section, SectionText.language == writing_language(supplier)
        )
        old_groups = {
            link.group_id for link in SectionGroup.select().where(SectionGroup.section == section)
        }
        before = {
            "section.name": text.name if text else None,
            "section.parent": section.parent_id,
            "section.groups": sorted(old_groups),
        }
        after = {"section.name": name, "section.parent": parent, "section.groups": sorted(groups)}
        changes = audit.diff(before, after)
        translated = _write_names(section, section_names(section.id), others)
        changes += translated
        if changes:
            section.parent = parent
            section.version += 1
            section.save()
            if text:
                text.name = name
                text.save()
            else:
                SectionText.create(section=section, language=writing_language(supplier), name=name)
            SectionGroup.delete().where(SectionGroup.section == section).execute()
            for group_id in sorted(groups):
                SectionGroup.create(section=section, group=group_id)
            if parent != before["section.parent"] or groups != old_groups:
                mark_restricted(supplier)
            audit.record(actor, supplier, "section", "update", name, changes)
    return section


def sections_of_product(product: Product) -> set[int]:
    return {
        link.section_id for link in ProductSection.select().where(ProductSection.product == product)
    }


@retrying
def set_product_sections(actor: User, supplier: Party, product_id, section_ids) -> Product:
    """Put a product in exactly these sections of the supplier."""
    with transaction(lock=supplier):
        _require(actor, supplier, "supervisor")
        product = product_of(supplier, product_id)
        own = {node.id for node in section_tree(supplier)}
        wanted = {_row_id(s) for s in section_ids or () if str(s).strip()}
        if not wanted <= own:
            raise DomainError(_l("Choose one of your sections."), "sections")
        current = sections_of_product(product)
        if wanted != current:
            ProductSection.delete().where(ProductSection.product == product).execute()
            for section_id in sorted(wanted):
                ProductSection.create(product=product, section=section_id)
            mark_restricted(supplier, [product.id])
            changes = audit.diff(
                {"product.sections": sorted(current)}, {"product.sections": sorted(wanted)}
            )
            audit.record(actor, supplier, "product", "update", product.sku, changes)
    return product
