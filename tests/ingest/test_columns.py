"""Header matching: canonical English names and Indonesian aliases, case-insensitively."""

from __future__ import annotations

import pytest

from data_access.ingest.columns import match_columns
from data_access.ingest.errors import IngestError
from data_access.ingest.voter_recap import FIELDS as RECAP
from data_access.ingest.voter_records import FIELDS as RECORDS

# The aliases the issue requires for voter-recap, column by column.
RECAP_ALIASES = {
    "region_code": ["kode wilayah", "kode"], "region_name": ["nama wilayah", "wilayah"],
    "stage": ["tahapan"], "voters_male": ["pemilih laki-laki", "laki-laki", "l"],
    "voters_female": ["pemilih perempuan", "perempuan", "p"],
    "voters_total": ["jumlah pemilih", "total"],
}
RECORD_ALIASES = {
    "name": ["nama"], "birth_date": ["tanggal lahir", "tgl lahir"], "sex": ["jenis kelamin"],
    "marital_status": ["status perkawinan", "kawin"], "address": ["alamat"],
    "family_card": ["no kk", "nkk"], "village_code": ["kode desa", "kode wilayah"], "tps": ["no tps"],
}


@pytest.mark.parametrize("column,alias", [(c, a) for c, aliases in RECAP_ALIASES.items()
                                          for a in [c, *aliases]])
def test_every_required_voter_recap_alias_matches_in_any_case(column, alias):
    required = {"region_code": "Kode Wilayah", "stage": "Tahapan", "voters_total": "Jumlah Pemilih"}
    headers = [header for name, header in required.items() if name != column]
    for variant in (alias, alias.upper(), alias.title(), alias.replace(" ", "_")):
        match = match_columns("f.csv", [*headers, variant], RECAP)
        assert match.positions[column] == len(headers), variant


@pytest.mark.parametrize("column,alias", [(c, a) for c, aliases in RECORD_ALIASES.items()
                                          for a in aliases])
def test_every_required_voter_records_alias_matches(column, alias):
    headers = ["record_id", "nik", "name", "birth_date", "sex", "marital_status", "village_code",
               "tps"]
    headers = [h for h in headers if h != column] + [alias.upper()]
    assert match_columns("f.csv", headers, RECORDS).positions[column] == len(headers) - 1


def test_bracketed_notes_and_unknown_headers():
    match = match_columns("f.csv", ["No", "Kode", "Tahapan", "Laki-laki (L)", "Jumlah Pemilih",
                                    "Keterangan"], RECAP)
    assert match.positions["voters_male"] == 3
    assert match.ignored == ["No", "Keterangan"]
    assert match.headers["voters_male"] == "Laki-laki (L)"


def test_two_headers_for_one_column_is_an_error():
    with pytest.raises(IngestError, match="columns 'Kode' and 'Kode Wilayah' both mean region_code"):
        match_columns("f.csv", ["Kode", "Kode Wilayah", "Tahapan", "Total"], RECAP)


def test_missing_required_columns_name_their_aliases():
    with pytest.raises(IngestError) as error:
        match_columns("f.csv", ["kode", "nama"], RECAP)
    message = str(error.value)
    assert "stage (or: tahapan)" in message and "voters_total (or: jumlah pemilih, total" in message
    assert "Headers found: 'kode', 'nama'" in message


def test_a_command_line_default_stands_in_for_a_missing_column():
    match = match_columns("f.csv", ["kode", "total"], RECAP, defaults=("stage",))
    assert "stage" not in match.positions
