"""考试大纲 of the 中级 (社会工作师) objective subjects, as chapters, weights and knowledge points.

Why this module exists: the real-exam preset and the bank check need to know which chapters a
中级 paper covers and how much of the paper each chapter takes, so that a drawn paper is spread
over the syllabus as the real one is, and a question filed under a chapter or knowledge point the
syllabus does not have is caught.

Sources:

* Chapter structure: 全国社会工作者职业资格考试指导教材《社会工作综合能力（中级）》《社会工作实务
  （中级）》《社会工作法规与政策（中级）》(中国社会出版社) and the 考试大纲 that the 中国人事考试网
  (www.cpta.com.cn) publishes with them. Chapter titles are given in the short form the 教材 uses;
  editions differ in wording and, for 法规与政策, in how the laws are grouped into chapters (the
  grouping here follows the edition used from 2021 on, with 健康 and 计划生育 in a chapter of their
  own). Organisers should compare the titles with the edition of the year and edit them here.
* Weights: ESTIMATES. The 考试大纲 names chapters and requirements but publishes no weights; the
  weights below are the share of questions per chapter as seen in the published papers of recent
  years (2019-2024), rounded to whole per cent and adjusted so that each subject sums to 1.
* Knowledge points: the 大纲's 考试内容 of each chapter, condensed to 3-8 points per chapter.
  For 法规与政策 they are named after the statute or policy they rest on; the statutes are the
  versions in force (e.g. 《妇女权益保障法》2022年修订, 《未成年人保护法》2020年修订,
  《慈善法》2023年修正, 《突发事件应对法》2024年修订).
"""

from __future__ import annotations

SYLLABUS = {
    ("intermediate", "comprehensive"): [
        {
            "chapter": "社会工作的内涵、原则及主要领域",
            "weight": 0.08,
            "knowledge_points": [
                "社会工作的内涵",
                "社会工作的目标",
                "社会工作的功能",
                "社会工作的构成要素",
                "社会工作的主要领域",
                "中国特色社会工作",
            ],
        },
        {
            "chapter": "社会工作价值观与专业伦理",
            "weight": 0.12,
            "knowledge_points": [
                "社会工作价值观",
                "社会工作专业伦理原则",
                "保密与知情同意",
                "专业关系与双重关系",
                "伦理难题及其处理",
            ],
        },
        {
            "chapter": "人类行为与社会环境",
            "weight": 0.12,
            "knowledge_points": [
                "人类行为与社会环境的关系",
                "人的发展理论",
                "婴幼儿期、儿童期和青少年期",
                "成年期和老年期",
                "社会环境对人类行为的影响",
            ],
        },
        {
            "chapter": "社会工作理论",
            "weight": 0.12,
            "knowledge_points": [
                "心理社会治疗理论",
                "认知行为理论",
                "人本主义理论",
                "社会生态系统理论",
                "优势视角与增能理论",
                "危机介入与任务中心模式",
                "叙事治疗与社会支持网络",
            ],
        },
        {
            "chapter": "个案工作方法",
            "weight": 0.12,
            "knowledge_points": [
                "个案工作的过程",
                "个案会谈技巧",
                "个案工作的主要模式",
                "个案管理",
            ],
        },
        {
            "chapter": "小组工作方法",
            "weight": 0.12,
            "knowledge_points": [
                "小组工作的类型",
                "小组工作的模式",
                "小组发展阶段与工作重点",
                "小组工作技巧",
            ],
        },
        {
            "chapter": "社区工作方法",
            "weight": 0.11,
            "knowledge_points": [
                "地区发展模式",
                "社会策划模式",
                "社区照顾模式",
                "社区工作的过程",
                "社区工作技巧",
            ],
        },
        {
            "chapter": "社会工作督导",
            "weight": 0.07,
            "knowledge_points": [
                "督导的功能",
                "督导的形式",
                "督导者的角色与督导关系",
                "督导的过程与技巧",
            ],
        },
        {
            "chapter": "社会工作行政",
            "weight": 0.07,
            "knowledge_points": [
                "社会服务机构的管理",
                "社会服务项目策划与管理",
                "志愿者管理",
                "社会服务质量管理与评估",
            ],
        },
        {
            "chapter": "社会工作研究",
            "weight": 0.07,
            "knowledge_points": [
                "社会工作研究的类型与方法",
                "研究设计与抽样",
                "资料收集方法",
                "研究伦理",
                "评估研究",
            ],
        },
    ],
    ("intermediate", "practice"): [
        {
            "chapter": "社会工作实务通用过程模式",
            "weight": 0.15,
            "knowledge_points": ["接案", "预估", "计划", "介入", "评估", "结案"],
        },
        {
            "chapter": "儿童社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "儿童的需要与问题",
                "困境儿童与留守儿童服务",
                "儿童保护与监护干预",
                "儿童社会工作的方法",
            ],
        },
        {
            "chapter": "青少年社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "青少年的需要与问题",
                "青少年社会工作的主要内容",
                "预防青少年违法犯罪",
                "青少年社会工作的方法",
            ],
        },
        {
            "chapter": "老年社会工作",
            "weight": 0.08,
            "knowledge_points": [
                "老年人的需要与问题",
                "老年人评估",
                "居家和社区养老服务",
                "机构养老与临终关怀",
                "老年社会工作的方法",
            ],
        },
        {
            "chapter": "妇女社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "妇女的需要与问题",
                "社会性别视角",
                "遭受家庭暴力妇女的服务",
                "妇女发展与增能",
            ],
        },
        {
            "chapter": "残疾人社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "残疾人的需要与问题",
                "残疾人康复服务",
                "残疾人就业与社会融入",
                "残疾人社会工作的方法",
            ],
        },
        {
            "chapter": "矫正社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "社区矫正对象的需要与问题",
                "社区矫正社会工作的内容",
                "安置帮教社会工作",
                "禁毒社会工作",
            ],
        },
        {
            "chapter": "优抚安置社会工作",
            "weight": 0.05,
            "knowledge_points": [
                "优抚安置对象的需要",
                "优抚安置社会工作的内容",
                "优抚安置社会工作的方法",
            ],
        },
        {
            "chapter": "社会救助社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "社会救助对象的需要与问题",
                "社会救助社会工作的内容",
                "社会救助社会工作的方法",
            ],
        },
        {
            "chapter": "家庭社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "家庭结构与家庭生命周期",
                "家庭问题与需要",
                "家庭社会工作的模式与技巧",
            ],
        },
        {
            "chapter": "学校社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "学生的需要与问题",
                "学校社会工作的内容",
                "学校社会工作的方法",
            ],
        },
        {
            "chapter": "社区社会工作",
            "weight": 0.07,
            "knowledge_points": [
                "社区的需要与问题",
                "社区社会工作的内容",
                "社区社会工作的方法",
            ],
        },
        {
            "chapter": "医务社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "患者及家属的需要与问题",
                "医务社会工作的内容",
                "医务社会工作的方法",
            ],
        },
        {
            "chapter": "企业社会工作",
            "weight": 0.06,
            "knowledge_points": [
                "职工的需要与问题",
                "企业社会工作的内容",
                "企业社会工作的方法",
            ],
        },
    ],
    ("intermediate", "regulations"): [
        {
            "chapter": "社会工作法规与政策概述",
            "weight": 0.03,
            "knowledge_points": [
                "社会政策与社会立法",
                "社会工作法规与政策的层级与效力",
                "党的领导与中国特色社会工作制度",
            ],
        },
        {
            "chapter": "社会工作专业人才与社会工作服务法规与政策",
            "weight": 0.05,
            "knowledge_points": [
                "社会工作者职业水平评价",
                "社会工作专业人才队伍建设",
                "政府购买社会工作服务",
                "乡镇（街道）社会工作服务站",
            ],
        },
        {
            "chapter": "特定人群权益保护法规与政策",
            "weight": 0.14,
            "knowledge_points": [
                "未成年人保护",
                "预防未成年人犯罪",
                "老年人权益保障",
                "妇女权益保障",
                "残疾人权益保障",
            ],
        },
        {
            "chapter": "婚姻家庭法规与政策",
            "weight": 0.12,
            "knowledge_points": [
                "监护",
                "结婚与夫妻关系",
                "离婚",
                "收养",
                "继承",
                "反家庭暴力",
            ],
        },
        {
            "chapter": "人民调解、信访工作与突发事件应对法规与政策",
            "weight": 0.07,
            "knowledge_points": ["人民调解", "信访工作", "突发事件应对"],
        },
        {
            "chapter": "社会救助法规与政策",
            "weight": 0.12,
            "knowledge_points": [
                "最低生活保障",
                "特困人员救助供养",
                "专项救助",
                "受灾人员救助与临时救助",
                "流浪乞讨人员救助",
                "社会力量参与社会救助",
            ],
        },
        {
            "chapter": "特定人群社会服务法规与政策",
            "weight": 0.05,
            "knowledge_points": [
                "养老服务",
                "儿童福利与困境儿童保障",
                "残疾人福利与服务",
                "军人抚恤优待与退役军人安置",
            ],
        },
        {
            "chapter": "社区矫正、禁毒和治安管理处罚法规与政策",
            "weight": 0.06,
            "knowledge_points": ["社区矫正", "禁毒与戒毒", "治安管理处罚"],
        },
        {
            "chapter": "社区治理法规与政策",
            "weight": 0.07,
            "knowledge_points": [
                "城市居民委员会",
                "村民委员会",
                "城乡社区治理",
            ],
        },
        {
            "chapter": "社会组织法规与政策",
            "weight": 0.05,
            "knowledge_points": [
                "社会团体",
                "基金会",
                "民办非企业单位（社会服务机构）",
            ],
        },
        {
            "chapter": "慈善事业与志愿服务法规与政策",
            "weight": 0.07,
            "knowledge_points": [
                "慈善组织",
                "慈善募捐与捐赠",
                "慈善信托与慈善财产",
                "志愿服务",
            ],
        },
        {
            "chapter": "劳动就业法规与政策",
            "weight": 0.04,
            "knowledge_points": ["公平就业", "就业服务与就业援助", "残疾人就业"],
        },
        {
            "chapter": "劳动关系法规与政策",
            "weight": 0.05,
            "knowledge_points": [
                "劳动合同的订立",
                "劳动合同的解除和终止",
                "工作时间、休息休假与特殊劳动保护",
                "劳动争议处理",
            ],
        },
        {
            "chapter": "社会保险法规与政策",
            "weight": 0.05,
            "knowledge_points": [
                "基本养老保险",
                "基本医疗保险",
                "工伤保险",
                "失业保险",
                "生育保险",
            ],
        },
        {
            "chapter": "健康与计划生育法规与政策",
            "weight": 0.03,
            "knowledge_points": [
                "基本医疗卫生与健康促进",
                "精神卫生",
                "人口与计划生育",
            ],
        },
    ],
}
