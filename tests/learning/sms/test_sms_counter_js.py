"""The admin's live segment counter (vendored JS), run under Node with a stub DOM."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "learning/static/learning/js/sms_counter.js"

HARNESS = """
const listeners = {};
const output = {dataset: {}, setAttribute() {}};
const area = {
    value: "", dataset: %(dataset)s,
    insertAdjacentElement() {}, addEventListener(name, fn) { listeners[name] = fn; },
};
global.document = {
    readyState: "complete",
    querySelectorAll: () => [area],
    createElement: () => output,
};
require(%(script)s);
const results = [];
for (const body of %(bodies)s) {
    area.value = body;
    listeners.input();
    results.push([Number(output.dataset.segments), output.textContent]);
}
console.log(JSON.stringify(results));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_counter_counts_signature_and_opt_out_line_live():
    dataset = {
        "smsSignature": "【社工学堂】",
        "smsSuffix": "回T退订",
        "smsSamples": '{"name": "李晓梅"}',
        "smsCountText": "约 {length} 字，计 {segments} 条短信",
        "smsUnknownText": "未知占位符：{names}",
    }
    fixed = len("【社工学堂】回T退订")
    bodies = ["字" * (70 - fixed), "字" * (71 - fixed), "字" * (134 - fixed), "字" * (135 - fixed)]
    bodies.append("{name}" + "字" * (70 - fixed - 3))
    bodies.append("{paper_title}")
    source = HARNESS % {
        "dataset": json.dumps(dataset),
        "script": json.dumps(str(SCRIPT)),
        "bodies": json.dumps(bodies, ensure_ascii=False),
    }
    node = shutil.which("node")
    result = subprocess.run(  # noqa: S603 - our own script, run by the Node found on PATH
        [node, "-e", source], capture_output=True, text=True, check=True, timeout=30
    )
    answers = json.loads(result.stdout)
    assert [segments for segments, _text in answers[:5]] == [1, 2, 2, 3, 1]
    assert "约 70 字，计 1 条短信" in answers[0][1]
    assert "未知占位符：{paper_title}" in answers[5][1]
