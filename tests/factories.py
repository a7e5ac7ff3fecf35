import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from products.models import Category, LegalityDocument, Producer, Product
from villages.models import OfficerArea, Village
from villages.roles import PETUGAS_DINAS, PETUGAS_KECAMATAN

BUMIJAYA = "36.04.09.2009"  # Desa Bumijaya, Kecamatan Ciruas
CIRUAS = "36.04.09"
KRAMATWATU = "36.04.05"
KRAMATWATU_VILLAGE = "36.04.05.2001"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-test-12345")


def make_officer(username: str, *district_codes: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=PETUGAS_KECAMATAN))
    for code in district_codes:
        OfficerArea.objects.create(user=user, district_id=code)
    return user


def make_dinas(username: str = "dinas"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=PETUGAS_DINAS))
    return user


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    business_name = factory.Sequence(lambda n: f"UMKM Contoh {n}")
    owner_name = "Ibu Contoh"
    village = factory.LazyFunction(lambda: Village.objects.get(code=BUMIJAYA))
    whatsapp = factory.Sequence(lambda n: f"+6281234{n:05d}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Produk Contoh {n}")
    village = factory.LazyFunction(lambda: Village.objects.get(code=BUMIJAYA))
    category = factory.LazyFunction(lambda: Category.objects.get(slug="kerajinan"))
    status = Product.Status.PUBLISHED


class LegalityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalityDocument

    kind = LegalityDocument.Kind.SPP_IRT
    number = factory.Sequence(lambda n: f"PIRT-{n}")
    issued_on = datetime.date(2024, 1, 1)
