"""Demo bank: 300+ questions for 综合能力, 实务 and 法规与政策 at both levels.

The choice questions are built from the hand-written tables in ``exams.demo_content`` and
saved through the same import service as an uploaded file (so they obey the same rules and
load in a few bulk queries); the case questions go through ``exams.services``.
"""

from __future__ import annotations

from django.utils.html import escape

from exams.demo_content import MULTIPLES, SINGLES, TERM_GROUPS, TRUE_FALSE
from exams.formats import ParsedFile, ParsedOption, ParsedQuestion
from exams.importing import import_questions, root_bank
from exams.models import OPTION_KEYS, QuestionBank, QuestionType
from exams.practice import record_answer
from exams.questions import practice_questions
from exams.services import create_question, true_false_options

BANK = "社工学堂示范题库"
SUBJECT_FOLDERS = {"comprehensive": "综合能力", "practice": "实务", "regulations": "法规与政策"}
#: Law and policy questions were checked against the texts in force on this date.
CHECKED_ON = "2025-01-01"
SOURCE = "社工学堂原创"
#: learning.demo's learner account (DEMO accounts in /work/shared/API.md).
DEMO_LEARNER_PHONE = "13800000001"


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _question(subject, level, chapter, point, kind, stem, options, explanation, line):
    return ParsedQuestion(
        line=line,
        type=kind,
        stem=_p(stem),
        options=[
            ParsedOption(OPTION_KEYS[i], text, right) for i, (text, right) in enumerate(options)
        ],
        explanation=_p(explanation),
        category=(SUBJECT_FOLDERS[subject], chapter),
        subject=subject,
        level=level,
        chapter=chapter,
        knowledge_points=[point],
        difficulty=3 if level == "intermediate" else 2,
        source=SOURCE,
        valid_as_of=CHECKED_ON if subject == "regulations" else "",
    )


def _placed(right: str, wrong: list[str], position: int) -> list[tuple[str, bool]]:
    """Options with the right one at ``position`` (so the key is not always A)."""
    options = [(text, False) for text in wrong]
    options.insert(position % (len(wrong) + 1), (right, True))
    return options


def term_questions() -> list[ParsedQuestion]:
    questions = []
    for g, (subject, level, chapter, point, label, pairs) in enumerate(TERM_GROUPS):
        head = (subject, level, chapter, point)
        for i, (term, meaning) in enumerate(pairs):
            others = [pair for j, pair in enumerate(pairs) if j != i]
            picks = [others[(i + k) % len(others)] for k in range(3)]
            questions.append(
                _question(
                    *head,
                    QuestionType.SINGLE,
                    f"下面这段描述指的是（  ）：{meaning}。",
                    _placed(term, [p[0] for p in picks], i * 3 + g),
                    f"{term}：{meaning}。",
                    len(questions),
                )
            )
            questions.append(
                _question(
                    *head,
                    QuestionType.SINGLE,
                    f"关于“{term}”，下列表述正确的是（  ）。",
                    _placed(meaning, [p[1] for p in picks], i + g),
                    f"{term}：{meaning}。其余选项依次说的是"
                    + "、".join(p[0] for p in picks)
                    + "。",
                    len(questions),
                )
            )
            named = term if i % 2 == 0 else picks[0][0]
            quoted = meaning.replace("“", "‘").replace("”", "’")
            questions.append(
                _question(
                    *head,
                    QuestionType.TRUE_FALSE,
                    f"“{quoted}”，说的是{named}。",
                    true_false_options(named == term),
                    f"这段描述说的是{term}。"
                    if named == term
                    else f"这段描述说的是{term}，不是{named}。",
                    len(questions),
                )
            )
        far = [
            TERM_GROUPS[(g + 5) % len(TERM_GROUPS)][5][0][0],
            TERM_GROUPS[(g + 6) % len(TERM_GROUPS)][5][1][0],
        ]
        right = [pairs[(g + k) % len(pairs)][0] for k in range(3)]
        questions.append(
            _question(
                *head,
                QuestionType.MULTIPLE,
                f"下列属于{label}的有（  ）。",
                [(t, True) for t in right[:2]]
                + [(far[0], False), (right[2], True), (far[1], False)],
                f"{'、'.join(right)}都属于{label}；{'、'.join(far)}不属于。",
                len(questions),
            )
        )
    return questions


def table_questions(start: int) -> list[ParsedQuestion]:
    rows = []
    for n, (*head, stem, right, wrong, explanation) in enumerate(MULTIPLES):
        options = [(t, True) for t in right] + [(t, False) for t in wrong]
        options = options[n % 2 :] + options[: n % 2]  # vary where the wrong ones sit
        rows.append((head, QuestionType.MULTIPLE, stem, options, explanation))
    for n, (*head, stem, right, wrong, explanation) in enumerate(SINGLES):
        rows.append((head, QuestionType.SINGLE, stem, _placed(right, wrong, n), explanation))
    for *head, statement, truth, explanation in TRUE_FALSE:
        options = true_false_options(truth)
        rows.append((head, QuestionType.TRUE_FALSE, statement, options, explanation))
    return [
        _question(*head, kind, stem, options, explanation, start + n)
        for n, (head, kind, stem, options, explanation) in enumerate(rows)
    ]


#: (level, chapter, knowledge point, case text, [(type, stem, options, explanation)])
CASES = [
    (
        "junior",
        "老年社会工作",
        "独居老人服务",
        "王奶奶今年 78 岁，老伴去世两年，独生女儿在外省工作。最近邻居发现她常常几天不出门，说话也少了。居委会请社会工作者小刘上门了解情况。",
        [
            (
                QuestionType.SINGLE,
                "小刘第一次上门时，最适当的做法是（  ）。",
                [
                    ("与王奶奶建立信任关系，了解她的生活状况和需要", True),
                    ("直接为王奶奶联系养老院", False),
                    ("要求王奶奶的女儿立即回来照顾", False),
                    ("告诉王奶奶不要总是待在家里", False),
                ],
                "接案阶段的首要任务是建立专业关系、了解需要，不能替服务对象作决定。",
            ),
            (
                QuestionType.MULTIPLE,
                "为了加强王奶奶的非正式支持网络，小刘可以（  ）。",
                [
                    ("联系她的女儿定期视频通话", True),
                    ("组织楼里的邻居结对关照", True),
                    ("邀请她参加社区老年兴趣小组", True),
                    ("为她申请政府购买的居家养老服务", False),
                    ("建议她搬进医院长期住院", False),
                ],
                "家人、邻里和兴趣小组的同伴属于非正式支持；政府购买服务属于正式支持。",
            ),
        ],
    ),
    (
        "junior",
        "儿童社会工作",
        "流动儿童服务",
        "10 岁的小明随父母从外地来到城里，父母在菜市场摆摊，早出晚归。小明放学后常独自在街上游荡，学习成绩下滑，老师反映他在班上很少与同学交往。",
        [
            (
                QuestionType.SINGLE,
                "从生态系统视角看，下列属于小明的微观系统的是（  ）。",
                [
                    ("小明的家庭和班级", True),
                    ("城市的户籍政策", False),
                    ("社会对流动人口的看法", False),
                    ("父母工作的市场管理制度", False),
                ],
                "微观系统是个人直接参与的环境，如家庭、学校班级和同伴群体。",
            ),
            (
                QuestionType.MULTIPLE,
                "社会工作者可以为小明提供的服务有（  ）。",
                [
                    ("链接社区“四点半课堂”提供课后看护和辅导", True),
                    ("开展融入小组，帮助他结交同伴", True),
                    ("与父母沟通，增进亲子陪伴", True),
                    ("要求父母放弃摆摊在家照顾孩子", False),
                ],
                "服务应尊重家庭的实际处境，通过链接资源、小组和家庭工作回应需要。",
            ),
        ],
    ),
    (
        "intermediate",
        "社区矫正社会工作",
        "社区矫正服务",
        "老李因交通肇事罪被判处有期徒刑一年、宣告缓刑两年，在社区接受矫正。他觉得邻居看不起自己，不愿出门，也找不到工作，家里经济越来越困难。",
        [
            (
                QuestionType.SINGLE,
                "老李成为社区矫正对象的原因是他被（  ）。",
                [
                    ("宣告缓刑", True),
                    ("判处管制", False),
                    ("裁定假释", False),
                    ("暂予监外执行", False),
                ],
                "被宣告缓刑的罪犯依法实行社区矫正。",
            ),
            (
                QuestionType.MULTIPLE,
                "社会工作者为老李提供服务时，恰当的做法有（  ）。",
                [
                    ("对他的身份信息和矫正信息保密", True),
                    ("协助他参加就业技能培训", True),
                    ("评估家庭经济状况，协助申请社会救助", True),
                    ("在社区公告栏公布他的犯罪情况，以示警示", False),
                ],
                "社区矫正对象的信息依法保密；就业和救助服务有助于他重新融入社会。",
            ),
        ],
    ),
    (
        "intermediate",
        "社会救助社会工作",
        "低保家庭服务",
        "张先生 45 岁，原在工厂上班，去年工厂倒闭后失业，妻子患慢性病需要长期服药，儿子正在读初中。家庭人均收入已低于当地最低生活保障标准。",
        [
            (
                QuestionType.SINGLE,
                "张先生一家申请最低生活保障，应当向（  ）提出。",
                [
                    ("户籍所在地的乡镇人民政府、街道办事处", True),
                    ("妻子就诊的医院", False),
                    ("儿子就读的学校", False),
                    ("原工作的工厂", False),
                ],
                "最低生活保障由共同生活的家庭成员向户籍所在地的乡镇人民政府、街道办事处提出申请。",
            ),
            (
                QuestionType.MULTIPLE,
                "除最低生活保障外，社会工作者还可以协助这个家庭申请（  ）。",
                [
                    ("医疗救助", True),
                    ("教育救助", True),
                    ("就业救助", True),
                    ("特困人员供养", False),
                ],
                "张先生有劳动能力且有法定扶养义务人，不符合特困人员条件；医疗、教育和就业救助可以回应家庭的具体困难。",
            ),
        ],
    ),
    (
        "intermediate",
        "小组工作方法",
        "小组中期转折期",
        "社会工作者为社区新手妈妈开设了育儿支持小组。第四次活动时，两位组员因喂养方式争论起来，有组员抱怨“活动没用”，还有人提出要换一种活动方式。",
        [
            (
                QuestionType.SINGLE,
                "这个小组正处于（  ）。",
                [("中期转折期", True), ("开始期", False), ("中期成熟期", False), ("结束期", False)],
                "组员之间出现冲突、挑战工作者和小组规范，是中期转折期的典型表现。",
            ),
            (
                QuestionType.MULTIPLE,
                "此时社会工作者恰当的做法有（  ）。",
                [
                    ("把冲突看作小组发展的正常现象，引导组员坦诚沟通", True),
                    ("回顾并重申小组契约", True),
                    ("邀请组员参与调整活动安排", True),
                    ("立即解散小组", False),
                    ("要求持不同意见的组员退出", False),
                ],
                "转折期要正视冲突、协助沟通、重申规范并让组员参与决定，帮助小组走向成熟。",
            ),
        ],
    ),
    (
        "intermediate",
        "家庭社会工作",
        "家庭暴力干预",
        "刘女士向社区社会工作者求助，说丈夫酒后经常打骂她，最近一次还把她锁在屋里不让出门。她担心离开后孩子没人照顾，不知道该怎么办。",
        [
            (
                QuestionType.SINGLE,
                "社会工作者首先应当做的是（  ）。",
                [
                    ("评估刘女士和孩子的安全风险，制订安全计划", True),
                    ("劝刘女士为了孩子忍一忍", False),
                    ("马上找她丈夫当面对质", False),
                    ("建议她立即离婚", False),
                ],
                "面对家庭暴力，首要的是评估风险、保障受害人和孩子的安全。",
            ),
            (
                QuestionType.MULTIPLE,
                "社会工作者可以告诉刘女士的有（  ）。",
                [
                    ("可以向公安机关报案", True),
                    ("可以向人民法院申请人身安全保护令", True),
                    ("可以寻求妇联、居委会的帮助", True),
                    ("家庭暴力是家务事，外人不便干预", False),
                ],
                "《反家庭暴力法》规定了报案、告诫、人身安全保护令等措施；反家庭暴力是国家、社会和每个家庭的共同责任。",
            ),
        ],
    ),
]

#: (chapter, knowledge point, case text, model answer, marking points)
ESSAYS = [
    (
        "老年社会工作",
        "服务方案设计",
        "某老旧小区 60 岁以上居民占三成，其中不少是空巢、独居老人。居委会反映：老人日常就医、买菜不便，白天缺少交流，子女担心他们在家发生意外。请为这个社区设计一份老年人服务方案。",
        "方案应包括：需求评估（问卷与走访相结合，区分健康、照料、精神需要）；服务目标（总目标与可衡量的具体目标）；服务内容（独居老人定期探访与紧急呼叫、邻里结对、老年兴趣小组、助餐助医志愿服务）；资源链接（社区卫生服务中心、志愿者、辖区单位）；进度安排与人员分工；预算；风险预估与应对；评估方法（过程评估与结果评估）。",
        "需求评估方法恰当\n目标具体、可衡量\n服务内容回应不同需要\n运用社会支持网络\n有进度、预算和分工\n有评估方法",
    ),
    (
        "青少年社会工作",
        "个案工作",
        "15 岁的小杰上初三，近半年沉迷网络游戏，经常熬夜，成绩明显下降。父母没收手机后，他和父母大吵，还离家出走了一夜。班主任转介给学校社会工作者。请运用个案工作方法，说明社会工作者如何开展服务。",
        "接案：与小杰建立信任关系，澄清转介原因，说明保密及其限度。预估：了解上网行为的频率和原因（学业压力、同伴、亲子关系），评估离家出走等安全风险，发掘小杰的兴趣和优势。计划：与小杰共同订立可行的目标，如逐步减少游戏时间、改善与父母的沟通。介入：运用认知行为方法调整其对游戏和学习的看法；开展家庭会谈，改善父母的沟通方式；链接学校的兴趣社团，发展替代性活动。评估与结案：对照目标检查成效，巩固改变，做好跟进。",
        "建立关系并说明保密限度\n全面预估，关注安全风险\n目标与服务对象共同制订\n个人与家庭层面的介入\n运用优势视角和替代活动\n有评估和跟进",
    ),
]


def load(*, stdout=None) -> None:
    """Create the demo bank once; a second run finds it and does nothing."""
    if QuestionBank.objects.filter(name=BANK, depth=1).exists():
        return
    questions = term_questions()
    questions += table_questions(len(questions))
    report = import_questions(parsed=ParsedFile(questions=questions), bank_name=BANK)
    if not report.ok:
        raise RuntimeError("; ".join(map(str, report.errors)))
    root, _created = root_bank(BANK)
    cases = _case_bank(root)
    for level, chapter, point, text, subs in CASES:
        case = create_question(
            bank=cases,
            type=QuestionType.CASE_ANALYSIS,
            stem=_p(text),
            explanation="".join(_p(f"第 {n} 小题：{sub[3]}") for n, sub in enumerate(subs, 1)),
            subject="practice",
            level=level,
            chapter=chapter,
            knowledge_points=[point],
            source=SOURCE,
            difficulty=3,
            score=0,
        )
        for position, (kind, stem, options, explanation) in enumerate(subs, start=1):
            create_question(
                bank=cases,
                type=kind,
                stem=_p(stem),
                options=options,
                parent=case,
                position=position,
                explanation=_p(explanation),
                subject="practice",
                level=level,
                chapter=chapter,
            )
    for chapter, point, text, answer, points in ESSAYS:
        create_question(
            bank=cases,
            type=QuestionType.CASE_ESSAY,
            stem=_p(text),
            model_answer=_p(answer),
            marking_points=points,
            subject="practice",
            level="intermediate",
            chapter=chapter,
            knowledge_points=[point],
            source=SOURCE,
            difficulty=4,
            score=20,
        )
    _practice_history()
    if stdout is not None:
        stdout.write(
            f"  题库：{report.total + len(CASES) + len(ESSAYS)} 道题（{report.summary()}，案例 {len(CASES) + len(ESSAYS)} 道）"
        )


def _practice_history() -> None:
    """The demo learner has practised a little, so the book and statistics are not empty."""
    from learning.models import User

    learner = User.objects.filter(phone=DEMO_LEARNER_PHONE).first()
    if learner is None:
        return
    questions = (
        practice_questions()
        .filter(bank__path__startswith=root_bank(BANK)[0].path, type=QuestionType.SINGLE)
        .prefetch_related("options")[:12]
    )
    for n, question in enumerate(questions):
        keys = [o.key for o in question.options.all()]
        right = next(o.key for o in question.options.all() if o.is_correct)
        wrong = next(k for k in keys if k != right)
        record_answer(learner=learner, question=question, answer=wrong if n % 3 == 0 else right)


def _case_bank(root: QuestionBank) -> QuestionBank:
    folder = root.get_children().filter(name="实务").first() or root.add_child(name="实务")
    return folder.add_child(name="案例分析")
