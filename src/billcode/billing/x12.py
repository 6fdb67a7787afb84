"""Real X12 5010 files for synthetic claims: build an 837P, build and read an 835, check structure with pyx12.

pyx12 (BSD licence, offline, ships the 5010 maps) checks structure: loops, segments, element formats and code
lists. It does not check that an ICD-10-CM code exists, that an NPI's check digit is right or that the lines add up
to the claim total: the notebook's scrubber does that.
"""

from __future__ import annotations

import html
import io
import logging
from datetime import date

import pandas as pd
from IPython.display import HTML

from billcode.billing.practice import PAYERS, PRACTICE
from billcode.billing.x12_maps import stored_map
from billcode.tables import table_html

SEGMENT_GUIDE = {  # each at most 50 characters, so pandas shows it whole
    "ISA": "Envelope: sender (06), receiver (08), date",
    "IEA": "End of the envelope",
    "GS": "Group: HC claims, HP payments; sender, receiver",
    "GE": "End of the group",
    "ST": "Start of a transaction (837 claim, 835 payment)",
    "SE": "End of the transaction, with its segment count",
    "BHT": "Start of the claim batch: purpose, reference",
    "BPR": "Payment: total paid, how and when",
    "TRN": "Trace number of the payment (check number)",
    "DTM": "A date (405 production, 472 date of service)",
    "DTP": "A date (472 = date of service, box 24A)",
    "NM1": "A name (41, 40, 85 billing, IL, PR, 82 clinician)",
    "N1": "A party: payer (PR) or payee (PE)",
    "N3": "Street address",
    "N4": "City, state, ZIP code",
    "PER": "Contact person and phone",
    "REF": "A reference number (EI = tax ID, box 25)",
    "HL": "Level: billing provider (20), subscriber (22)",
    "SBR": "Subscriber: primary payer (P), self (18), type",
    "DMG": "Date of birth and sex (box 3)",
    "CLM": "Claim: number, total (box 28), place of service",
    "HI": "Diagnoses (box 21): ABK principal, ABF others",
    "LX": "Service line number (835: a header)",
    "SV1": "Service line: code, charge, units, pointers",
    "CLP": "Claim as paid: status, charge, paid, patient",
    "SVC": "Line as paid: code, charge, paid, units",
    "CAS": "Adjustments: group code, reason (CARC), amount",
    "AMT": "An amount (B6 = allowed amount)",
    "LQ": "Remark code (HE = RARC) on a paid line",
}


class X12Error(ValueError):
    """An X12 file the course cannot read; the message names the segment and what is wrong."""


def _envelope(kind: str, version: str, body: list[str], when: date, control: int, sender: str = "EXAMPLEPRAC",
              receiver: str = "EXAMPLECH") -> str:
    """Wrap a transaction in its ISA/GS envelope: ISA06 and GS02 name who sends it, ISA08 and GS03 who receives it."""
    yymmdd, ccyymmdd = when.strftime("%y%m%d"), when.strftime("%Y%m%d")
    st = [f"ST*{kind}*0001" + (f"*{version}" if kind == "837" else ""), *body]
    segments = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{yymmdd}*1200*^*00501*{control:09d}*0*T*:",
        f"GS*{'HC' if kind == '837' else 'HP'}*{sender}*{receiver}*{ccyymmdd}*1200*{control}*X*{version}",
        *st, f"SE*{len(st) + 1}*0001", f"GE*1*{control}", f"IEA*1*{control:09d}",
    ]
    return "~\n".join(segments) + "~\n"


def _compact(d: str) -> str:
    return d.replace("-", "")


def build_837p(claim_id: str, batch, patients: list[dict]) -> str:
    """The X12 837P (005010X222A1) for one synthetic claim of a batch."""

    claim = next(c for c in batch.claims if c["claim_id"] == claim_id)
    patient = next(p for p in patients if p["patient_id"] == claim["patient_id"])
    payer = next(p for p in PAYERS if p["payer_id"] == claim["payer_id"])
    codes = [d["code"].replace(".", "") for d in batch.diagnoses if d["claim_id"] == claim_id]
    lines = [line for line in batch.lines if line["claim_id"] == claim_id]
    hi = "*".join([f"ABK:{codes[0]}", *(f"ABF:{c}" for c in codes[1:])])
    body = [
        f"BHT*0019*00*{claim_id}*{_compact(claim['submitted'])}*1200*CH",
        f"NM1*41*2*{PRACTICE['name']}*****46*EXAMPLEPRAC",
        f"PER*IC*BILLING OFFICE*TE*{PRACTICE['phone']}",
        "NM1*40*2*EXAMPLE CLEARINGHOUSE*****46*EXAMPLECH",
        "HL*1**20*1",
        f"NM1*85*2*{PRACTICE['name']}*****XX*{claim['billing_npi']}",
        f"N3*{PRACTICE['street']}",
        f"N4*{PRACTICE['city']}*{PRACTICE['state']}*{PRACTICE['zip']}",
        f"REF*EI*{PRACTICE['ein']}",
        "HL*2*1*22*0",
        f"SBR*P*18*******{'MC' if payer['kind'] == 'managed Medicaid' else 'CI'}",
        f"NM1*IL*1*{patient['last_name'].upper()}*{patient['first_name'].upper()}****MI*{claim['member_id']}",
        "N3*1 SAMPLE AVENUE",
        f"N4*{PRACTICE['city']}*{PRACTICE['state']}*62702",
        f"DMG*D8*{_compact(patient['birth_date'])}*{patient['sex']}",
        f"NM1*PR*2*{payer['name'].upper()}*****PI*{payer['payer_id']}",
        f"CLM*{claim_id}*{claim['total_charge']}***{claim['pos']}:B:1*Y*A*Y*Y",
        f"HI*{hi}",
    ]
    if claim["rendering_npi"] in batch.clinicians:  # loop 2310B: the clinician, when not the billing provider
        last, first = batch.clinicians[claim["rendering_npi"]]
        body.append(f"NM1*82*1*{last}*{first}****XX*{claim['rendering_npi']}")
    for line in lines:
        pointers = ":".join(str(ord(p) - 64) for p in line["pointers"])
        body += [f"LX*{line['line']}", f"SV1*HC:{line['code']}*{line['charge']}*UN*{line['units']}***{pointers}",
                 f"DTP*472*D8*{_compact(claim['dos'])}"]
    return _envelope("837", "005010X222A1", body, date.fromisoformat(claim["submitted"]), 1)


def build_835(remits: list, batch, patient_rows: list[dict]) -> str:
    """One X12 835 (005010X221A1) file: one payment per payer, each claim with its lines and adjustments."""

    claims = {c["claim_id"]: c for c in batch.claims}
    patients = {p["patient_id"]: p for p in patient_rows}
    text, control = [], 1
    for payer in PAYERS:
        mine = [r for r in remits if r.payer_id == payer["payer_id"]]
        if not mine:
            continue
        when = max(r.paid_on for r in mine)
        total = round(sum(r.paid for r in mine), 2)
        body = [
            f"BPR*I*{total:.2f}*C*CHK************{when:%Y%m%d}",
            f"TRN*1*CHK{control:06d}*1{payer['payer_id'][-2:]}0000000",
            f"DTM*405*{when:%Y%m%d}",
            f"N1*PR*{payer['name'].upper()}",
            "N3*1 PAYER PLAZA",
            "N4*SPRINGFIELD*IL*62703",
            "PER*BL*EDI SUPPORT*TE*5555550199",
            f"N1*PE*{PRACTICE['name']}*XX*{claims[mine[0].claim_id]['billing_npi']}",
            "LX*1",
        ]
        for remit in mine:
            claim = claims[remit.claim_id]
            kind = "MC" if payer["kind"] == "managed Medicaid" else "12"  # CLP06: Medicaid, or a PPO
            body += [f"CLP*{remit.claim_id}*{remit.status}*{remit.charge:.2f}*{remit.paid:.2f}*{remit.patient:.2f}*{kind}*"
                     f"{payer['payer_id']}{remit.claim_id[1:]}",
                     f"NM1*QC*1*{patients[claim['patient_id']]['last_name'].upper()}*"
                     f"{patients[claim['patient_id']]['first_name'].upper()}****MI*{claim['member_id']}"]
            for line in remit.lines:
                body += [f"SVC*HC:{line.code}*{line.charge:.2f}*{line.paid:.2f}**1", f"DTM*472*{_compact(claim['dos'])}"]
                for group in ("CO", "OA", "PI", "PR"):
                    # Triplets: reason code, amount, quantity (left empty); CAS*PR*1*50.00**2*14.00
                    triplets = [[a.carc, f"{a.amount:.2f}", ""] for a in line.adjustments if a.group == group]
                    if triplets:
                        body.append("*".join(["CAS", group, *sum(triplets, [])]).rstrip("*"))
                body += [f"LQ*HE*{remark}" for remark in line.remarks]
        # The payer (here directly; often its clearinghouse) sends the 835 to the practice's clearinghouse.
        text.append(_envelope("835", "005010X221A1", body, when, control, sender=payer["payer_id"],
                              receiver="EXAMPLECH"))
        control += 1
    return "".join(text)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())


_MAPS: dict[tuple[str, str | None], object] = {}  # pyx12 maps parsed in this process, by file and folder


def _load_once(load_map_file):
    """pyx12's map loader, remembering each map: parsing a map's XML is most of a validation (about 0.4 s a map).

    A map comes ready-parsed from the course data when it is there for the installed pyx12 (x12_maps: parsed by
    pyx12 at `make data`), else pyx12 parses it. pyx12 keeps a document's counts in its walker, not in the map, so
    one map serves every document.
    """
    def load(map_file: str, param: object, map_path: str | None = None) -> object:
        if (map_file, map_path) not in _MAPS:
            ready = stored_map(map_file, map_path)
            if ready is not None:
                ready.param = param  # as pyx12 would have set it (the stored map was built with the defaults)
            _MAPS[(map_file, map_path)] = ready if ready is not None else load_map_file(map_file, param, map_path)
        return _MAPS[(map_file, map_path)]

    return load


def validate_x12(text: str) -> list[str]:
    """Check an X12 file's structure against pyx12's 5010 maps; return the problems found (empty = valid)."""
    import pyx12.error_handler
    import pyx12.map_if
    import pyx12.params
    import pyx12.x12n_document

    if not isinstance(text, str) or not text.lstrip().startswith("ISA"):
        return ["The file does not start with an ISA segment, so it is not an X12 interchange."]
    logger, handler = logging.getLogger("pyx12"), _Collect()
    old = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    parse_map = pyx12.map_if.load_map_file
    pyx12.map_if.load_map_file = _load_once(parse_map)
    try:
        for one in _interchanges(text):
            ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=io.StringIO(one),
                                                   fd_997=None, fd_html=None, fd_json=io.StringIO())
            if not ok and not handler.messages:
                handler.messages.append("pyx12 rejected the file without saying why.")
    except Exception as err:  # pyx12 raises on files too broken to walk
        handler.messages.append(f"{type(err).__name__}: {err}")
    finally:
        pyx12.map_if.load_map_file = parse_map
        logger.removeHandler(handler)
        logger.propagate = old
    return handler.messages


def _interchanges(text: str) -> list[str]:
    """Split a file holding several ISA...IEA interchanges (pyx12 reads one at a time)."""
    parts, current = [], []
    for segment in text.replace("\n", "").split("~"):
        if not segment.strip():
            continue
        current.append(segment.strip())
        if segment.strip().startswith("IEA"):
            parts.append("~\n".join(current) + "~\n")
            current = []
    if current:
        parts.append("~\n".join(current) + "~\n")
    return parts


def split_segments(text: str) -> list[list[str]]:
    """An X12 file as segments, each a list of elements (separators read from the ISA)."""
    if not isinstance(text, str) or len(text.lstrip()) < 106 or not text.lstrip().startswith("ISA"):
        raise X12Error("This is not an X12 file: it must start with a complete ISA segment (106 characters).")
    text = text.lstrip()
    element, terminator = text[3], text[105]
    return [s.strip().split(element) for s in text.replace("\n", "").split(terminator) if s.strip()]


def segment_table(text: str) -> pd.DataFrame:
    """One row per segment: its ID, the segment as written, and what it carries."""
    rows = [{"segment": s[0], "as_written": "*".join(s), "carries": SEGMENT_GUIDE.get(s[0], "")}
            for s in split_segments(text)]
    return pd.DataFrame(rows)


def show_segments(text: str) -> HTML:
    """An X12 file segment by segment, each written out in full (pandas would cut long ones short)."""
    try:
        rows = segment_table(text)
    except X12Error as err:
        return HTML(f"<p role='status'>{html.escape(str(err))}</p>")
    return HTML(table_html(rows, "The file segment by segment: its ID, the segment as written, and what it carries",
                           "A synthetic claim of the course, built to the X12 5010 837P (005010X222A1) and 835 "
                           "(005010X221A1) guides; what each segment carries: the course's summary of those guides."))


ERA_COLUMNS = ["claim_id", "line", "code", "charge", "paid", "group", "carc", "amount", "remark"]


def _amount(value: str, segment: list[str]) -> float:
    try:
        return float(value)
    except ValueError:
        raise X12Error(f"Segment {'*'.join(segment)}: {value!r} is not an amount.") from None


def read_835(text: str) -> pd.DataFrame:
    """An 835 as a table: one row per line adjustment (a line without adjustments gets one row with amount 0).

    remark holds the line's remark codes (RARCs, from its LQ segments), separated by spaces, on each of its rows.
    """
    rows: list[dict] = []
    claim, line, number = None, None, 0
    seen_835 = False
    for seg in split_segments(text):
        tag = seg[0]
        if tag == "ST":
            seen_835 = len(seg) > 1 and seg[1] == "835"
        elif tag == "CLP":
            if len(seg) < 5:
                raise X12Error(f"Segment {'*'.join(seg)}: a CLP needs a claim ID, status, charge and payment.")
            claim, line, number = seg[1], None, 0
        elif tag == "SVC":
            if claim is None:
                raise X12Error(f"Segment {'*'.join(seg)}: a service line (SVC) comes before any claim (CLP).")
            if len(seg) < 4:
                raise X12Error(f"Segment {'*'.join(seg)}: an SVC needs a code, a charge and a payment.")
            number += 1
            line = {"claim_id": claim, "line": str(number), "code": seg[1].split(":")[-1],
                    "charge": _amount(seg[2], seg), "paid": _amount(seg[3], seg)}
            rows.append({**line, "group": "", "carc": "", "amount": 0.0, "remark": ""})
        elif tag == "CAS":
            if line is None:
                raise X12Error(f"Segment {'*'.join(seg)}: an adjustment (CAS) comes before any service line (SVC).")
            if len(seg) < 4:
                raise X12Error(f"Segment {'*'.join(seg)}: a CAS needs a group code, a reason code and an amount.")
            if rows[-1]["group"] == "" and rows[-1]["line"] == line["line"] and rows[-1]["claim_id"] == claim:
                rows.pop()  # the placeholder row of a line that does have adjustments
            for i in range(2, len(seg) - 1, 3):
                if seg[i]:
                    rows.append({**line, "group": seg[1], "carc": seg[i], "amount": _amount(seg[i + 1], seg),
                                 "remark": ""})
        elif tag == "LQ":
            if line is None:
                raise X12Error(f"Segment {'*'.join(seg)}: a remark (LQ) comes before any service line (SVC).")
            for row in rows:
                if row["claim_id"] == claim and row["line"] == line["line"]:
                    row["remark"] = " ".join(filter(None, [row["remark"], seg[2] if len(seg) > 2 else ""]))
    if not seen_835:
        raise X12Error("No 835 transaction (ST*835) was found in this file.")
    return pd.DataFrame(rows, columns=ERA_COLUMNS)
