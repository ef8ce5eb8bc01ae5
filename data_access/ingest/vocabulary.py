"""The domain's fixed vocabularies as files spell them: the stored English key in any case, or
the Indonesian term Bawaslu's own forms use (DOMAIN.md). One table per vocabulary, so a form that
writes ``Masa Tenang`` or ``Tindak Pidana Pemilu`` loads without a lookup sheet."""

from __future__ import annotations

from data_access.domain import (
    CASE_CATEGORIES,
    CASE_SOURCES,
    ELECTIONS,
    FINDINGS,
    FORWARD_DESTINATION,
    PREVIOUS_ELECTION,
    REGISTRATION,
    REPORTED_PARTIES,
    STAGE_KEYS,
    SUPERVISOR_BODIES,
    VOTER_LIST_STAGES,
)
from data_access.ingest.fields import Choice, choice

ELECTION = choice(ELECTIONS, "election", {
    "pemilu 2024": "pemilu2024", "pemilihan umum 2024": "pemilu2024",
    "pilkada 2024": "pilkada2024", "pemilihan 2024": "pilkada2024",
    "pilkada serentak 2024": "pilkada2024",
})
RECAP_ELECTIONS: tuple[str, ...] = (*ELECTIONS, PREVIOUS_ELECTION)

STAGE: Choice = choice(STAGE_KEYS, "stage (tahapan)", {
    "voter update": "voter_update", "pemutakhiran data pemilih": "voter_update",
    "pemutakhiran": "voter_update", "pencalonan": "candidacy", "kampanye": "campaign",
    "quiet period": "quiet_period", "masa tenang": "quiet_period",
    "pemungutan suara": "voting", "pemungutan": "voting",
    "penghitungan suara": "counting", "penghitungan": "counting", "perhitungan suara": "counting",
    "rekapitulasi": "recapitulation", "rekapitulasi suara": "recapitulation",
    "rekapitulasi hasil penghitungan suara": "recapitulation",
})

VOTER_STAGE = choice(VOTER_LIST_STAGES, "voter-list stage")

BODY = choice(tuple(SUPERVISOR_BODIES), "supervisory body", {
    "bawaslu provinsi": "bawaslu_province",
    "bawaslu kabupaten/kota": "bawaslu_regency", "bawaslu kabupaten": "bawaslu_regency",
    "bawaslu kota": "bawaslu_regency", "bawaslu kab/kota": "bawaslu_regency",
    "panwaslu kecamatan": "panwascam", "panwascam": "panwascam",
    "panwaslu kelurahan/desa": "pkd", "panwaslu desa": "pkd", "panwaslu kelurahan": "pkd",
    "pengawas kelurahan/desa": "pkd",
    "pengawas tps": "ptps", "pengawas tempat pemungutan suara": "ptps",
})

CASE_SOURCE = choice(CASE_SOURCES, "source", {
    "report": "laporan", "public report": "laporan", "finding": "temuan",
})

REGISTRATION_STATUS = choice(REGISTRATION, "registration status", {
    "diregistrasi": "registered", "teregistrasi": "registered", "register": "registered",
    "tidak diregistrasi": "not_registered", "tidak teregistrasi": "not_registered",
    "not registered": "not_registered",
    "belum diregistrasi": "pending", "belum teregistrasi": "pending", "belum": "pending",
})

FINDING = choice(FINDINGS, "finding", {
    "pelanggaran": "violation", "bukan pelanggaran": "not_violation",
    "not a violation": "not_violation", "dalam proses": "in_process", "proses": "in_process",
    "in process": "in_process",
})

CATEGORY = choice(CASE_CATEGORIES, "violation category", {
    "administrasi": "administrative", "administratif": "administrative",
    "pelanggaran administratif": "administrative", "pelanggaran administrasi": "administrative",
    "pidana": "criminal", "tindak pidana": "criminal", "tindak pidana pemilu": "criminal",
    "tindak pidana pemilihan": "criminal",
    "kode etik": "ethics", "etik": "ethics", "pelanggaran kode etik": "ethics",
    "hukum lainnya": "other_law", "pelanggaran hukum lainnya": "other_law",
    "other law": "other_law", "administratif tsm": "tsm", "pelanggaran administratif tsm": "tsm",
})

FORWARDED_TO = choice(tuple(dict.fromkeys(FORWARD_DESTINATION.values())), "destination", {
    "gakkumdu": "Sentra Gakkumdu", "kasn": "KASN/BKN", "bkn": "KASN/BKN", "kasn / bkn": "KASN/BKN",
})

REPORTED_PARTY = choice(REPORTED_PARTIES, "reported party", {
    "calon": "candidate", "caleg": "candidate", "peserta pemilu": "candidate",
    "partai politik": "political_party", "parpol": "political_party",
    "penyelenggara pemilu": "election_official", "penyelenggara": "election_official",
    "asn": "civil_servant", "aparatur sipil negara": "civil_servant",
    "kepala desa": "village_official", "perangkat desa": "village_official",
    "aparat desa": "village_official", "tni/polri": "security_forces", "tni": "security_forces",
    "polri": "security_forces", "lainnya": "other", "lain-lain": "other",
})

SEX = choice(("L", "P"), "sex", {"laki-laki": "L", "perempuan": "P"})
MARITAL_STATUS = choice(("B", "S", "P"), "marital status", {
    "belum kawin": "B", "kawin": "S", "sudah kawin": "S", "pernah kawin": "P",
    "cerai": "P", "cerai hidup": "P", "cerai mati": "P",
})
