"""The synthetic practice the course bills for: who it is, its payers and contracts, its charge master and visits.

Everything here is made up (names, IDs, contracts, prices), except the codes: diagnosis codes are real FY2026
ICD-10-CM codes and procedure codes are HCPCS Level II codes or clearly synthetic SYN- codes (no AMA content).
"""

from __future__ import annotations

from datetime import date

# The day the A/R report is run. Every date of service falls in FY2026 (2025-10-01 to 2026-09-30), the year of
# the ICD-10-CM code set the course ships, so the codes are checked against the release in effect on the day.
AS_OF = date(2026, 9, 30)

PRACTICE = {"name": "EXAMPLE FAMILY PRACTICE", "ein": "990000001", "street": "100 EXAMPLE STREET",
            "city": "SPRINGFIELD", "state": "IL", "zip": "627010001", "phone": "5555550100"}
CLINICIANS = [("TESTWELL", "ROWAN"), ("SAMPLEFORD", "KAI")]
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Riley", "Casey", "Morgan", "Avery", "Quinn", "Jamie", "Taylor",
               "Drew", "Robin", "Emery", "Harper", "Skyler", "Rowan", "Parker", "Reese", "Sawyer", "Blake"]
LAST_NAMES = ["Sample", "Example", "Demo", "Specimen", "Mockridge", "Testwood", "Dummyfield", "Fakename",
              "Mockwell", "Synthia"]

# Payers and their (synthetic) contract terms: allowed = share of the practice's charge; filing and appeal limits.
PAYERS = [
    {"payer_id": "HHP01", "name": "Harbor Health Plan", "kind": "commercial", "allowed_share": "0.62",
     "timely_filing_days": "90", "appeal_days": "180"},
    {"payer_id": "SMM02", "name": "Summit Mutual", "kind": "commercial", "allowed_share": "0.70",
     "timely_filing_days": "180", "appeal_days": "180"},
    {"payer_id": "LCP03", "name": "Lakeside Community Plan", "kind": "managed Medicaid", "allowed_share": "0.55",
     "timely_filing_days": "365", "appeal_days": "60"},
]

# The practice's charge master: code, kind, our own short description, charge, and how cost sharing applies.
SERVICES = [
    ("SYN-NP3", "synthetic", "New patient office visit, moderate (stands in for a CPT E/M code)", 210.00, "visit"),
    ("SYN-OV2", "synthetic", "Established patient office visit, low (stands in for a CPT E/M code)", 95.00, "visit"),
    ("SYN-OV3", "synthetic", "Established patient office visit, moderate (stands in for a CPT E/M code)", 140.00, "visit"),
    ("SYN-PV1", "synthetic", "Preventive visit, adult (stands in for a CPT preventive code)", 240.00, "preventive"),
    ("SYN-LAB1", "synthetic", "Blood chemistry panel (stands in for a CPT lab code)", 60.00, "other"),
    ("SYN-LAB2", "synthetic", "Urinalysis (stands in for a CPT lab code)", 25.00, "other"),
    ("SYN-LAB3", "synthetic", "Rapid strep test (stands in for a CPT lab code)", 30.00, "other"),
    ("SYN-XR1", "synthetic", "X-ray of the ankle, three views (stands in for a CPT radiology code)", 120.00, "other"),
    ("SYN-INJ", "synthetic", "Injection, giving the drug (stands in for a CPT administration code)", 35.00, "other"),
    ("G0008", "HCPCS", "Giving an influenza vaccine", 30.00, "preventive"),
    ("J1100", "HCPCS", "Dexamethasone sodium phosphate injection, per 1 mg", 8.00, "other"),
    ("J3420", "HCPCS", "Vitamin B-12 (cyanocobalamin) injection, up to 1,000 mcg", 20.00, "other"),
    ("E0114", "HCPCS", "Underarm crutches, adjustable, a pair with pads, tips and handgrips", 75.00, "other"),
]

# Visit types: diagnoses (box 21, in order) and services with their box 24E pointers.
VISITS = [
    (["E11.9", "E78.5"], [("SYN-OV3", "AB"), ("SYN-LAB1", "AB")]),
    (["I10"], [("SYN-OV2", "A")]),
    (["J06.9"], [("SYN-OV2", "A")]),
    (["J02.9"], [("SYN-OV3", "A"), ("SYN-LAB3", "A")]),
    (["S93.401A", "W19.XXXA"], [("SYN-NP3", "AB"), ("SYN-XR1", "A"), ("E0114", "A")]),
    (["Z00.00", "Z23"], [("SYN-PV1", "A"), ("G0008", "B")]),
    (["M54.50"], [("SYN-OV3", "A"), ("SYN-INJ", "A"), ("J1100", "A")]),
    (["E53.8", "I10"], [("SYN-OV2", "AB"), ("SYN-INJ", "A"), ("J3420", "A"), ("SYN-LAB1", "B")]),
    (["N39.0"], [("SYN-OV2", "A"), ("SYN-LAB2", "A")]),
    (["J45.909"], [("SYN-OV3", "A")]),
    (["F41.1"], [("SYN-OV3", "A")]),
    (["K21.9", "E66.9"], [("SYN-OV2", "AB")]),
]
# Signs and symptoms routinely part of a diagnosis, which the coder does not code beside it (ICD-10-CM Official
# Guidelines FY2026, Section I.B.5): sign code -> the categories it goes with. A short table of our own choosing for
# the scrubber; real scrubbers use larger edit tables, and the coder decides from the record.
SIGNS_WITH = {
    "R05.1": ("J06", "J20"),  # acute cough, with an acute upper respiratory infection or acute bronchitis
    "R05.9": ("J06", "J20"),  # cough, unspecified, likewise
    "R07.0": ("J02",),  # pain in throat, with acute pharyngitis
}

# Codes a claim must not carry, each for a reason the notebook teaches (tests check the reasons still hold).
NOT_BILLABLE = ["E11", "M54.5", "R05", "J45.90", "S93.401", "E11.99", "I10.0"]


def money(value: float) -> str:
    """An amount as the data files write it: two decimals, no thousands separator."""
    return f"{value:.2f}"
