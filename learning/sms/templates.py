"""Provider templates (短信模板): what Aliyun and Tencent are sent instead of free text.

Chinese carriers deliver application texts only as a template approved in advance, under an
approved signature; the provider gets the template's code and the values of its variables.
One :class:`~learning.models.MessageTemplate` per message kind holds the body organisers
edit (with ``{name}``-style placeholders) and the code each provider gave for it. The body is
submitted for approval in each provider's own variable syntax (:func:`provider_text`):

- Aliyun names its variables: ``${name}您好……`` with ``TemplateParam={"name": "李晓梅"}``;
- Tencent numbers them in order of appearance: ``{1}您好……`` with ``TemplateParamSet``.

A kind without a code for the active provider is refused (:class:`TemplateNotReady`), and the
deploy check lists such kinds, so a missing approval shows before the first reminder fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from learning.models import MessageTemplate
from learning.sms.backends import PermanentSmsError
from learning.sms.text import DEFAULT_TEMPLATES, suffix, variables

#: The backends that send templates, not text.
PROVIDERS = ("aliyun", "tencent")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TemplateNotReady(PermanentSmsError):
    """The kind has no template code for the active provider: the message is not sent."""


@dataclass(frozen=True)
class ProviderTemplate:
    """One kind's template as one provider knows it."""

    kind: str
    code: str
    sign_name: str
    #: The body's variables in order of first appearance (Tencent's {1}, {2}...).
    variables: tuple[str, ...]

    def ordered_params(self, params: dict) -> list[str]:
        return [str(params.get(name, "")) for name in self.variables]


def sign_name_of(template: MessageTemplate | None) -> str:
    return (template.sign_name if template else "") or settings.SMS_SIGN_NAME


def provider_text(body: str, kind: str, provider: str) -> str:
    """The template text to submit to ``provider`` for approval (without the signature,
    which the provider adds from the approved signature name)."""
    if provider == "tencent":
        order = {name: index for index, name in enumerate(variables(body), start=1)}
        text = _PLACEHOLDER.sub(lambda match: f"{{{order[match.group(1)]}}}", body)
    else:
        text = _PLACEHOLDER.sub(lambda match: f"${{{match.group(1)}}}", body)
    return f"{text.strip()}{suffix(kind)}"


def provider_templates(provider: str) -> dict[str, ProviderTemplate]:
    """Every kind that can be sent through ``provider`` now (one query)."""
    found = {}
    for template in MessageTemplate.objects.all():
        code = template.code_for(provider)
        if code:
            found[template.kind] = ProviderTemplate(
                kind=template.kind,
                code=code,
                sign_name=sign_name_of(template),
                variables=tuple(variables(template.body)),
            )
    return found


def template_for(kind: str, provider: str, known: dict[str, ProviderTemplate]) -> ProviderTemplate:
    """The kind's template at the provider, or :class:`TemplateNotReady`."""
    template = known.get(kind)
    if template is None:
        raise TemplateNotReady(
            _("“%(kind)s”没有%(provider)s的模板编号，未发送：请在短信模板中填写审核通过的编号。")
            % {"kind": kind or _("自定义短信"), "provider": provider}
        )
    return template


def missing_codes(provider: str) -> list[str]:
    """Kinds whose template has no code for ``provider`` (the deploy check lists them)."""
    coded = set(provider_templates(provider))
    return sorted(kind for kind in DEFAULT_TEMPLATES if kind not in coded)
