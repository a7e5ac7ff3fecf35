"""Django's JSON serialisation, keeping times to the microsecond.

DjangoJSONEncoder cuts datetimes and times to milliseconds, so a backup restored from plain JSON would
not be identical to the database it came from. Registered as the "exactjson" format.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self) -> None:
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
