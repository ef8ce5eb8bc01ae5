"""The missing-report list (record level): refused outside the internal mode, and on the fixture
exactly the obligations without a report, worked out from the fixture's lists."""

from __future__ import annotations

import pytest

from data_access import compliance_detail
from data_access.access import Actor, PublicModeRefused, RoleRefused
from data_access.compliance import ComplianceFilter
from data_access.query import InvalidQuery
from data_access.security import access_log
from tests.fixture_store import OBLIGATIONS, SUPERVISORS

POST = {sid: (body, code) for sid, body, code in SUPERVISORS}
ANALYST = Actor("ana", "analyst")


@pytest.fixture
def internal(monkeypatch):
    monkeypatch.setenv("PANTAU_MODE", "internal")


def _missing(region: str, election: str = "pemilu2024", stage: str | None = None) -> list[int]:
    """Obligation ids without a report whose post lies in ``region``, earliest due first."""
    rows = [(due, oid) for oid, sid, el, st, due, sub in OBLIGATIONS
            if sub is None and el == election and (stage is None or st == stage)
            and (POST[sid][1] == region or POST[sid][1].startswith(region + "."))]
    return [oid for _, oid in sorted(rows)]


@pytest.mark.parametrize("mode", [None, "public", "Internal", "internal "])
def test_refused_unless_the_setting_says_internal(fixture_engine, monkeypatch, mode):
    if mode is None:
        monkeypatch.delenv("PANTAU_MODE", raising=False)  # the default is public
    else:
        monkeypatch.setenv("PANTAU_MODE", mode)
    with pytest.raises(PublicModeRefused):
        compliance_detail.missing_reports("91", actor=ANALYST, engine=fixture_engine)


@pytest.mark.parametrize("region", ["91", "91.01", "91.01.01", "91.01.01.2001", "92", "91.02"])
def test_lists_exactly_the_obligations_without_a_report(fixture_engine, internal, region):
    result = compliance_detail.missing_reports(region, actor=ANALYST, engine=fixture_engine)
    assert result.rows["obligation_id"].to_list() == _missing(region)
    assert result.total == len(_missing(region))


def test_rows_name_the_post_and_its_place(fixture_engine, internal):
    rows = compliance_detail.missing_reports("91", actor=ANALYST, engine=fixture_engine).rows
    # Obligation 6: the PTPS of TPS 002 in DESA SATU A1, voting, due 15 Feb; obligation 3: the
    # PKD of the same desa, campaign, due 17 Feb.
    first, second = rows.iter_rows(named=True)
    assert (first["obligation_id"], first["body"], first["post_code"], first["place_name"],
            first["stage"], str(first["due_date"])) == (
        6, "ptps", "91.01.01.2001.002", "DESA SATU A1", "voting", "2024-02-15")
    assert (second["obligation_id"], second["body"], second["post_code"], second["stage"]) == (
        3, "pkd", "91.01.01.2001", "campaign")


def test_filters_and_limit(fixture_engine, internal):
    campaign = compliance_detail.missing_reports("91", ComplianceFilter(stage="campaign"),
                                                 actor=ANALYST, engine=fixture_engine)
    assert campaign.rows["obligation_id"].to_list() == _missing("91", stage="campaign") == [3]
    pilkada = compliance_detail.missing_reports("91", ComplianceFilter(election="pilkada2024"),
                                                actor=ANALYST, engine=fixture_engine)
    assert pilkada.total == 0 and pilkada.rows.height == 0
    first = compliance_detail.missing_reports("91", limit=1, actor=ANALYST, engine=fixture_engine)
    assert first.rows.height == 1 and first.total == 2  # the count says how many more exist


def test_needs_a_valid_region(fixture_engine, internal):
    for bad in (None, "x'; DROP TABLE region; --", "91.01.01.2001.001"):
        with pytest.raises(InvalidQuery):
            compliance_detail.missing_reports(bad, actor=ANALYST, engine=fixture_engine)


def test_every_access_is_logged(fixture_engine, internal, security_store):
    compliance_detail.missing_reports("92", ComplianceFilter(stage="campaign"), actor=ANALYST,
                                      engine=fixture_engine)
    event = access_log.recent(1, by=Actor("root", "admin")).row(0, named=True)
    assert (event["username"], event["role"], event["action"], event["what"], event["scope"]) \
        == ("ana", "analyst", "view", "missing reports", "92")
    assert "stage=campaign" in event["detail"]


def test_viewers_are_refused(fixture_engine, internal):
    with pytest.raises(RoleRefused):
        compliance_detail.missing_reports("91", actor=Actor("vera", "viewer"),
                                          engine=fixture_engine)
