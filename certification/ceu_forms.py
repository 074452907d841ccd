"""The admin form of the CEU rules and the audit seed: the service checks it (errors at the field)
and saves it (audited). Services are imported late: the models module imports this one."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm


class CeuRuleForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "rate" in self.fields and self.instance.pk is None:
            from enrollment.selectors.applications import policy_get

            self.fields["rate"].initial = policy_get().audit_rate

    def _post_clean(self):
        super()._post_clean()
        from certification.services.ceus import ceu_rule_check

        try:
            ceu_rule_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)

    def save(self, commit=True):
        from certification.services.ceus import ceu_rule_save

        return ceu_rule_save(instance=self.instance, actor=self.for_user)
