"""How the synthetic payers decide claims (for the generator): allowed amounts, cost sharing, denials, A/R.

The rules are the course's synthetic contracts, with the plan design the notebook states: allowed = the payer's
share of the charge; an office visit costs the patient the plan's visit copay when the plan has one, and nothing else;
every other service (and a visit under a plan without a visit copay) goes to the deductible, then coinsurance on what
is left (split_charge); preventive services cost the patient nothing. Denials follow four payer rules (timely filing, prior authorisation,
medical necessity, duplicates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from billcode.billing.practice import AS_OF, PAYERS, SERVICES, money
from billcode.billing.responsibility import split_charge

# The remark code (RARC) the payers send with a denial, in the 835's LQ segment: M62 "Missing/incomplete/invalid
# treatment authorization code."; N130 "Consult plan benefit documents/guidelines for information about restrictions
# for this service." (X12 Remittance Advice Remark Codes, x12.org/codes, as listed in 2026).
REMARKS = {"197": "M62", "50": "N130"}
PRIOR_AUTH = {"SMM02": {"SYN-XR1"}}  # imaging needs prior authorisation (CO-197 without it)
NECESSITY = {"HHP01": {"SYN-LAB1": ("E08", "E09", "E10", "E11", "E13", "E78")}}  # covered only for these (CO-50)
DAYS_TO_PAY = 18  # the synthetic payers answer 18 days after receiving a claim
PATIENT_PAYS_AFTER = 25  # three patients in four pay their statement 25 days after the remittance


@dataclass
class Adjustment:
    """One CAS adjustment: group code, CARC, amount."""

    group: str
    carc: str
    amount: float


@dataclass
class LineResult:
    """A service line as the payer decided it."""

    line: str
    code: str
    charge: float
    paid: float
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def remarks(self) -> list[str]:
        """The remark codes (RARCs) that go with this line's adjustments, in order."""
        return [REMARKS[a.carc] for a in self.adjustments if a.carc in REMARKS]


@dataclass
class Remit:
    """One claim in the 835: status (1 = processed as primary, 4 = denied), lines and payment date."""

    claim_id: str
    payer_id: str
    status: str
    paid_on: date
    lines: list[LineResult]

    @property
    def charge(self) -> float:
        """The claim's total charge."""
        return round(sum(line.charge for line in self.lines), 2)

    @property
    def paid(self) -> float:
        """What the payer paid on the claim."""
        return round(sum(line.paid for line in self.lines), 2)

    @property
    def patient(self) -> float:
        """The patient's responsibility (all PR adjustments)."""
        return round(sum(a.amount for line in self.lines for a in line.adjustments if a.group == "PR"), 2)


def _line(payer: dict, patient: dict, claim: dict, line: dict, codes: list[str], kinds: dict[str, str],
          deductible: list[float]) -> LineResult:
    charge = float(line["charge"])
    code = line["code"]
    result = LineResult(line["line"], code, charge, 0.0)
    if code in PRIOR_AUTH.get(payer["payer_id"], set()):
        result.adjustments.append(Adjustment("CO", "197", charge))
        return result
    needed = NECESSITY.get(payer["payer_id"], {}).get(code)
    if needed and not any(codes[ord(p) - 65].startswith(needed) for p in line["pointers"] if ord(p) - 65 < len(codes)):
        result.adjustments.append(Adjustment("CO", "50", charge))
        return result
    allowed = round(charge * float(payer["allowed_share"]), 2)
    kind = kinds[code]
    shared = kind != "preventive"  # preventive care costs the patient nothing
    split = split_charge(
        charge, allowed,
        deductible_left=deductible[0] if shared else 0.0,
        coinsurance_pct=float(patient["coinsurance_pct"]) if shared else 0.0,
        copay=float(patient["visit_copay"]) if kind == "visit" else 0.0,
    )
    deductible[0] = round(deductible[0] - split["deductible"], 2)
    if split["write_off"]:
        result.adjustments.append(Adjustment("CO", "45", split["write_off"]))
    for carc, part in (("1", "deductible"), ("2", "coinsurance"), ("3", "copay")):
        if split[part]:
            result.adjustments.append(Adjustment("PR", carc, split[part]))
    result.paid = split["payer"]
    return result


def adjudicate_batch(patients: list[dict], batch, as_of: date | None = None) -> list[Remit]:
    """Decide every claim without planted problems that the payer has answered by as_of (in submission order)."""
    as_of = as_of or AS_OF
    people = {p["patient_id"]: p for p in patients}
    payers = {p["payer_id"]: p for p in PAYERS}
    kinds = {s[0]: s[4] for s in SERVICES}
    left = {p["patient_id"]: [float(p["deductible_left"])] for p in patients}
    seen: set[tuple] = set()
    remits = []
    for claim in sorted(batch.claims, key=lambda c: (c["submitted"], c["claim_id"])):
        paid_on = date.fromisoformat(claim["submitted"]) + timedelta(days=DAYS_TO_PAY)
        if claim["claim_id"] in batch.planted or paid_on > as_of:
            continue
        payer, patient = payers[claim["payer_id"]], people[claim["patient_id"]]
        lines = [line for line in batch.lines if line["claim_id"] == claim["claim_id"]]
        codes = [d["code"] for d in batch.diagnoses if d["claim_id"] == claim["claim_id"]]
        same = (claim["patient_id"], claim["dos"], tuple(line["code"] for line in lines))
        late = (date.fromisoformat(claim["submitted"]) - date.fromisoformat(claim["dos"])).days > int(payer["timely_filing_days"])
        if same in seen or late:
            group, carc = ("OA", "18") if same in seen else ("CO", "29")
            results = [LineResult(line["line"], line["code"], float(line["charge"]), 0.0,
                                  [Adjustment(group, carc, float(line["charge"]))]) for line in lines]
            remits.append(Remit(claim["claim_id"], payer["payer_id"], "4", paid_on, results))
            continue
        seen.add(same)
        results = [_line(payer, patient, claim, line, codes, kinds, left[claim["patient_id"]]) for line in lines]
        remits.append(Remit(claim["claim_id"], payer["payer_id"], "1", paid_on, results))
    return remits


def ar_rows(batch, remits: list[Remit], as_of: date) -> list[dict]:
    """Open A/R on as_of: claims the payer has not answered, denied lines still being worked, unpaid patient shares."""
    answered = {r.claim_id: r for r in remits}
    rows = []
    for claim in batch.claims:
        if claim["claim_id"] in batch.planted:
            continue  # held by the scrubber: not billed yet, so not in A/R (it is "unbilled")
        remit = answered.get(claim["claim_id"])
        base = {"claim_id": claim["claim_id"], "dos": claim["dos"], "billed": claim["submitted"]}
        if remit is None:
            rows.append({**base, "owed_by": claim["payer_id"], "balance": claim["total_charge"]})
            continue
        denied = round(sum(a.amount for line in remit.lines for a in line.adjustments
                           if a.carc in ("50", "197")), 2)  # being appealed or corrected; 29 and 18 are closed
        if denied:
            rows.append({**base, "owed_by": claim["payer_id"], "balance": money(denied)})
        patient_paid = int(claim["claim_id"][1:]) % 4 != 0 and remit.paid_on + timedelta(days=PATIENT_PAYS_AFTER) <= as_of
        if remit.patient and not patient_paid:
            rows.append({**base, "owed_by": "patient", "balance": money(remit.patient)})
    for number, row in enumerate(rows, start=1):
        row["item_id"] = f"AR{number:03d}"
    return rows
