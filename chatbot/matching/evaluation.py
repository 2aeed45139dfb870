"""Quality figures of the matcher on the held-out evaluation set (pure, no Django).

Used by bench/chatbot_quality.py and by the quality tests; the evaluation texts are
never indexed.

Re-exported here from its parts: the material (`evaluation_sets`), the dev-set figures
and calibration (`evaluation_dev`), the held-out split (`evaluation_held_out`) and the
curator simulation (`evaluation_curator`).
"""

from __future__ import annotations

from .evaluation_curator import (
    CuratorStep,
    curator_loop,
    paraphrase_halves,
)
from .evaluation_dev import (
    Report,
    calibrate,
    evaluate,
)
from .evaluation_held_out import (
    SplitReport,
    evaluate_faq_split,
    evaluate_hoax_split,
)
from .evaluation_sets import (
    DEV_OFFICIAL,
    DEV_OFFTOPIC,
    DEV_QA_SETS,
    DEV_RESIDENT,
    EVAL_SET,
    FAQ_STARTER,
    HOAX_STARTER,
    ROOT,
    TEST_FAQ_FILES,
    TEST_HOAX_FILE,
    TEST_SPLIT,
    chat_spelling,
    held_out_questions,
    load_json,
    split,
    starter_engine,
)

__all__ = [
    "CuratorStep",
    "DEV_OFFICIAL",
    "DEV_OFFTOPIC",
    "DEV_QA_SETS",
    "DEV_RESIDENT",
    "EVAL_SET",
    "FAQ_STARTER",
    "HOAX_STARTER",
    "ROOT",
    "Report",
    "SplitReport",
    "TEST_FAQ_FILES",
    "TEST_HOAX_FILE",
    "TEST_SPLIT",
    "calibrate",
    "chat_spelling",
    "curator_loop",
    "evaluate",
    "evaluate_faq_split",
    "evaluate_hoax_split",
    "held_out_questions",
    "load_json",
    "paraphrase_halves",
    "split",
    "starter_engine",
]
