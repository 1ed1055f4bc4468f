"""Issue 22's module moves: ``git mv`` each module into its capability package and rewrite
every reference to it across the repository.

Why a script: other branches were written against the old layout while the moves happened.
After merging one of them, ``--rewrite-only`` turns its old imports into the new ones
(``from learning.points import award`` -> ``from learning.points.ledger import award``)
without moving anything. Rewriting is idempotent: a name already in the new layout is left
alone, so running it twice, or over a mix of old and new code, is safe.

Usage (from the repository root)::

    python tools/move_modules.py STEP            # git mv STEP's modules, rewrite the tree
    python tools/move_modules.py --rewrite-only  # rewrite the whole tree, move nothing
    python tools/move_modules.py --rewrite-only exams/ tests/exams/test_x.py
    python tools/move_modules.py --list          # the mapping, old -> new

What is rewritten, in ``.py``, ``.html``, ``.txt``, ``.md``, ``.po``, ``.toml`` files:
``from learning.x import ...``, ``from learning import x``, ``import learning.x``, dotted
strings (``"learning.x.func"`` in settings, ``mock.patch``, django-q task names) and paths
(``learning/x.py``). Migrations are never rewritten (their serialized operations stay as they
were; a moved module they import keeps a re-export at its old path, see ``KEEP_SHIMS``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: step -> [(old dotted module, new dotted module)], in the order they were applied.
STEPS: dict[str, list[tuple[str, str]]] = {
    "platform": [
        ("learning.raw_sql", "learning.platform.raw_sql"),
        ("learning.process_memo", "learning.platform.process_memo"),
        ("learning.page_cache", "learning.platform.page_cache"),
        ("learning.task_queue", "learning.platform.task_queue"),
        ("learning.sessions", "learning.platform.sessions"),
        ("learning.api_json", "learning.platform.ready_json"),
        ("learning.db", "learning.platform.db"),
        ("learning.resilient_cache", "learning.platform.resilient_cache"),
        ("learning.rate_limit", "learning.platform.rate_limit"),
        ("learning.input_guard", "learning.platform.input_guard"),
        ("learning.csp", "learning.platform.csp"),
        ("learning.html_safety", "learning.platform.html_safety"),
        ("learning.client_address", "learning.platform.client_address"),
        ("learning.health", "learning.platform.health"),
        ("learning.benchmark", "learning.platform.benchmark"),
        ("learning.ids", "learning.platform.ids"),
        ("learning.checks", "learning.platform.checks"),
        ("learning.api_pages", "learning.platform.pagination"),
        ("learning.admin_page_cache", "learning.platform.admin_page_cache"),
    ],
    "accounts": [
        ("learning.accounts", "learning.accounts.services"),
        ("learning.login_throttle", "learning.accounts.login_throttle"),
        ("learning.sms_codes", "learning.accounts.sms_codes"),
        ("learning.phone", "learning.accounts.phone"),
        ("learning.roles", "learning.accounts.roles"),
        ("learning.organisations", "learning.accounts.organisations"),
        ("learning.roster", "learning.accounts.roster"),
        ("learning.xlsx_rows", "learning.accounts.xlsx_rows"),
        ("learning.selectors", "learning.accounts.selectors"),
        ("learning.forms", "learning.accounts.forms"),
        ("learning.views", "learning.accounts.views"),
        ("learning.site_urls", "learning.accounts.urls"),
        ("learning.api_auth", "learning.accounts.api"),
        ("learning.admin_viewsets", "learning.accounts.admin"),
        ("learning.admin_scope", "learning.accounts.scope"),
        ("learning.admin_users", "learning.accounts.wagtail_users"),
        ("learning.demo", "learning.accounts.demo"),
    ],
    "points": [
        ("learning.points", "learning.points.ledger"),
        ("learning.point_defaults", "learning.points.default_rules"),
        ("learning.leaderboards", "learning.points.leaderboards"),
        ("learning.points_views", "learning.points.views"),
        ("learning.points_urls", "learning.points.urls"),
        ("learning.api_points", "learning.points.api"),
        ("learning.admin_points", "learning.points.admin"),
        ("learning.demo_points", "learning.points.demo"),
    ],
    "reminders": [
        ("learning.admin_reminders", "learning.reminders.admin"),
        ("learning.api_reminders", "learning.reminders.api"),
        ("learning.api_sms", "learning.sms.api"),
    ],
    "site": [
        ("learning.home_panels", "learning.site.home_panels"),
        ("learning.daily_plan", "learning.site.daily_plan"),
        ("learning.sites", "learning.site.home_page"),
        ("learning.navigation", "learning.site.navigation"),
        ("learning.web_app", "learning.site.web_app"),
        ("learning.api_me", "learning.site.api"),
    ],
    "exams": [
        # bank: the questions themselves, what they are graded by, files in and out, checks
        ("exams.questions", "exams.bank.versions"),
        ("exams.services", "exams.bank.services"),
        ("exams.grading", "exams.bank.grading"),
        ("exams.importing", "exams.bank.importing"),
        ("exams.formats", "exams.bank.formats"),
        ("exams.bank_check", "exams.bank.check"),
        ("exams.bank_data", "exams.bank.data_modules"),
        ("exams.demo_bank", "exams.bank.demo_bank"),
        ("exams.demo", "exams.bank.demo"),
        ("exams.admin_views", "exams.bank.admin"),
        ("exams.roles", "exams.bank.roles"),
        # practice: answering, sessions, the wrong-answer book, the learner's pages and API
        ("exams.practice", "exams.practice.services"),
        ("exams.practice_sessions", "exams.practice.sessions"),
        ("exams.selectors", "exams.practice.selectors"),
        ("exams.api", "exams.practice.api"),
        ("exams.views", "exams.practice.views"),
        ("exams.views_sessions", "exams.practice.session_views"),
        # papers: who may sit them, drawing, variants, statistics, the admin
        ("exams.papers", "exams.papers.services"),
        ("exams.variants", "exams.papers.variants"),
        ("exams.variant_signals", "exams.papers.variant_signals"),
        ("exams.statistics", "exams.papers.statistics"),
        ("exams.reminders", "exams.papers.reminders"),
        ("exams.admin_papers", "exams.papers.admin"),
        ("exams.baseline_mock", "exams.papers.baseline"),
        ("exams.demo_papers", "exams.papers.demo"),
        ("exams.load_data", "exams.papers.load_data"),
        # attempts: start, autosave, submit, marking, what the learner is shown, the report
        ("exams.attempts", "exams.attempts.services"),
        ("exams.start_writes", "exams.attempts.start_writes"),
        ("exams.row_updates", "exams.attempts.row_updates"),
        ("exams.review_policy", "exams.attempts.review_policy"),
        ("exams.attempt_display", "exams.attempts.display"),
        ("exams.attempt_report", "exams.attempts.report"),
        ("exams.shown_json", "exams.attempts.shown_json"),
        ("exams.api_attempts", "exams.attempts.api"),
        ("exams.views_attempts", "exams.attempts.views"),
        ("exams.urls_attempts", "exams.attempts.urls"),
        # contests (模考大赛)
        ("exams.contests", "exams.contests.services"),
        ("exams.api_contests", "exams.contests.api"),
        ("exams.demo_contests", "exams.contests.demo"),
        # readiness (备考评估): the package was there, its API and pages join it
        ("exams.api_readiness", "exams.readiness.api"),
        ("exams.views_readiness", "exams.readiness.views"),
        # the exam calendar (考试安排): its seeds and reading it
        ("exams.exam_spec.calendar", "exams.calendar.seeds"),
        ("exams.exam_calendar", "exams.calendar.exam_days"),
    ],
    "courses": [
        ("courses.services", "courses.study.services"),
        ("courses.selectors", "courses.study.selectors"),
        ("courses.activities", "courses.study.activities"),
        ("courses.checks", "courses.study.checks"),
        ("courses.drills", "courses.study.drills"),
        ("courses.views", "courses.study.views"),
        ("courses.api", "courses.study.api"),
        ("courses.admin_viewsets", "courses.study.admin"),
        ("courses.admin_views", "courses.study.admin"),
        ("courses.tracks", "courses.tracks.selectors"),
        ("courses.search", "courses.search.selectors"),
        ("courses.segmentation", "courses.search.segmentation"),
        ("courses.authoring", "courses.authoring.rights"),
        ("courses.choosers", "courses.authoring.choosers"),
        ("courses.admin_reports", "courses.reports.views"),
        ("courses.admin_reports_panel", "courses.reports.home_panel"),
        ("courses.demo_reports", "courses.reports.demo"),
        ("courses.demo", "courses.demo.catalogue"),
        ("courses.demo_content", "courses.demo.content"),
        ("courses.demo_quizzes", "courses.demo.quizzes"),
    ],
}

#: Names that left their module by hand (a module split in two): old dotted -> new dotted.
SYMBOL_MOVES: dict[str, str] = {
    "learning.views.my_learning": "learning.site.views.my_learning",
    "learning.accounts.views.my_learning": "learning.site.views.my_learning",
    **{
        f"{old}.{name}": f"courses.tracks.admin.{name}"
        for old in ("courses.admin_viewsets", "courses.study.admin")
        for name in ("TrainingTrackForm", "TrainingTrackViewSet", "training_track_viewset")
    },
}

#: Docstrings of the packages the moves create.
PACKAGES: dict[str, str] = {
    "learning.platform": (
        "Infrastructure of the whole site, no domain: hand-written SQL, caches, the task\n"
        "queue, sessions, the database backend, request guards, ids and health.\n\n"
        "Domain packages (``learning.accounts``, ``learning.points``, ``exams`` ...) may import\n"
        "from here; nothing here imports a domain package. Each module's docstring says when a\n"
        "domain module may use it. A difference between database engines lives here, behind\n"
        "one function, never as a ``connection.vendor`` branch in domain code.\n"
    ),
    "learning.accounts": (
        "People and where they belong: users, organisations (县市 > 街镇 > 社区), roster\n"
        "import (花名册导入), log-in (password, text-message codes, API tokens, throttling),\n"
        "roles and the organisers' admin scope.\n\n"
        "The models live in ``learning.models`` (users, profiles, organisations, tokens,\n"
        "sms_codes, login_failures): one models package keeps the app label and migrations.\n"
    ),
    "learning.points": (
        "Points (积分): the ledger and its per-period totals (``ledger``), the rules' starting\n"
        "values, leaderboards, the learner pages, the API, the admin screens and demo history.\n\n"
        "Every app gives points through ``learning.points.ledger.award``. The models are\n"
        "``learning.models.points``.\n"
    ),
    "learning.site": (
        "The learner's site around the apps: the home page and its panels, today's plan, the\n"
        "main navigation, 我的 (``/me/`` and ``GET /api/v1/me``) and the installable web app.\n"
    ),
    "exams.bank": (
        "The question bank (题库): questions and their versions (``versions``: what every answer\n"
        "is graded against), writing them (``services``), the real exam's grading rules\n"
        "(``grading``, used by practice, lessons and mock exams alike), import and export\n"
        "(``importing`` with the file ``formats``), the bank check (``check``), the demo bank\n"
        "written as Python data (``demo_bank``, read by ``data_modules``, loaded by ``demo``),\n"
        "the admin screens (``admin``) and who may author (``roles``).\n\n"
        "The models are ``exams.models.questions``.\n"
    ),
    "exams.practice": (
        "Practice (练习): answering a question (``services.record_answer``, the one entry point\n"
        "for every answer outside a hand-marked paper, which also gives its points), the\n"
        "wrong-answer book (错题本), favourites, 每日一练, practice sessions (``sessions``), the\n"
        "reads behind the pages (``selectors``), the pages (``views``, ``session_views``) and\n"
        "the API (``api``: ``/practice/...`` and ``/wrong-answers``).\n\n"
        "The models are ``exams.models.practice``.\n"
    ),
    "exams.papers": (
        "Mock exam papers (试卷): who may sit them and what an attempt draws (``services``), the\n"
        "variants drawn ahead of the exam (``variants``, redrawn on edits by\n"
        "``variant_signals``), the organisers' statistics (``statistics``), the paper\n"
        "reminders (``reminders``), the admin screens (``admin``: papers, statistics, contest\n"
        "ranking, 阅卷), the permissions every installation needs (``baseline``), the demo\n"
        "papers (``demo``) and the benchmark data (``load_data``).\n\n"
        "The models are ``exams.models.papers``.\n"
    ),
    "exams.attempts": (
        "Attempts (作答) at a mock exam: start, autosave, submit, overdue finalisation, marking\n"
        "and results (``services``), the statements a start and a submit write\n"
        "(``start_writes``, ``row_updates``), the review policy (``review_policy``: the one place\n"
        "that decides whether a key or explanation may be shown, asked by practice and lessons\n"
        "too), what the learner is shown (``display``, ``shown_json``), the result report\n"
        "(``report``), the API (``api``: ``/papers``, ``/attempts...``) and the pages (``views``,\n"
        "``urls`` under ``/exams/``).\n\n"
        "The models are ``exams.models.attempts``.\n"
    ),
    "exams.contests": (
        "Contest papers (模考大赛): registration, the opening minute, reminders, standings and\n"
        "the ranking (``services``), the API (``api``: ``/contests``, ``/papers/{id}/register``)\n"
        "and the demo contests (``demo``). A contest is a paper (``Paper.is_contest``); its\n"
        "admin ranking screen is with the papers' (``exams.papers.admin``).\n\n"
        "The models are ``exams.models.contests``.\n"
    ),
    "exams.calendar": (
        "The exam calendar (考试安排): the published and estimated exam years (``seeds``, added\n"
        "to the database after every migrate) and reading what organisers keep there\n"
        "(``exam_days``: the next exam day of a level, registration windows; the core reads it\n"
        "through ``settings.EXAM_CALENDAR_PROVIDER``). The organisers' screen is\n"
        "``ExamYearViewSet`` in ``exams/wagtail_hooks.py``.\n\n"
        "The models are ``exams.models.calendar``.\n"
    ),
    "courses.study": (
        "A learner's study of courses (学习): the catalogue and course pages' reads, enrolment\n"
        "and progress (``services``: the one way to complete a lesson and earn its points), what\n"
        "a lesson asks before it counts (``activities``: knowledge checks 随堂测验, drills 模拟演练),\n"
        "the learner's actions on the site (``views``) and in the API (``api``), and the\n"
        "organisers' enrolment screens (``admin``).\n\n"
        "The page models stay in ``courses.models`` (app label and migrations).\n"
    ),
    "courses.tracks": (
        "Training tracks (培训方案, the programme's 分级分层): which track a learner follows, how\n"
        "far along it they are, coverage per track, and the organisers' track screens.\n\n"
        "The model is ``courses.models.TrainingTrack``.\n"
    ),
    "courses.search": (
        "Site search over courses, lessons and lecturers (``/search/``), working for Chinese:\n"
        "the word segmentation pages index with (中文分词) and the ranked query.\n"
    ),
    "courses.authoring": (
        "Authoring courses in the Wagtail admin: who may write and publish them (lecturers\n"
        "draft, organisers approve through the moderation workflow) and the question chooser\n"
        "lesson editors pick knowledge-check questions with. The StreamField blocks stay in\n"
        "``courses.blocks``: migrations name them by that path.\n"
    ),
    "courses.demo": (
        "Demo content of the courses app (``load_demo``, DEMO_LOADERS): the catalogue and its\n"
        "loader, the lessons' teaching text and the knowledge-check questions, written for\n"
        "社工学堂. The organisers' demo study is ``courses.reports.demo``.\n"
    ),
}

#: Moved modules that migrations import: a re-export stays at the old path (migrations are
#: never edited). old dotted -> names re-exported.
KEEP_SHIMS: dict[str, list[str]] = {"learning.phone": ["validate_phone"]}

#: Not moved, on purpose: modules whose dotted path is stored outside the code.
#: ``learning.auth_backends``: every session holds its backend's path (``_auth_user_backend``)
#: and Django logs out a session whose path is no longer in ``AUTHENTICATION_BACKENDS``.
#: ``learning.tasks``: django-q2 Schedule rows and queued tasks name its functions.
#: ``learning.sms``: ``SMS_BACKEND`` (from the environment) may be a dotted path into it.
#: ``exams.tasks``: as ``learning.tasks``, Schedule rows (``finalise_overdue_attempts``,
#: ``calibrate_items``) and queued tasks (``record_attempt_results`` ...) name its functions.
STAYS = ["learning.auth_backends", "learning.tasks", "learning.sms", "exams.tasks"]

#: Strings that look like module paths but are values (changing them changes behaviour).
PROTECTED = ['salted_hmac("learning.sms_codes"']

SUFFIXES = {".py", ".html", ".txt", ".md", ".po", ".toml", ".cfg", ".ini", ".yml", ".yaml"}
SKIP_DIRS = {".git", ".venv", "node_modules", "media", "static", "migrations", "__pycache__"}


def all_moves() -> list[tuple[str, str]]:
    return [pair for pairs in STEPS.values() for pair in pairs]


class Mapper:
    """Maps dotted names of the old layout to the new one; leaves new names alone."""

    def __init__(self, moves: list[tuple[str, str]]):
        # Only the moves already made: the others' old names are still the right ones.
        moves = [(old, new) for old, new in moves if _exists(new)]
        self.old = dict(moves)
        new = set()
        for _old, target in moves:
            parts = target.split(".")
            new.update(".".join(parts[:end]) for end in range(2, len(parts) + 1))
        # An old module that is a package now (courses.tracks): every module in it is of the
        # new layout, also one written there after the move (courses.tracks.admin).
        for old in self.old:
            package = _to_path(old)
            if (package / "__init__.py").is_file():
                new.update(
                    f"{old}.{child.stem}"
                    for child in package.iterdir()
                    if (child.suffix == ".py" and child.stem != "__init__")
                    or (child / "__init__.py").is_file()
                )
        # A new package that was an old module (learning.points) does not mark a name as new.
        self.new = new - set(self.old)
        self.packages = {old for old, _new in moves if (ROOT / Path(*old.split("."))).is_dir()}
        self.packages |= {
            old for old, new_name in moves if (ROOT / Path(*new_name.split("."))).is_dir()
        }

        # A name moved by hand counts once its new module is there.
        self.symbols = {
            old: new
            for old, new in SYMBOL_MOVES.items()
            if _to_path(new.rpartition(".")[0]).with_suffix(".py").is_file()
        }

    def map(self, dotted: str) -> str:
        for old, new in self.symbols.items():
            if dotted == old or dotted.startswith(old + "."):
                return new + dotted[len(old) :]
        parts = dotted.split(".")
        old_len = new_len = 0
        for end in range(2, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix in self.old:
                old_len = end
            if prefix in self.new:
                new_len = end
        if old_len == 0 or new_len >= old_len:
            return dotted
        prefix = ".".join(parts[:old_len])
        return ".".join([self.old[prefix], *parts[old_len:]])

    def is_module(self, dotted: str) -> bool:
        """A module (not a name inside one) in the old or the new layout."""
        if dotted in self.old or dotted in self.new:
            return True
        path = ROOT / Path(*dotted.split("."))
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


#: The project's apps: every one of them may be regrouped, and imports any of the others.
APPS = r"(?:learning|exams|courses|lecturers)"

FROM_IMPORT = re.compile(
    rf"^(?P<indent>[ \t]*)from[ \t]+(?P<module>{APPS}(?:\.\w+)*)[ \t]+import[ \t]+"
    r"(?:\((?P<paren>(?:[^)#]|#[^\n]*)*)\)|(?P<plain>[^\n#]*?))(?P<comment>[ \t]*#[^\n]*)?$",
    re.MULTILINE,
)
DOTTED = re.compile(rf"(?<![\w.]){APPS}(?:\.\w+)+")
STATEMENT_OR_NAME = re.compile(f"{FROM_IMPORT.pattern}|{DOTTED.pattern}", re.MULTILINE)
PATH = re.compile(rf"(?<![\w/.])({APPS})/((?:\w+/)*\w+)(\.py\b|/)")


def _names(text: str) -> list[tuple[str, str | None, str]]:
    """(name, alias, comment) of an import list, comments kept with their name."""
    names = []
    for line in text.splitlines() or [text]:
        code, _hash, comment = line.partition("#")
        comment = ("  #" + comment) if _hash else ""
        items = [item.strip() for item in code.split(",") if item.strip()]
        for index, item in enumerate(items):
            name, _as, alias = item.partition(" as ")
            names.append(
                (name.strip(), alias.strip() or None, comment if index == len(items) - 1 else "")
            )
    return names


def _rewrite_from(match: re.Match, mapper: Mapper) -> str:
    module, indent = match["module"], match["indent"]
    trailing = match["comment"] or ""
    body = match["paren"] if match["paren"] is not None else match["plain"]
    groups: dict[str, list[str]] = {}
    changed = False
    for name, alias, comment in _names(body):
        full = f"{module}.{name}"
        if mapper.is_module(full) or full in mapper.symbols:
            target = mapper.map(full)
            parent, _dot, last = target.rpartition(".")
            bound = alias or name
            entry = last if bound == last else f"{last} as {bound}"
        else:
            parent, entry = mapper.map(module), name if alias is None else f"{name} as {alias}"
        changed |= (parent, entry) != (module, name if alias is None else f"{name} as {alias}")
        groups.setdefault(parent, []).append(entry + comment)
    if not changed:
        return match[0]
    lines = []
    for parent, entries in groups.items():
        if not any("#" in entry for entry in entries):
            lines.append(f"{indent}from {parent} import {', '.join(entries)}{trailing}")
        elif len(entries) == 1:
            lines.append(f"{indent}from {parent} import {entries[0].strip()}")
        else:
            inner = "".join(
                f"{indent}    {entry.split('  #')[0]},"
                + (("  #" + entry.split("  #", 1)[1]) if "  #" in entry else "")
                + "\n"
                for entry in entries
            )
            lines.append(f"{indent}from {parent} import (\n{inner}{indent}){trailing}")
        trailing = ""
    return "\n".join(lines)


def rewrite_text(text: str, mapper: Mapper) -> str:
    saved = {}
    for index, value in enumerate(PROTECTED):
        token = f"\0PROTECTED{index}\0"
        saved[token] = value
        text = text.replace(value, token)
    # One pass: an import statement is rewritten as a whole (its module part may be a new
    # package that was an old module), any other dotted name on its own.
    text = STATEMENT_OR_NAME.sub(
        lambda m: _rewrite_from(m, mapper) if m["module"] else mapper.map(m[0]), text
    )

    def path(match: re.Match) -> str:
        dotted = match[1] + "." + match[2].replace("/", ".")
        if match[3] == "/" and dotted not in mapper.packages:
            return match[0]
        return mapper.map(dotted).replace(".", "/") + match[3]

    text = PATH.sub(path, text)
    for token, value in saved.items():
        text = text.replace(token, value)
    return text


def files_under(targets: list[Path]):
    for target in targets:
        if target.is_file():
            yield target
            continue
        for path in sorted(target.rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts[:-1]):
                    yield path


def rewrite(targets: list[Path], mapper: Mapper) -> list[Path]:
    changed = []
    for path in files_under(targets):
        if path.resolve() == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        new = rewrite_text(text, mapper)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    python = [str(path) for path in changed if path.suffix == ".py"]
    if python:
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff, "check", "--fix", "-q", "--select", "I", *python], check=False)
        subprocess.run([*ruff, "format", "-q", *python], check=False)
    return changed


def _to_path(dotted: str) -> Path:
    return ROOT / Path(*dotted.split("."))


def _exists(dotted: str) -> bool:
    path = _to_path(dotted)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def move(step: str) -> None:
    for old, new in STEPS[step]:
        source = _to_path(old)
        source = source if source.is_dir() else source.with_suffix(".py")
        target = _to_path(new)
        target = target if source.is_dir() else target.with_suffix(".py")
        if not source.exists():
            continue  # moved already
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", str(source), str(target)], check=True, cwd=ROOT)
        print(f"{old} -> {new}")
    for package, doc in PACKAGES.items():
        init = _to_path(package) / "__init__.py"
        if init.parent.is_dir() and not init.exists():
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
            subprocess.run(["git", "add", str(init)], check=True, cwd=ROOT)
    for old, names in KEEP_SHIMS.items():
        shim = _to_path(old).with_suffix(".py")
        if not shim.exists() and old in dict(STEPS[step]):
            new = dict(STEPS[step])[old]
            shim.write_text(
                f'"""Kept at its old path for the migrations that import it.\n\nThe module is ``{new}``.\n"""\n'
                f"\nfrom {new} import {', '.join(names)}  # noqa: F401\n",
                encoding="utf-8",
            )
            subprocess.run(["git", "add", str(shim)], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", nargs="?", choices=list(STEPS))
    parser.add_argument("--rewrite-only", nargs="*", metavar="PATH")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for step, pairs in STEPS.items():
            for old, new in pairs:
                print(f"{step:10} {old:32} -> {new}")
        return
    if args.rewrite_only is not None:
        targets = [Path(p).resolve() for p in args.rewrite_only] or [ROOT]
        changed = rewrite(targets, Mapper(all_moves()))
    elif args.step:
        move(args.step)
        changed = rewrite([ROOT], Mapper(all_moves()))
    else:
        parser.error("name a step, --rewrite-only or --list")
    for path in changed:
        print(f"rewrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
