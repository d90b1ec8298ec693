"""Policy areas (with checklist items), journey stages and contexts.

Ids are stable and used in front matter; labels are per language. The
defaults cover the six policy areas and five journey stages every web shop
has; `mkdocs.yml` may relabel them or add new ones (see `merge`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kb.problems import (
    CONTROL_EXPECTED,
    Problem,
    expected_one_of,
    has_control_characters,
    short_repr,
)

LANGUAGES = ("nl", "en")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED_CONTEXTS = ("kb-help",)
MAX_CONTEXT_ID = 200  # kb-help.js accepts [a-z0-9][a-z0-9-]{0,199}

Labels = dict[str, str]


def pick(labels: Labels, lang: str, fallback: str = "") -> str:
    """The label in `lang`, else its base language ('nl' for 'nl-BE'), else English,
    else any, else `fallback`."""
    for key in (lang, lang.split("-")[0], "en", "nl"):
        if labels.get(key):
            return labels[key]
    return next(iter(labels.values()), fallback)


@dataclass
class Term:
    """One policy area, journey stage or context."""

    id: str
    label: Labels
    description: Labels = field(default_factory=dict)
    prompt: Labels = field(default_factory=dict)
    icon: str = "material/help-circle-outline"
    items: dict[str, Labels] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return pick(self.label, lang, self.id)

    def describe(self, lang: str) -> str:
        return pick(self.description, lang)

    def ask(self, lang: str) -> str:
        """The shopper's own words for a stage ("Ik wil bestellen")."""
        return pick(self.prompt, lang, self.title(lang))

    def item_title(self, item: str, lang: str) -> str:
        return pick(self.items.get(item, {}), lang, item)


@dataclass
class Taxonomy:
    policies: dict[str, Term]
    stages: dict[str, Term]
    contexts: dict[str, Term]

    def kinds(self) -> dict[str, dict[str, Term]]:
        return {"policies": self.policies, "stages": self.stages, "contexts": self.contexts}


def _t(nl: str, en: str) -> Labels:
    return {"nl": nl, "en": en}


def default_taxonomy() -> Taxonomy:
    """A fresh copy of the built-in taxonomy (callers may mutate it)."""
    policies = [
        Term(
            "product",
            _t("Productinformatie", "Product information"),
            _t("Ingrediënten, materialen, productie en garantie",
               "Ingredients, materials, production and warranty"),
            icon="material/tag-outline",
            items={
                "ingredients": _t("Ingrediënten", "Ingredients"),
                "materials": _t("Materialen", "Materials"),
                "production": _t("Productie en herkomst", "Production and origin"),
                "warranty": _t("Garantie", "Warranty"),
            },
        ),
        Term(
            "order-status",
            _t("Bestelling volgen", "Order status"),
            _t("Track & trace en de status van je bestelling",
               "Track & trace and the status of your order"),
            icon="material/map-marker-path",
            items={
                "track-and-trace": _t("Track & trace", "Track & trace"),
                "status-page": _t("Bestelstatus", "Order status page"),
            },
        ),
        Term(
            "payment",
            _t("Betalen", "Payment"),
            _t("Betaalmethoden, voorwaarden en veilig betalen",
               "Payment methods, conditions and secure payment"),
            icon="material/credit-card-outline",
            items={
                "payment-methods": _t("Betaalmethoden", "Payment methods"),
                "payment-conditions": _t("Betaalvoorwaarden", "Payment conditions"),
                "payment-security": _t("Veilig betalen", "Payment security"),
            },
        ),
        Term(
            "shipping",
            _t("Verzending en levering", "Shipping and delivery"),
            _t("Landen, vervoerder, levertijd, kosten en spoedlevering",
               "Countries, carrier, delivery time, costs and express delivery"),
            icon="material/truck-delivery-outline",
            items={
                "countries": _t("Landen", "Countries"),
                "carrier": _t("Vervoerder", "Carrier"),
                "delivery-time": _t("Levertijd en bezorgmoment", "Delivery date and time"),
                "packaging": _t("Verpakking", "Packaging"),
                "surcharges": _t("Verzendkosten en toeslagen", "Shipping costs and surcharges"),
                "out-of-stock": _t("Niet op voorraad", "Out of stock"),
                "express": _t("Spoedlevering", "Express delivery"),
            },
        ),
        Term(
            "returns",
            _t("Retourneren en terugbetalen", "Returns and refunds"),
            _t("Retourtermijn, voorwaarden, verpakking en retourkosten",
               "Return period, refund conditions, packaging and return postage"),
            icon="material/keyboard-return",
            items={
                "return-period": _t("Retourtermijn", "Return period"),
                "refund-conditions": _t("Voorwaarden voor terugbetaling", "Refund conditions"),
                "return-packaging": _t("Retourverpakking", "Return packaging"),
                "return-costs": _t("Retourkosten", "Return postage"),
            },
        ),
        Term(
            "privacy",
            _t("Privacy en gegevens", "Privacy and data"),
            _t("Hoe we je persoonlijke en betaalgegevens beschermen",
               "How we keep your personal and payment data safe"),
            icon="material/shield-lock-outline",
            items={
                "personal-data": _t("Persoonsgegevens", "Personal data"),
                "payment-data": _t("Betaalgegevens", "Payment data"),
                "no-sharing": _t("Nooit gedeeld met derden", "Never shared with third parties"),
            },
        ),
    ]
    stages = [
        Term("research", _t("Oriënteren", "Research"),
             _t("Voordat je kiest", "Before you choose"),
             _t("Ik oriënteer me", "I'm looking around"), icon="material/magnify"),
        Term("discovery", _t("Product kiezen", "Choosing a product"),
             _t("Welk product past bij jou?", "Which product suits you?"),
             _t("Ik zoek het juiste product", "I'm choosing a product"),
             icon="material/store-search-outline"),
        Term("order", _t("Bestellen", "Ordering"),
             _t("Bestellen en betalen", "Ordering and paying"),
             _t("Ik wil bestellen", "I want to order"), icon="material/cart-outline"),
        Term("delivery", _t("Verzending en bezorging", "Shipping and delivery"),
             _t("Van magazijn tot voordeur", "From warehouse to doorstep"),
             _t("Waar blijft mijn pakket?", "Where is my parcel?"),
             icon="material/package-variant-closed"),
        Term("returns", _t("Retourneren", "Returns"),
             _t("Terugsturen, ruilen en terugbetalen", "Returning, exchanging and refunds"),
             _t("Ik wil iets terugsturen", "I want to send something back"),
             icon="material/swap-horizontal"),
    ]
    contexts = [
        Term("home", _t("Homepagina", "Home page")),
        Term("product", _t("Productpagina", "Product page")),
        Term("cart", _t("Winkelwagen", "Cart")),
        Term("checkout", _t("Afrekenen", "Checkout")),
        Term("order-status", _t("Bestelstatus", "Order status")),
        Term("returns", _t("Retourpagina", "Returns page")),
        Term("account", _t("Mijn account", "My account")),
    ]
    return Taxonomy(
        {t.id: t for t in policies}, {t.id: t for t in stages}, {t.id: t for t in contexts}
    )


_TERM_KEYS = ("label", "description", "prompt", "icon", "items")


def parse_labels(value: Any) -> Labels | None:
    """A label is a text (for all languages) or a mapping of language to text."""
    if has_control_characters(value):
        return None
    if isinstance(value, str) and value.strip():
        return {lang: value for lang in LANGUAGES}
    if isinstance(value, dict) and value and all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        return dict(value)
    return None


LABEL_EXPECTED = "expected a text or a mapping of language to text"


def label_message(value: Any) -> str:
    """Why `value` is not a label, for a value `parse_labels` refused."""
    expected = CONTROL_EXPECTED if has_control_characters(value) else LABEL_EXPECTED
    return f"{expected} but found {short_repr(value)}"


def _labels(value: Any, where: str, problems: list[Problem], path: str) -> Labels | None:
    labels = parse_labels(value)
    if labels is None:
        problems.append(Problem(path, label_message(value), field=where))
    return labels


def merge(taxonomy: Taxonomy, overrides: Any, path: str) -> list[Problem]:
    """Apply the `taxonomy:` option from mkdocs.yml to `taxonomy` in place.

    A known id is relabelled (only the languages given change); a new id is
    added after the defaults, in the order written. Returns the problems.
    """
    problems: list[Problem] = []
    base = "plugins.kb.taxonomy"
    if overrides is None:
        return problems
    if not isinstance(overrides, dict):
        return [Problem(path, f"expected a mapping but found {short_repr(overrides)}", field=base)]
    kinds = taxonomy.kinds()
    for kind, terms in overrides.items():
        if kind not in kinds:
            problems.append(Problem(path, expected_one_of(kind, kinds), field=f"{base}.{kind}"))
        elif not isinstance(terms, dict):
            problems.append(Problem(
                path, f"expected a mapping of id to settings but found {short_repr(terms)}",
                field=f"{base}.{kind}",
            ))
        else:
            for term_id, spec in terms.items():
                _merge_term(kinds[kind], kind, term_id, spec, f"{base}.{kind}.{term_id}",
                            problems, path)
    return problems


def _id_problem(kind: str, term_id: Any) -> str | None:
    """Why `term_id` cannot name a term of `kind`, or None when it can."""
    if not isinstance(term_id, str) or not ID_PATTERN.match(term_id):
        return (f"expected an id of lowercase letters, digits and hyphens "
                f"but found {short_repr(term_id)}")
    if kind == "contexts" and term_id in RESERVED_CONTEXTS:
        # help/<context>.js is the block's data script; kb-help.js is the widget.
        return (f"{term_id!r} is reserved: help/{term_id}.js is the help-block "
                f"script itself; choose another id")
    if kind == "contexts" and len(term_id) > MAX_CONTEXT_ID:
        # The widget refuses longer names before it fetches anything.
        return f"expected an id of at most {MAX_CONTEXT_ID} characters but found {len(term_id)}"
    return None


def _merge_term(terms: dict[str, Term], kind: str, term_id: Any, spec: Any, where: str,
                problems: list[Problem], path: str) -> None:
    """Relabel the term `term_id` of `terms` with `spec`, or add it as a new one."""
    refused = _id_problem(kind, term_id)
    if refused:
        problems.append(Problem(path, refused, field=where))
        return
    existing = terms.get(term_id)
    if isinstance(spec, str):
        spec = {"label": spec}
    if not isinstance(spec, dict):
        problems.append(Problem(path, f"expected a mapping but found {short_repr(spec)}",
                                field=where))
        return
    for key in spec:
        if key not in _TERM_KEYS:
            problems.append(Problem(path, expected_one_of(key, _TERM_KEYS),
                                    field=f"{where}.{key}"))
    if existing is None and parse_labels(spec.get("label")) is None:
        message = (label_message(spec["label"]) if "label" in spec
                   else f"{LABEL_EXPECTED} but found none")
        problems.append(Problem(path, f"a new id needs a label: {message}",
                                field=f"{where}.label"))
        return
    term = existing or Term(term_id, {})
    for key, value in spec.items():
        if key in _TERM_KEYS:
            _merge_key(term, key, value, where, problems, path)
    terms[term_id] = term


def _merge_key(term: Term, key: str, value: Any, where: str, problems: list[Problem],
               path: str) -> None:
    if key == "icon":
        if isinstance(value, str) and value and not has_control_characters(value):
            term.icon = value
        else:
            problems.append(Problem(path, f"expected an icon name such as "
                                          f"'material/account' but found "
                                          f"{short_repr(value)}",
                                    field=f"{where}.icon"))
    elif key == "items":
        _merge_items(term, value, f"{where}.items", problems, path)
    else:
        labels = _labels(value, f"{where}.{key}", problems, path)
        if labels:
            getattr(term, key).update(labels)


def _merge_items(term: Term, value: Any, where: str, problems: list[Problem], path: str) -> None:
    if not isinstance(value, dict):
        problems.append(Problem(path, f"expected a mapping of item id to label "
                                      f"but found {short_repr(value)}", field=where))
        return
    for item_id, label in value.items():
        if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
            problems.append(Problem(path, f"expected an id of lowercase letters, digits and "
                                          f"hyphens but found {short_repr(item_id)}", field=where))
            continue
        labels = _labels(label, f"{where}.{item_id}", problems, path)
        if labels:
            term.items.setdefault(item_id, {}).update(labels)
