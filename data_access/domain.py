"""Domain vocabulary shared by the store, the generator and the pages.

Identifiers are English; the Indonesian term users say is in the comment. Dates are the legal
schedule of Pemilu 2024 (PKPU 3/2022) and Pilkada serentak 2024 (PKPU 2/2024); the dashboard marks
them on time series and the obligation schedule derives due dates from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ELECTIONS: tuple[str, ...] = ("pemilu2024", "pilkada2024")
PREVIOUS_ELECTION = "pemilu2019"

VOTER_LIST_STAGES: tuple[str, ...] = ("DP4", "DPS", "DPSHP", "DPT")


@dataclass(frozen=True)
class Stage:
    """A supervised stage (*tahapan*) of one election."""

    key: str
    start: date
    end: date


# voter_update = pemutakhiran data pemilih, candidacy = pencalonan, campaign = kampanye,
# quiet_period = masa tenang, voting = pemungutan suara, counting = penghitungan suara,
# recapitulation = rekapitulasi. Voting and counting are separate LHP forms on voting day.
STAGES: dict[str, tuple[Stage, ...]] = {
    "pemilu2024": (
        Stage("voter_update", date(2022, 10, 14), date(2023, 6, 21)),
        Stage("candidacy", date(2023, 4, 24), date(2023, 11, 25)),
        Stage("campaign", date(2023, 11, 28), date(2024, 2, 10)),
        Stage("quiet_period", date(2024, 2, 11), date(2024, 2, 13)),
        Stage("voting", date(2024, 2, 14), date(2024, 2, 14)),
        Stage("counting", date(2024, 2, 14), date(2024, 2, 15)),
        Stage("recapitulation", date(2024, 2, 15), date(2024, 3, 20)),
    ),
    "pilkada2024": (
        Stage("voter_update", date(2024, 2, 27), date(2024, 9, 20)),
        Stage("candidacy", date(2024, 8, 27), date(2024, 9, 22)),
        Stage("campaign", date(2024, 9, 25), date(2024, 11, 23)),
        Stage("quiet_period", date(2024, 11, 24), date(2024, 11, 26)),
        Stage("voting", date(2024, 11, 27), date(2024, 11, 27)),
        Stage("counting", date(2024, 11, 27), date(2024, 11, 28)),
        Stage("recapitulation", date(2024, 11, 28), date(2024, 12, 16)),
    ),
}

STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES["pemilu2024"])

VOTING_DAY: dict[str, date] = {"pemilu2024": date(2024, 2, 14), "pilkada2024": date(2024, 11, 27)}

# Milestones marked on time series (campaign start, quiet period, voting day, recapitulation).
MILESTONES: dict[str, tuple[tuple[str, date], ...]] = {
    election: tuple(
        (s.key, s.start) for s in stages if s.key in ("campaign", "quiet_period", "voting",
                                                      "recapitulation")
    )
    for election, stages in STAGES.items()
}

# Supervisory bodies (*pengawas*) and the region level each one sits at.
SUPERVISOR_BODIES: dict[str, str] = {
    "bawaslu_province": "province",  # Bawaslu Provinsi
    "bawaslu_regency": "regency",  # Bawaslu Kabupaten/Kota
    "panwascam": "district",  # Panwaslu Kecamatan, three members each
    "pkd": "village",  # Panwaslu Kelurahan/Desa
    "ptps": "polling_station",  # Pengawas TPS
}

# Which stages each body files an LHP for. PTPS exist only around voting day (formed 23 days
# before, dissolved 7 days after), so they report on the quiet period, voting and counting.
BODY_STAGES: dict[str, tuple[str, ...]] = {
    "bawaslu_province": STAGE_KEYS,
    "bawaslu_regency": STAGE_KEYS,
    "panwascam": STAGE_KEYS,
    "pkd": STAGE_KEYS,
    "ptps": ("quiet_period", "voting", "counting"),
}

# Violations (*pelanggaran*), Perbawaslu 7/2022.
CASE_SOURCES: tuple[str, ...] = ("laporan", "temuan")  # public report / supervisors' finding
CASE_CATEGORIES: tuple[str, ...] = ("administrative", "criminal", "ethics", "other_law", "tsm")
REGISTRATION: tuple[str, ...] = ("registered", "not_registered", "pending")
FINDINGS: tuple[str, ...] = ("violation", "not_violation", "in_process")
FORWARD_DESTINATION: dict[str, str] = {
    "administrative": "KPU",
    "criminal": "Sentra Gakkumdu",
    "ethics": "DKPP",
    "other_law": "KASN/BKN",
    "tsm": "Bawaslu",  # TSM administrative violations go to Bawaslu's own adjudication
}
REPORTED_PARTIES: tuple[str, ...] = (
    "candidate", "political_party", "election_official", "civil_servant", "village_official",
    "security_forces", "other",
)
DECISION_DAYS = 7  # a finding is due 7 days after registration
EXTENSION_DAYS = 7  # plus one extension of 7 days

MAX_VOTERS_PER_TPS = 300  # PKPU 7/2022: at most 300 voters per TPS in 2024
