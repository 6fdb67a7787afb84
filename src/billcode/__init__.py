"""Billing vs Coding: the package the course notebooks use.

Notebooks import only these short names, so the package can be reorganised without touching them.
"""

from billcode.billing.claim_form import show_claim
from billcode.billing.cycle import no_step_matched
from billcode.billing.kpis import aging_chart, aging_report, kpi_table
from billcode.billing.posting import post_remittance, show_posting, show_remittance
from billcode.billing.responsibility import responsibility_explorer
from billcode.billing.scrubber import scrub_batch
from billcode.billing.x12 import read_835, segment_table, show_segments, validate_x12
from billcode.careers.choosing import self_assessment
from billcode.careers.exercises import example_paths, example_programs
from billcode.careers.explorer import cost_explorer
from billcode.careers.paths import rank_paths
from billcode.careers.plan import plan_builder
from billcode.careers.salaries import salary_chart, salary_evidence, salary_table
from billcode.careers.tuition import tuition_explorer
from billcode.coding.billable import is_billable
from billcode.coding.codes import is_code
from billcode.coding.lookup import lookup_box, lookup_explorer
from billcode.coding.reading import show_index, show_tabular
from billcode.data import load_json, load_table
from billcode.exercises import check_function, check_value
from billcode.quiz.self_check import check_my_work
from billcode.quiz.checks import check_answer, quiet
from billcode.quiz.engine import open_quiz
from billcode.tables import show_table

__all__ = ["aging_chart", "aging_report", "check_answer", "check_function", "check_value", "check_my_work", "cost_explorer",
           "example_paths", "example_programs", "is_billable", "is_code", "kpi_table", "load_json", "load_table",
           "lookup_box", "lookup_explorer", "open_quiz", "plan_builder", "post_remittance", "quiet", "rank_paths", "read_835",
           "responsibility_explorer", "salary_chart", "salary_evidence", "salary_table", "scrub_batch", "segment_table",
           "no_step_matched", "self_assessment",
           "show_claim", "show_index", "show_posting", "show_remittance", "show_segments", "show_table", "show_tabular",
           "tuition_explorer", "validate_x12"]
__version__ = "0.1.0"
