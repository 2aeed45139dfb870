"""Pure rules for case integration: report validation, person matching keys, the
status timeline of one case, matching reports to cases, deriving a case from its
reports and the daily figures of an area. No ORM, no settings."""

from __future__ import annotations

from core.cases.rules.figures import *  # noqa: F403
from core.cases.rules.matching import *  # noqa: F403
from core.cases.rules.persons import *  # noqa: F403
from core.cases.rules.reports import *  # noqa: F403
from core.cases.rules.timeline import *  # noqa: F403
from core.cases.rules.vocabulary import *  # noqa: F403
