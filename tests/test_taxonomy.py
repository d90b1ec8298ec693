"""Policy areas, journey stages and contexts: defaults and merging from mkdocs.yml."""

from __future__ import annotations

from datetime import date

import pytest

from kb.articles import load_collection
from kb.settings import parse_settings
from kb.taxonomy import Term, default_taxonomy, merge, pick
from tests.conftest import article

POLICIES = ["product", "order-status", "payment", "shipping", "returns", "privacy"]
STAGES = ["research", "discovery", "order", "delivery", "returns"]
CONTEXTS = ["home", "product", "cart", "checkout", "order-status", "returns", "account"]


def test_default_ids_in_order():
    tax = default_taxonomy()
    assert list(tax.policies) == POLICIES
    assert list(tax.stages) == STAGES
    assert list(tax.contexts) == CONTEXTS
    assert tax.kinds() == {"policies": tax.policies, "stages": tax.stages,
                           "contexts": tax.contexts}


def test_every_default_term_has_nl_and_en_labels():
    tax = default_taxonomy()
    for terms in tax.kinds().values():
        for term_id, term in terms.items():
            assert term.id == term_id
            assert term.label["nl"].strip() and term.label["en"].strip(), term_id
            assert term.label["nl"] != term_id


def test_every_default_policy_has_a_checklist_labelled_in_nl_and_en():
    tax = default_taxonomy()
    for term in tax.policies.values():
        assert term.items, term.id
        for item, labels in term.items.items():
            assert labels["nl"].strip() and labels["en"].strip(), (term.id, item)
    assert list(tax.policies["returns"].items) == [
        "return-period", "refund-conditions", "return-packaging", "return-costs"]
    assert "express" in tax.policies["shipping"].items
    assert "warranty" in tax.policies["product"].items


def test_default_labels_per_language():
    tax = default_taxonomy()
    assert tax.policies["returns"].title("nl") == "Retourneren en terugbetalen"
    assert tax.policies["returns"].title("en") == "Returns and refunds"
    assert tax.stages["order"].ask("nl") == "Ik wil bestellen"
    assert tax.stages["order"].ask("en") == "I want to order"
    assert tax.policies["returns"].item_title("return-costs", "en") == "Return postage"


def test_unknown_language_falls_back_to_english():
    tax = default_taxonomy()
    assert tax.policies["returns"].title("de") == "Returns and refunds"


def test_pick_falls_back_to_english_then_dutch_then_anything_then_fallback():
    assert pick({"nl": "Hallo", "en": "Hello"}, "nl") == "Hallo"
    assert pick({"nl": "Hallo"}, "de") == "Hallo"
    assert pick({"fr": "Bonjour"}, "nl") == "Bonjour"
    assert pick({}, "nl", "x") == "x"


def test_term_helpers_fall_back_to_the_id():
    term = Term("account", {})
    assert term.title("nl") == "account"
    assert term.ask("nl") == "account"
    assert term.item_title("login", "nl") == "login"


def test_default_taxonomy_is_a_fresh_copy_each_time():
    first = default_taxonomy()
    first.policies["returns"].label["nl"] = "Veranderd"
    del first.stages["order"]
    second = default_taxonomy()
    assert second.policies["returns"].label["nl"] == "Retourneren en terugbetalen"
    assert "order" in second.stages


def test_nothing_to_merge():
    tax = default_taxonomy()
    assert merge(tax, None, "mkdocs.yml") == []
    assert merge(tax, {}, "mkdocs.yml") == []
    assert list(tax.policies) == POLICIES


def test_relabel_one_language_keeps_the_other():
    tax = default_taxonomy()
    problems = merge(tax, {"policies": {"returns": {"label": {"en": "Sending back"}}}},
                     "mkdocs.yml")
    assert problems == []
    assert tax.policies["returns"].label == {"nl": "Retourneren en terugbetalen",
                                             "en": "Sending back"}
    assert list(tax.policies["returns"].items) == [
        "return-period", "refund-conditions", "return-packaging", "return-costs"]
    assert list(tax.policies) == POLICIES


def test_relabel_with_plain_text_sets_every_language():
    tax = default_taxonomy()
    assert merge(tax, {"stages": {"returns": "Terugsturen"}}, "mkdocs.yml") == []
    assert tax.stages["returns"].label == {"nl": "Terugsturen", "en": "Terugsturen"}
    assert tax.stages["returns"].prompt["nl"] == "Ik wil iets terugsturen"


def test_relabel_a_checklist_item_and_add_one_to_an_existing_area():
    tax = default_taxonomy()
    problems = merge(tax, {"policies": {"shipping": {"items": {
        "express": {"nl": "Snel"}, "pickup-point": {"nl": "Afhaalpunt", "en": "Pick-up point"},
    }}}}, "mkdocs.yml")
    assert problems == []
    items = tax.policies["shipping"].items
    assert items["express"] == {"nl": "Snel", "en": "Express delivery"}
    assert items["pickup-point"] == {"nl": "Afhaalpunt", "en": "Pick-up point"}
    assert list(items)[-1] == "pickup-point"


def test_add_a_seventh_policy_area_with_items():
    tax = default_taxonomy()
    problems = merge(tax, {"policies": {"account": {
        "label": {"nl": "Mijn account", "en": "My account"},
        "description": "Inloggen en gegevens",
        "icon": "material/account",
        "items": {"login": {"nl": "Inloggen", "en": "Logging in"}, "delete": "Verwijderen"},
    }}}, "mkdocs.yml")
    assert problems == []
    assert list(tax.policies) == POLICIES + ["account"]
    term = tax.policies["account"]
    assert term.id == "account"
    assert term.title("nl") == "Mijn account"
    assert term.title("en") == "My account"
    assert term.describe("en") == "Inloggen en gegevens"
    assert term.icon == "material/account"
    assert term.items == {"login": {"nl": "Inloggen", "en": "Logging in"},
                          "delete": {"nl": "Verwijderen", "en": "Verwijderen"}}


def test_add_a_context():
    tax = default_taxonomy()
    assert merge(tax, {"contexts": {"wishlist": "Verlanglijst"}}, "mkdocs.yml") == []
    assert list(tax.contexts) == CONTEXTS + ["wishlist"]


@pytest.mark.parametrize("term_id", ["Account", "my_area", "-start", "met spatie", ""])
def test_bad_id_is_an_error(term_id):
    tax = default_taxonomy()
    (problem,) = merge(tax, {"policies": {term_id: {"label": "X"}}}, "mkdocs.yml")
    assert problem.is_error
    assert problem.path == "mkdocs.yml"
    assert problem.field == f"plugins.kb.taxonomy.policies.{term_id}"
    assert problem.message == ("expected an id of lowercase letters, digits and hyphens but "
                               f"found {term_id!r}")
    assert term_id not in tax.policies


def test_bad_item_id_is_an_error():
    tax = default_taxonomy()
    (problem,) = merge(tax, {"policies": {"shipping": {"items": {"Pick Up": "X"}}}},
                       "mkdocs.yml")
    assert problem.field == "plugins.kb.taxonomy.policies.shipping.items"
    assert "'Pick Up'" in problem.message


def test_unknown_kind_is_an_error_with_the_closest_kind():
    (problem,) = merge(default_taxonomy(), {"policy": {"account": "Account"}}, "mkdocs.yml")
    assert problem.field == "plugins.kb.taxonomy.policy"
    assert problem.message == ("expected one of policies, stages, contexts but found 'policy' "
                               "(did you mean 'policies'?)")


def test_unknown_term_key_is_an_error_with_the_closest_key():
    (problem,) = merge(default_taxonomy(), {"stages": {"order": {"lable": "X"}}}, "mkdocs.yml")
    assert problem.field == "plugins.kb.taxonomy.stages.order.lable"
    assert "did you mean 'label'?" in problem.message


def test_new_id_without_a_label_is_an_error():
    tax = default_taxonomy()
    (problem,) = merge(tax, {"policies": {"account": {"description": "Inloggen"}}},
                       "mkdocs.yml")
    assert problem.field == "plugins.kb.taxonomy.policies.account.label"
    assert problem.message == ("a new id needs a label: expected a text or a mapping of "
                               "language to text but found none")
    assert "account" not in tax.policies


def test_new_id_with_a_misspelt_label_names_the_key_and_is_not_added():
    tax = default_taxonomy()
    problems = merge(tax, {"policies": {"account": {"lable": "Account"}}}, "mkdocs.yml")
    assert [p.field for p in problems] == ["plugins.kb.taxonomy.policies.account.lable",
                                           "plugins.kb.taxonomy.policies.account.label"]
    assert "did you mean 'label'?" in problems[0].message
    assert "account" not in tax.policies


def test_new_id_with_a_bad_label_is_not_added():
    tax = default_taxonomy()
    (problem,) = merge(tax, {"policies": {"account": {"label": 5}}}, "mkdocs.yml")
    assert problem.message.endswith("but found 5")
    assert "account" not in tax.policies


@pytest.mark.parametrize("label", [5, ["Account"], {"nl": ""}, {"nl": 3}, {}, "  "])
def test_label_of_the_wrong_type_is_an_error(label):
    (problem,) = merge(default_taxonomy(), {"policies": {"returns": {"label": label}}},
                       "mkdocs.yml")
    assert problem.field == "plugins.kb.taxonomy.policies.returns.label"
    assert problem.message == ("expected a text or a mapping of language to text but found "
                               f"{label!r}")


def test_bad_icon_is_an_error():
    (problem,) = merge(default_taxonomy(), {"policies": {"returns": {"icon": 3}}}, "mkdocs.yml")
    assert problem.field == "plugins.kb.taxonomy.policies.returns.icon"
    assert "expected an icon name" in problem.message


@pytest.mark.parametrize("overrides, field", [
    (["policies"], "plugins.kb.taxonomy"),
    ({"policies": ["account"]}, "plugins.kb.taxonomy.policies"),
    ({"policies": {"account": 3}}, "plugins.kb.taxonomy.policies.account"),
    ({"policies": {"returns": {"items": ["a"]}}}, "plugins.kb.taxonomy.policies.returns.items"),
])
def test_wrong_shapes_are_errors(overrides, field):
    (problem,) = merge(default_taxonomy(), overrides, "mkdocs.yml")
    assert problem.field == field
    assert problem.message.startswith("expected a mapping")


def test_all_taxonomy_problems_are_reported_together():
    problems = merge(default_taxonomy(), {
        "policy": {},
        "stages": {"Bad": "x", "new-stage": {"icon": "material/x"}},
        "contexts": {"cart": {"label": 5}},
    }, "mkdocs.yml")
    assert [p.field for p in problems] == [
        "plugins.kb.taxonomy.policy",
        "plugins.kb.taxonomy.stages.Bad",
        "plugins.kb.taxonomy.stages.new-stage.label",
        "plugins.kb.taxonomy.contexts.cart.label",
    ]


def test_article_in_a_new_area_with_its_items_validates(project):
    settings, problems = parse_settings({"taxonomy": {
        "policies": {"account": {"label": {"nl": "Mijn account", "en": "My account"},
                                 "items": {"login": "Inloggen"}}},
        "stages": {"after-sales": "Na aankoop"},
        "contexts": {"wishlist": "Verlanglijst"},
    }}, "mkdocs.yml", "nl")
    assert problems == []
    project.write("account/inloggen.md", article(
        title="Hoe log ik in?", summary="Met je e-mailadres.", policy="account",
        stage="after-sales", contexts=["wishlist", "account"], covers=["login"]))
    collection = load_collection(str(project.docs), settings, date(2026, 11, 22))
    assert collection.problems == []
    (found,) = collection.articles
    assert (found.policy, found.stages, found.contexts, found.covers) == (
        "account", ["after-sales"], ["wishlist", "account"], ["login"])


def test_article_in_an_unconfigured_area_is_rejected(project):
    settings, _ = parse_settings(None, "mkdocs.yml", "nl")
    project.write("account/inloggen.md", article(policy="account"))
    collection = load_collection(str(project.docs), settings, date(2026, 11, 22))
    assert [p.field for p in collection.problems] == ["policy"]


def test_pick_serves_a_region_variant_the_label_of_its_base_language():
    labels = {"nl": "Retourneren", "en": "Returns", "nl-BE": "Terugsturen"}
    assert pick(labels, "nl-BE") == "Terugsturen"
    assert pick(labels, "nl-NL") == "Retourneren"
    assert pick({"nl": "Retourneren", "en": "Returns"}, "en-US") == "Returns"


@pytest.mark.parametrize("spec, field", [
    ({"stages": {"order": "Kopen\x07"}}, "stages.order.label"),
    ({"policies": {"account": {"label": {"nl": "Acc\x00ount", "en": "Account"}}}},
     "policies.account.label"),
    ({"policies": {"returns": {"description": "\x1b[2Jweg"}}}, "policies.returns.description"),
    ({"policies": {"returns": {"items": {"label": "Label\x7f"}}}}, "policies.returns.items.label"),
    ({"policies": {"returns": {"icon": "material/x\x00"}}}, "policies.returns.icon"),
])
def test_control_characters_in_taxonomy_texts_are_an_error(spec, field):
    problems = merge(default_taxonomy(), spec, "mkdocs.yml")
    assert [p.field for p in problems] == [f"plugins.kb.taxonomy.{field}"]
    if not field.endswith("icon"):
        assert "expected a text without control characters but found" in problems[0].message


def test_a_new_term_whose_only_label_has_control_characters_says_so():
    problems = merge(default_taxonomy(), {"policies": {"account": "Acc\x07"}}, "mkdocs.yml")
    assert [p.message for p in problems] == [
        "a new id needs a label: expected a text without control characters but found "
        "'Acc\\x07'"]


def test_the_widgets_own_file_name_cannot_be_a_context():
    taxonomy = default_taxonomy()
    problems = merge(taxonomy, {"contexts": {"kb-help": "Widget"}}, "mkdocs.yml")
    assert [p.field for p in problems] == ["plugins.kb.taxonomy.contexts.kb-help"]
    assert "reserved" in problems[0].message
    assert "kb-help" not in taxonomy.contexts


def test_a_context_id_longer_than_the_widget_accepts_is_an_error():
    taxonomy = default_taxonomy()
    fits, too_long = "a" * 200, "a" * 201
    problems = merge(taxonomy, {"contexts": {fits: "Fits", too_long: "Too long"}}, "mkdocs.yml")
    assert [p.message for p in problems] == [
        "expected an id of at most 200 characters but found 201"]
    assert fits in taxonomy.contexts and too_long not in taxonomy.contexts
