"""Mentoring loops that close (issue 15, item 5): a visit's agreed next action is closed or rescheduled,
a visit is corrected by its author or the Dinas, a new flagship's first visit falls due counted from its
designation, and producer visits are reachable from the producer and product pages."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import MentoringVisit
from assistance.selectors import flagships_without_recent_visit
from core.errors import Refused
from products.models import Product
from tests.factories import (
    KRAMATWATU_VILLAGE,
    DesignationFactory,
    MentoringVisitFactory,
    ProducerFactory,
    ProductFactory,
    make_officer,
)
from villages.roles import scope_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def open_follow_up(**overrides) -> MentoringVisit:
    """A visit 10 days ago whose agreed next action was due yesterday."""
    fields = {
        "visited_on": days_ago(10),
        "next_action": "Cetak label baru",
        "next_action_due": days_ago(1),
        "findings": "Label belum sesuai BPOM",
    }
    return MentoringVisitFactory(**(fields | overrides))


def close_url(visit: MentoringVisit) -> str:
    return reverse("assistance:visit_follow_up_close", args=[visit.pk])


def reschedule_url(visit: MentoringVisit) -> str:
    return reverse("assistance:visit_follow_up_reschedule", args=[visit.pk])


def overdue_actions(client) -> list[str]:
    return [v.next_action for v in client.get(reverse("assistance:overdue")).context["actions"]]


# --- closing ---------------------------------------------------------------------------------------


def test_an_officer_closes_a_follow_up_with_its_date_and_note_and_it_leaves_the_overdue_list(
    officer_a, officer_a_client
):
    visit = open_follow_up()
    assert overdue_actions(officer_a_client) == ["Cetak label baru"]

    response = officer_a_client.post(
        close_url(visit), {"done_on": days_ago(2).isoformat(), "note": "Label sudah dicetak 500 lembar"}
    )

    assert response.status_code == 302
    assert response["Location"] == visit.product.get_absolute_url()
    visit.refresh_from_db()
    assert visit.next_action_done is True
    assert visit.next_action_done_on == days_ago(2)
    assert visit.next_action_note == "Label sudah dicetak 500 lembar"
    assert visit.follow_up_state == "done"
    latest = visit.history.latest()
    assert latest.history_user == officer_a  # who closed it, and when, is in the audit trail
    assert overdue_actions(officer_a_client) == []


def test_closing_returns_to_the_page_the_official_came_from_but_never_to_another_site(officer_a_client):
    visit, other = open_follow_up(), open_follow_up()
    todo = reverse("officials:todo")
    data = {"done_on": TODAY.isoformat(), "note": ""}
    assert officer_a_client.post(close_url(visit), {**data, "next": todo})["Location"] == todo
    response = officer_a_client.post(close_url(other), {**data, "next": "https://example.com/"})
    assert response["Location"] == other.product.get_absolute_url()


def test_the_close_form_shows_the_follow_up(officer_a_client):
    visit = open_follow_up()
    page = officer_a_client.get(close_url(visit)).content.decode()
    assert "Tandai tindak lanjut selesai" in page
    assert "Cetak label baru" in page
    assert visit.product.name in page


def test_closing_twice_is_refused_with_the_day_it_was_closed(officer_a_client):
    visit = open_follow_up()
    services.visit_follow_up_close(visit=visit, done_on=days_ago(1), note="Selesai")

    with pytest.raises(Refused, match="sudah ditutup"):
        services.visit_follow_up_close(visit=visit, done_on=TODAY, note="Lagi")
    response = officer_a_client.post(close_url(visit), {"done_on": TODAY.isoformat(), "note": ""})

    assert response.status_code == 200
    assert "Tindak lanjut ini sudah ditutup" in response.content.decode()
    visit.refresh_from_db()
    assert visit.next_action_done_on == days_ago(1)
    assert visit.next_action_note == "Selesai"


@pytest.mark.parametrize(
    ("done_on", "message"),
    [
        (days_ago(11), "sebelum tanggal kunjungan"),
        (TODAY + datetime.timedelta(days=1), "masa depan"),
    ],
)
def test_a_done_date_before_the_visit_or_in_the_future_is_refused(officer_a_client, done_on, message):
    visit = open_follow_up()
    response = officer_a_client.post(close_url(visit), {"done_on": done_on.isoformat(), "note": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    visit.refresh_from_db()
    assert visit.next_action_done is False


def test_a_visit_without_an_agreed_next_action_has_nothing_to_close_or_reschedule():
    visit = MentoringVisitFactory(visited_on=days_ago(3))
    with pytest.raises(Refused, match="tidak punya tindak lanjut"):
        services.visit_follow_up_close(visit=visit, done_on=TODAY, note="")
    with pytest.raises(Refused, match="tidak punya tindak lanjut"):
        services.visit_follow_up_reschedule(visit=visit, due_on=TODAY, reason="Hujan")


def test_a_bad_close_form_is_answered_with_its_errors(officer_a_client):
    visit = open_follow_up()
    response = officer_a_client.post(close_url(visit), {"done_on": "kemarin"})
    assert response.status_code == 200
    assert response.context["form"].errors["done_on"]
    visit.refresh_from_db()
    assert visit.next_action_done is False


# --- rescheduling ----------------------------------------------------------------------------------


def test_rescheduling_moves_the_due_date_keeps_the_first_one_and_the_overdue_list_follows(officer_a_client):
    visit = open_follow_up()
    new_due = TODAY + datetime.timedelta(days=20)

    response = officer_a_client.post(
        reschedule_url(visit),
        {"due_on": new_due.isoformat(), "reason": "Percetakan tutup sampai bulan depan"},
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.next_action_due == new_due
    assert visit.next_action_first_due == days_ago(1)
    assert visit.next_action_reschedule_reason == "Percetakan tutup sampai bulan depan"
    assert visit.next_action_done is False
    assert overdue_actions(officer_a_client) == []  # the rescheduled date counts

    # a second move keeps the first agreed date; the history has every move
    services.visit_follow_up_reschedule(
        visit=visit, due_on=new_due + datetime.timedelta(days=7), reason="Lagi"
    )
    visit.refresh_from_db()
    assert visit.next_action_first_due == days_ago(1)
    assert [h.next_action_due for h in visit.history.order_by("history_date", "history_id")] == [
        days_ago(1),
        new_due,
        new_due + datetime.timedelta(days=7),
    ]


def test_a_rescheduled_follow_up_is_overdue_again_once_its_new_date_passes(officer_a_client):
    visit = open_follow_up(visited_on=days_ago(30), next_action_due=days_ago(20))
    services.visit_follow_up_reschedule(
        visit=visit, due_on=TODAY, reason="Menunggu bahan", today=days_ago(15)
    )
    assert overdue_actions(officer_a_client) == []
    MentoringVisit.objects.filter(pk=visit.pk).update(next_action_due=days_ago(1))  # time passes
    assert overdue_actions(officer_a_client) == ["Cetak label baru"]


@pytest.mark.parametrize(
    ("due_on", "reason", "message"),
    [
        (days_ago(11), "Hujan", "sebelum tanggal kunjungan"),
        (days_ago(1), "Hujan", "sebelum hari ini"),
        (TODAY + datetime.timedelta(days=5), "   ", "alasan"),
    ],
)
def test_bad_reschedules_are_refused(due_on, reason, message):
    visit = open_follow_up()
    with pytest.raises(Refused, match=message):
        services.visit_follow_up_reschedule(visit=visit, due_on=due_on, reason=reason)
    visit.refresh_from_db()
    assert visit.next_action_due == days_ago(1)
    assert visit.next_action_first_due is None


def test_rescheduling_to_before_the_visit_is_refused_on_the_page(officer_a_client):
    visit = open_follow_up()
    response = officer_a_client.post(
        reschedule_url(visit), {"due_on": days_ago(11).isoformat(), "reason": "Salah ketik"}
    )
    assert response.status_code == 200
    assert "Batas waktu baru tidak boleh sebelum tanggal kunjungan." in response.content.decode()
    visit.refresh_from_db()
    assert visit.next_action_due == days_ago(1)


def test_a_closed_follow_up_cannot_be_rescheduled():
    visit = open_follow_up()
    services.visit_follow_up_close(visit=visit, done_on=TODAY, note="")
    with pytest.raises(Refused, match="sudah ditutup"):
        services.visit_follow_up_reschedule(
            visit=visit, due_on=TODAY + datetime.timedelta(days=3), reason="x"
        )


def test_the_database_refuses_a_done_date_on_an_open_follow_up_and_a_reschedule_without_reason():
    visit = open_follow_up()
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringVisit.objects.filter(pk=visit.pk).update(next_action_done_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringVisit.objects.filter(pk=visit.pk).update(next_action_first_due=days_ago(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringVisit.objects.filter(pk=visit.pk).update(
            next_action_done=True, next_action_done_on=days_ago(11)
        )


@pytest.mark.django_db(transaction=True)
def test_two_officials_closing_the_same_follow_up_at_once_close_it_once(regions):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL; SQLite serialises all writes")
    visit = open_follow_up()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def close(note: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.visit_follow_up_close(visit=visit, done_on=TODAY, note=note)
            results.append("closed")
        except Refused as refusal:
            results.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(note,)) for note in ("pertama", "kedua")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count("closed") == 1
    assert any("sudah ditutup" in r for r in results)
    assert MentoringVisit.history.filter(id=visit.pk, next_action_done=True).count() == 1


# --- who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_of", [close_url, reschedule_url])
def test_an_officer_of_another_kecamatan_gets_404_and_anonymous_visitors_sign_in(
    url_of, officer_b_client, client
):
    visit = open_follow_up()
    url = url_of(visit)
    data = {"done_on": TODAY.isoformat(), "due_on": TODAY.isoformat(), "reason": "x", "note": ""}
    assert officer_b_client.get(url).status_code == 404
    assert officer_b_client.post(url, data).status_code == 404
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    visit.refresh_from_db()
    assert (visit.next_action_done, visit.next_action_due) == (False, days_ago(1))


def test_any_official_of_the_area_and_the_dinas_may_close_a_follow_up(client_class, dinas_client):
    colleague = client_class()
    colleague.force_login(make_officer("petugas-ciruas-2", "36.04.09"))
    first, second = open_follow_up(), open_follow_up()
    assert colleague.post(close_url(first), {"done_on": TODAY.isoformat()}).status_code == 302
    assert dinas_client.post(close_url(second), {"done_on": TODAY.isoformat()}).status_code == 302
    assert MentoringVisit.objects.filter(next_action_done=True).count() == 2


# --- correcting a visit ---------------------------------------------------------------------------


def test_the_author_and_the_dinas_may_correct_a_visit_and_see_its_history(
    officer_a, officer_a_client, dinas_client
):
    visit = open_follow_up(officer=officer_a)
    url = reverse("assistance:visit_update", args=[visit.pk])
    data = {
        "visited_on": visit.visited_on.isoformat(),
        "findings": "Label belum sesuai; kemasan bocor",
        "next_action": visit.next_action,
        "next_action_due": visit.next_action_due.isoformat(),
        "next_action_done_on": "",
        "next_action_note": "",
    }
    assert officer_a_client.post(url, data).status_code == 302
    assert dinas_client.post(url, {**data, "findings": "Dikoreksi Dinas"}).status_code == 302
    visit.refresh_from_db()
    assert visit.findings == "Dikoreksi Dinas"

    page = dinas_client.get(url).content.decode()
    assert "Riwayat perubahan" in page
    assert "Label belum sesuai; kemasan bocor" in page  # the earlier version, in the trail
    assert "petugas-ciruas" in page


def test_another_officer_of_the_same_kecamatan_may_not_correct_a_visit(officer_a, client_class):
    visit = open_follow_up(officer=officer_a)
    colleague = client_class()
    colleague.force_login(make_officer("petugas-ciruas-2", "36.04.09"))
    url = reverse("assistance:visit_update", args=[visit.pk])
    assert colleague.get(url).status_code == 403
    assert colleague.post(url, {"findings": "Diubah orang lain"}).status_code == 403
    visit.refresh_from_db()
    assert visit.findings == "Label belum sesuai BPOM"


def test_an_officer_of_another_kecamatan_cannot_open_a_visit_to_correct_it(
    officer_a, officer_b_client, client
):
    visit = open_follow_up(officer=officer_a)
    url = reverse("assistance:visit_update", args=[visit.pk])
    assert officer_b_client.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_ticking_done_in_the_correction_form_dates_it_and_unticking_reopens_it(officer_a, officer_a_client):
    visit = open_follow_up(officer=officer_a)
    url = reverse("assistance:visit_update", args=[visit.pk])
    data = {
        "visited_on": visit.visited_on.isoformat(),
        "findings": visit.findings,
        "next_action": visit.next_action,
        "next_action_due": visit.next_action_due.isoformat(),
        "next_action_done": "on",
        "next_action_done_on": "",
        "next_action_note": "",
    }
    assert officer_a_client.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert (visit.next_action_done, visit.next_action_done_on) == (True, TODAY)
    del data["next_action_done"]
    assert officer_a_client.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert (visit.next_action_done, visit.next_action_done_on) == (False, None)


# --- a new flagship's first visit ----------------------------------------------------------------------


def flagship_designated(days: int, **product) -> Product:
    return DesignationFactory(approved=True, decree_date=days_ago(days), **product).product


@pytest.mark.parametrize(
    ("designated_days_ago", "listed"),
    [(59, False), (60, False), (61, True)],
)
def test_a_flagship_never_visited_is_due_its_first_visit_n_days_after_its_designation(
    dinas, designated_days_ago, listed
):
    product = flagship_designated(designated_days_ago)
    due = flagships_without_recent_visit(Product.objects.for_scope(scope_of(dinas)), 60)
    assert (product in due) is listed


def test_a_flagship_designated_today_is_not_overdue(officer_a_client, settings):
    settings.OVOP_MENTORING_DAYS = 60
    flagship_designated(0, product__name="Baru ditetapkan")
    response = officer_a_client.get(reverse("assistance:overdue"))
    assert list(response.context["unvisited"]) == []
    assert "Baru ditetapkan" not in response.content.decode()


@pytest.mark.parametrize(
    ("visited_days_ago", "listed"),
    [(59, False), (60, False), (61, True)],
)
def test_a_flagship_long_designated_is_due_n_days_after_its_last_visit(dinas, visited_days_ago, listed):
    product = flagship_designated(400)
    MentoringVisitFactory(product=product, visited_on=days_ago(visited_days_ago))
    due = flagships_without_recent_visit(Product.objects.for_scope(scope_of(dinas)), 60)
    assert (product in due) is listed


def test_a_visit_before_the_designation_does_not_make_the_first_visit_due_earlier(dinas):
    product = flagship_designated(30)
    MentoringVisitFactory(product=product, visited_on=days_ago(200))
    assert product not in flagships_without_recent_visit(Product.objects.for_scope(scope_of(dinas)), 60)


def test_a_past_decree_recorded_today_counts_from_the_decrees_date(dinas):
    """The designation day is the decree's date (Designation.decided_on), not the day it was entered."""
    product = flagship_designated(400)
    from products.models import Designation

    assert Designation.objects.get(product=product).decided_at.date() >= days_ago(1)
    row = flagships_without_recent_visit(Product.objects.for_scope(scope_of(dinas)), 60).get(pk=product.pk)
    assert row.designated_on == days_ago(400)
    assert row.last_visit is None


def test_the_dashboard_counts_flagships_due_by_the_same_rule(dinas, settings):
    from officials.selectors import follow_up

    settings.OVOP_MENTORING_DAYS = 60
    flagship_designated(0, product__name="Baru")
    flagship_designated(61, product__name="Lama", product__village_id="36.04.09.2002")
    assert follow_up(scope_of(dinas))["mentoring_overdue"] == 1


# --- producer visits are reachable -------------------------------------------------------------------


def test_the_producer_page_links_to_recording_a_visit_and_shows_its_follow_ups(officer_a_client):
    producer = ProducerFactory(business_name="Gerabah Ibu Sari")
    visit = open_follow_up(product=None, producer=producer)
    page = officer_a_client.get(producer.get_absolute_url())
    html = page.content.decode()

    assert producer.get_absolute_url() == reverse("officials:producer_detail", args=[producer.pk])
    assert page.templates[0].name == "officials/producer_detail.html"
    assert reverse("assistance:visit_create_for_producer", args=[producer.pk]) in html
    assert "Cetak label baru" in html
    assert "terlambat" in html
    assert close_url(visit) in html
    assert reschedule_url(visit) in html
    assert reverse("products:producer_update", args=[producer.pk]) in html  # the registry part


def test_recording_a_producer_visit_from_its_page_returns_to_it(officer_a_client):
    producer = ProducerFactory()
    response = officer_a_client.post(
        reverse("assistance:visit_create_for_producer", args=[producer.pk]),
        {
            "visited_on": TODAY.isoformat(),
            "findings": "Tungku baru",
            "next_action": "",
            "next_action_due": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == producer.get_absolute_url()
    assert MentoringVisit.objects.get().producer == producer


def test_the_product_page_shows_visits_with_their_follow_up_state_and_buttons(officer_a, officer_a_client):
    product = ProductFactory(name="Emping Melinjo")
    late = open_follow_up(product=product, officer=officer_a)
    done = open_follow_up(product=product, next_action="Daftar PIRT")
    services.visit_follow_up_close(visit=done, done_on=TODAY, note="Nomor PIRT terbit")
    html = officer_a_client.get(product.get_absolute_url()).content.decode()

    assert reverse("assistance:visit_create_for_product", args=[product.pk]) in html
    assert close_url(late) in html and reschedule_url(late) in html
    assert close_url(done) not in html  # a closed follow-up has nothing left to do
    assert "Nomor PIRT terbit" in html
    # the author may correct their visit; the other visit was another official's
    assert reverse("assistance:visit_update", args=[late.pk]) in html
    assert reverse("assistance:visit_update", args=[done.pk]) not in html


def test_the_producer_page_of_another_kecamatan_is_404(officer_b_client, client):
    producer = ProducerFactory()
    assert officer_b_client.get(producer.get_absolute_url()).status_code == 404
    assert client.get(producer.get_absolute_url()).status_code == 302


def test_a_producer_page_in_kecamatan_b_is_open_to_its_officer(officer_b_client):
    producer = ProducerFactory(village_id=KRAMATWATU_VILLAGE)
    assert officer_b_client.get(producer.get_absolute_url()).status_code == 200


def test_the_migration_dates_follow_ups_done_before_from_the_first_record_showing_them_done():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("assistance.migrations.0005_follow_up_close_reschedule")
    done = open_follow_up(visited_on=days_ago(30))
    done.next_action_done = True
    done.save()  # as the old form did: the history records the day it was ticked
    never_recorded = open_follow_up(visited_on=days_ago(30))
    # rows as they were before the migration: done, without a date (the second one outside the history)
    MentoringVisit.objects.filter(pk=done.pk).update(next_action_done_on=None)
    MentoringVisit.objects.filter(pk=never_recorded.pk).update(next_action_done=True)

    migration.date_done_follow_ups(apps, None)

    done.refresh_from_db()
    never_recorded.refresh_from_db()
    assert done.next_action_done_on == TODAY
    assert (never_recorded.next_action_done, never_recorded.next_action_done_on) == (True, None)
