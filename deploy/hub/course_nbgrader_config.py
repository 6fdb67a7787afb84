"""nbgrader settings of a course root on the hub: the course's own (course_config.py), its name, its gradebook in
PostgreSQL.

hubctl.py copies autograder/nbgrader_config.py next to this file as course_config.py, and this file as
nbgrader_config.py, so that nbgrader (formgrader, command line) and the course's grading command
(billcode.instructor.grade.autograde, which loads ROOT/nbgrader_config.py) all use the same PostgreSQL gradebook.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
here = Path(__file__).resolve().parent

load_subconfig("course_config.py", path=str(here))  # noqa: F821
# The course's own exchange folder is for one machine without a hub: here the hub's exchange (set for every user in
# STATE/jupyter/common/nbgrader_config.py, which nbgrader reads before this file) stays in force.
c.Exchange.pop("root", None)
# The course's own name (hubctl setup --course): nbgrader's course_id names its folder in the exchange, and the
# course's (course_config.py's) default would make any other course's collect fail with "Course not found".
c.CourseDirectory.course_id = (here / "course_id.txt").read_text(encoding="utf-8").strip()
# The URL holds the gradebook role's password: gradebook_url.txt is readable by the grader only.
c.CourseDirectory.db_url = os.environ.get("BILLCODE_GRADEBOOK_URL") or (here / "gradebook_url.txt").read_text().strip()
