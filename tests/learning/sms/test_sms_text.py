import pytest

from learning.sms.text import OPT_OUT_LINE, SIGNATURE, compose, placeholder_errors, segment_count


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_segments_are_70_then_67_per_part(length, segments):
    assert segment_count("字" * length) == segments


def test_signature_and_opt_out_line_are_added_and_counted():
    text = compose("{name}您好", {"name": "李晓梅"})
    assert text == f"{SIGNATURE}李晓梅您好{OPT_OUT_LINE}"
    body = "字" * (70 - len(SIGNATURE) - len(OPT_OUT_LINE))
    assert segment_count(compose(body, {})) == 1
    assert segment_count(compose(body + "字", {})) == 2


def test_placeholder_of_another_kind_is_refused():
    errors = placeholder_errors("{name}，《{paper_title}》", "inactivity")
    assert len(errors) == 1 and "paper_title" in str(errors[0])


def test_known_placeholders_pass():
    assert placeholder_errors("{name}还有{days_left}天（{exam_date}）", "exam_countdown") == []


@pytest.mark.parametrize("body", ["{name", "name}", "{name.__class__}", "{0}"])
def test_malformed_or_attribute_placeholders_are_refused(body):
    assert placeholder_errors(body, "inactivity")


def test_unknown_context_values_never_reach_the_text():
    assert compose("{name}{days}", {"name": "王芳"}) == f"{SIGNATURE}王芳{OPT_OUT_LINE}"
