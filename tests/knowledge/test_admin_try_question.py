import pytest
from django.utils.html import escape
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_try_a_question_page_is_refused_to_anonymous_users(client, demo_faq):
    response = client.get(reverse("admin:knowledge_faqentry_try"), {"q": "refund"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_try_a_question_page_is_refused_to_non_staff_users(client, django_user_model, demo_faq):
    client.force_login(django_user_model.objects.create_user(username="shopper", password="pw-123456789"))
    response = client.get(reverse("admin:knowledge_faqentry_try"), {"q": "refund"})
    assert response.status_code == 302


def test_staff_see_the_top_five_entries_with_scores(staff_client, demo_faq):
    response = staff_client.get(reverse("admin:knowledge_faqentry_try"), {"q": "when do i get my refnud"})
    assert response.status_code == 200
    results = response.context["results"]
    assert len(results) == 5
    assert "refund" in results[0]["entry"].question
    page = response.content.decode()
    assert escape(results[0]["entry"].question) in page and "refnud &rarr; refund" in page
    assert f"{results[0]['ranked'].score:.3f}" in page


def test_the_faq_list_links_to_the_try_page(staff_client):
    page = staff_client.get(reverse("admin:knowledge_faqentry_changelist")).content.decode()
    assert reverse("admin:knowledge_faqentry_try") in page


def test_odd_questions_on_the_try_page_do_not_crash(staff_client, demo_faq):
    for q in ["", "😀", "x" * 5000, "退货"]:
        assert staff_client.get(reverse("admin:knowledge_faqentry_try"), {"q": q}).status_code == 200
