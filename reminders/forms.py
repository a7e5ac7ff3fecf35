from django import forms

from .models import ReminderPreference


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["frequency", "language"]
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A choice is always made: the blank "unknown" language is only what a row starts with.
        self.fields["language"].required = True
        self.fields["language"].choices = [c for c in self.fields["language"].choices if c[0]]
