"""The violations page's own URL parameters (category, source, status): strict allow-lists, a
notice for anything ignored, never an exception. Pure parsing; no store needed."""

from __future__ import annotations

import pytest

from dashboard.page_params import PAGE_PARAMS, owned, parse_page_params, to_params

SPECS = PAGE_PARAMS["pelanggaran"]


def test_the_page_owns_three_parameters_with_the_domain_values():
    assert owned("pelanggaran") == ("category", "source", "status")
    assert owned("ringkasan") == ()
    allowed = {spec.name: set(spec.allowed) for spec in SPECS}
    # Perbawaslu 7/2022: two sources, five kinds of violation, five workflow states.
    assert allowed == {
        "category": {"administrative", "criminal", "ethics", "other_law", "tsm"},
        "source": {"laporan", "temuan"},
        "status": {"pending", "not_registered", "in_process", "not_violation", "violation"},
    }


def test_valid_values_are_kept_and_absent_means_all():
    values, notices = parse_page_params({"category": "ethics", "status": ["violation"]}, SPECS)
    assert values == {"category": "ethics", "source": None, "status": "violation"}
    assert notices == []
    assert to_params(values) == {"category": "ethics", "status": "violation"}


def test_all_is_the_default_without_a_notice():
    values, notices = parse_page_params({"source": "all"}, SPECS)
    assert values["source"] is None and notices == []


@pytest.mark.parametrize("raw", ["Ethics", "ethics ", "<script>", "'; DROP TABLE x; --", "",
                                 "violation"])
def test_unknown_values_fall_back_with_a_notice(raw):
    values, notices = parse_page_params({"category": raw}, SPECS)
    assert values["category"] is None
    assert [n.param for n in notices] == ["category"]


def test_overlong_values_are_ignored_with_their_own_notice():
    values, notices = parse_page_params({"status": "v" * 10_000}, SPECS)
    assert values["status"] is None
    assert notices[0].message.startswith("The parameter '{param}' is too long")


def test_repeated_parameter_takes_the_last_value():
    values, _ = parse_page_params({"source": ["laporan", "temuan"]}, SPECS)
    assert values["source"] == "temuan"


def test_other_parameters_are_not_read():
    values, notices = parse_page_params({"scope": "64", "metric": "cases"}, SPECS)
    assert set(values) == {"category", "source", "status"} and notices == []
