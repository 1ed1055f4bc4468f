"""The syllabus (考试大纲) of the junior level (初级, 助理社会工作师) as chapters and knowledge points.

Two objective subjects are examined at this level: 《社会工作综合能力（初级）》 ("comprehensive")
and 《社会工作实务（初级）》 ("practice"). The chapters follow the 全国社会工作者职业水平考试
指导教材 (中国社会出版社, edition revised in 2024 and reprinted with small changes in 2025),
whose table of contents the 考试大纲 published by 民政部 and 人力资源和社会保障部 mirrors:
综合能力 ten chapters (社会工作的内涵、原则及主要领域 … 社会工作法规与政策), 实务 fourteen
(社会工作实务的通用过程, then one chapter per field of service). The knowledge points are the
sections of each chapter a question is written against, shortened to a few words.

The weights are NOT published by the examining bodies: they are estimates from the number of
points each chapter drew in recent papers (as counted by candidates and training providers),
rounded, and made to sum to 1. Organisers should revise them when a year's paper shifts; the
demo bank (``exams.bank.demo_bank``) is spread over the chapters by these weights.
"""

from __future__ import annotations

SYLLABUS = {
    ("junior", "comprehensive"): [
        {
            "chapter": "社会工作的内涵、原则及主要领域",
            "weight": 0.06,
            "knowledge_points": [
                "社会工作的含义与特点",
                "社会工作的目标",
                "社会工作的功能",
                "社会工作的构成要素",
                "社会工作者的角色",
                "社会工作的主要领域",
            ],
        },
        {
            "chapter": "社会工作价值观与专业伦理",
            "weight": 0.09,
            "knowledge_points": [
                "社会工作价值观的内容",
                "社会工作专业伦理的内容",
                "保密原则及其限度",
                "服务对象自决与知情同意",
                "伦理难题及处理原则",
                "社会工作者职业道德指引",
            ],
        },
        {
            "chapter": "人类行为与社会环境",
            "weight": 0.10,
            "knowledge_points": [
                "人类需要的层次",
                "人类行为与社会环境的关系",
                "心理社会发展理论",
                "认知发展理论",
                "人生发展阶段的特征",
            ],
        },
        {
            "chapter": "个案工作方法",
            "weight": 0.12,
            "knowledge_points": [
                "个案工作的含义与特点",
                "心理社会治疗模式",
                "认知行为治疗模式",
                "危机介入模式",
                "任务中心模式",
                "人本治疗模式",
                "个案会谈技巧",
            ],
        },
        {
            "chapter": "小组工作方法",
            "weight": 0.12,
            "knowledge_points": [
                "小组工作的含义与功能",
                "小组的类型",
                "小组工作的主要模式",
                "小组发展阶段与工作者任务",
                "小组工作技巧",
            ],
        },
        {
            "chapter": "社区工作方法",
            "weight": 0.11,
            "knowledge_points": [
                "社区工作的目标",
                "地区发展模式",
                "社会策划模式",
                "社区照顾模式",
                "社区分析与需求评估",
                "社区工作技巧",
            ],
        },
        {
            "chapter": "社会工作行政",
            "weight": 0.07,
            "knowledge_points": [
                "社会工作行政的含义",
                "社会服务项目管理",
                "项目评估",
                "志愿者管理",
                "财务管理",
            ],
        },
        {
            "chapter": "社会工作督导",
            "weight": 0.05,
            "knowledge_points": [
                "督导的功能",
                "督导的形式",
                "督导关系",
            ],
        },
        {
            "chapter": "社会工作研究",
            "weight": 0.08,
            "knowledge_points": [
                "研究类型与研究设计",
                "抽样方法",
                "资料收集方法",
                "问卷设计",
                "研究伦理",
            ],
        },
        {
            "chapter": "社会工作法规与政策",
            "weight": 0.20,
            "knowledge_points": [
                "社会救助法规与政策",
                "未成年人保护法规",
                "老年人权益保障法规",
                "妇女权益保障与反家庭暴力法规",
                "婚姻家庭与继承法规",
                "基层群众自治与人民调解法规",
                "慈善与志愿服务法规",
                "残疾人权益保障法规",
            ],
        },
    ],
    ("junior", "practice"): [
        {
            "chapter": "社会工作实务的通用过程",
            "weight": 0.28,
            "knowledge_points": [
                "接案",
                "预估",
                "计划",
                "介入",
                "评估",
                "结案",
            ],
        },
        {
            "chapter": "儿童社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "儿童的需要与问题",
                "儿童社会工作的原则",
                "儿童保护与困境儿童服务",
                "儿童社会工作的方法",
            ],
        },
        {
            "chapter": "青少年社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "青少年的需要与问题",
                "青少年社会工作的主要内容",
                "青少年社会工作的方法",
            ],
        },
        {
            "chapter": "老年社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "老年人的需要与问题",
                "老年社会工作的原则",
                "老年社会工作的主要内容",
                "老年社会工作的方法与技巧",
            ],
        },
        {
            "chapter": "妇女社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "妇女的需要与问题",
                "妇女社会工作的原则与视角",
                "妇女社会工作的主要内容",
            ],
        },
        {
            "chapter": "残疾人社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "残疾人的需要与问题",
                "残疾人社会工作的原则与视角",
                "残疾人社会工作的主要内容",
            ],
        },
        {
            "chapter": "矫正社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "矫正社会工作的对象",
                "社区矫正社会工作的内容",
                "矫正社会工作的方法",
            ],
        },
        {
            "chapter": "优抚安置社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "优抚安置对象",
                "优抚安置社会工作的主要内容",
                "优抚安置社会工作的方法",
            ],
        },
        {
            "chapter": "社会救助社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "社会救助对象的需要",
                "社会救助社会工作的主要内容",
                "社会救助社会工作的方法",
            ],
        },
        {
            "chapter": "家庭社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "家庭生命周期与家庭问题",
                "家庭社会工作的主要内容",
                "家庭社会工作的方法",
            ],
        },
        {
            "chapter": "学校社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "学校社会工作的对象与目标",
                "学校社会工作的主要内容",
                "学校社会工作的方法",
            ],
        },
        {
            "chapter": "社区社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "社区的需要与问题",
                "社区社会工作的主要内容",
                "社区社会工作的方法",
            ],
        },
        {
            "chapter": "医务社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "医务社会工作的对象",
                "医务社会工作的主要内容",
                "医务社会工作的方法",
            ],
        },
        {
            "chapter": "企业社会工作",
            "weight": 0.04,
            "knowledge_points": [
                "企业社会工作的对象与目标",
                "企业社会工作的主要内容",
                "企业社会工作的方法",
            ],
        },
    ],
}
