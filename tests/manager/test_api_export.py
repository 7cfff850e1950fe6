"""The read API: a user's token, their sites only, keyset pages, media behind the token."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from backends import SIGNED_URL_S

from manager.accounts.models import ApiToken, User
from manager.api.ingest import validator
from manager.inbox.models import Message
from support.manager_messages import PHOTO, make_terminal, message, post_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database")]


def deliver(client, token, count, *, start_hour=10, photo=None, terminal_id="rome-01"):
    ids = []
    for index in range(count):
        body = message(
            terminal_id,
            photo=photo,
            created_at=f"2026-11-22T{start_hour + index:02d}:00:00.000+01:00",
        )
        assert post_message(client, token, body, photo=photo).status_code == 201
        ids.append(body["id"])
    return ids


def user_with_token(name, *sites, role=User.MANAGER):
    user = User.objects.create_user(name, role=role)
    user.sites.set(sites)
    return ApiToken.create_for(user)[1]


def export(client, token, url="/api/v1/export/messages", **params):
    return client.get(url, params, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def two_sites(client, media):
    rome, rome_token = make_terminal("rome-01", "Trattoria Roma")
    milan, milan_token = make_terminal("milano-01", "Trattoria Milano")
    rome_ids = deliver(client, rome_token, 5, photo=PHOTO)
    milan_ids = deliver(client, milan_token, 2, terminal_id="milano-01")
    return rome, milan, rome_ids, milan_ids


def test_pages_follow_next_and_give_every_message_once_in_order(client, two_sites):
    rome, _, rome_ids, _ = two_sites
    token = user_with_token("anna", rome.site)
    seen, url, pages = [], "/api/v1/export/messages", 0
    params = {"limit": 2}
    while url:
        response = export(client, token, url, **params)
        assert response.status_code == 200
        page = response.json()
        assert list(validator("ExportPage").iter_errors(page)) == []
        seen += [item["message"]["id"] for item in page["items"]]
        url, params, pages = page["next"], {}, pages + 1
    assert seen == rome_ids and pages == 3


def test_a_user_sees_only_their_sites(client, two_sites):
    rome, milan, rome_ids, milan_ids = two_sites
    token = user_with_token("anna", rome.site)
    items = export(client, token).json()["items"]
    assert {item["message"]["id"] for item in items} == set(rome_ids)
    assert export(client, token, site=milan.site.slug).status_code == 404
    photo = export(client, token).json()["items"][0]["media"]["photo"]
    assert photo.endswith("/photo")
    other = f"/api/v1/export/messages/{milan_ids[0]}/photo"
    assert export(client, token, other).status_code == 404
    admin = user_with_token("root", role=User.ADMIN)
    assert len(export(client, admin, limit=100).json()["items"]) == 7
    assert (
        export(client, admin, site=milan.site.slug).json()["items"][0]["message"]["id"] in milan_ids
    )


def test_the_photo_is_served_to_the_token_only(client, two_sites, media):
    rome, _, rome_ids, _ = two_sites
    token = user_with_token("anna", rome.site)
    url = f"/api/v1/export/messages/{rome_ids[0]}/photo"
    response = export(client, token, url)
    assert response["Cache-Control"] == "private, no-store"
    if media.kind == "files":
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == PHOTO
    else:
        # From the bucket itself, through the signed link the manager answered with.
        assert response.status_code == 302
        served = httpx.get(response["Location"])
        assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
        assert served.content == PHOTO
    assert client.get(url).status_code == 401
    assert export(client, token, f"/api/v1/export/messages/{rome_ids[0]}/text").status_code == 404


@pytest.mark.parametrize("media", ["s3"], indirect=True)
def test_in_s3_media_are_private_and_linked_for_minutes_after_the_check(client, two_sites, media):
    rome, milan, rome_ids, _ = two_sites
    token = user_with_token("anna", rome.site)
    item = export(client, token).json()["items"][0]
    # The export links to the manager, which checks the token first.
    assert item["media"]["photo"].startswith("http://testserver/api/v1/export/")
    assert client.get(item["media"]["photo"]).status_code == 401
    # Anna cannot get a link to Milan's messages, not even to learn they exist.
    other = user_with_token("marco", milan.site)
    assert export(client, other, item["media"]["photo"]).status_code == 404
    link = urlsplit(export(client, token, item["media"]["photo"])["Location"])
    query = parse_qs(link.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Signature"]
    assert query["X-Amz-Expires"] == [str(SIGNED_URL_S)]
    signed_at = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.UTC
    )
    assert abs(datetime.datetime.now(datetime.UTC) - signed_at).total_seconds() < 60
    # The object itself is private: without the signature the bucket refuses it,
    # and its ACL grants nothing to anyone but the owner.
    bare = httpx.get(f"{link.scheme}://{link.netloc}{link.path}")
    assert bare.status_code == 403 and PHOTO not in bare.content
    stored = Message.objects.get(pk=rome_ids[0]).photo.name
    assert link.path.endswith("/" + stored)
    grants = media.s3.client().get_object_acl(Bucket=media.bucket, Key=stored)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]


def test_since_and_until_select_by_the_visitors_time(client, two_sites):
    rome, _, rome_ids, _ = two_sites
    token = user_with_token("anna", rome.site)
    items = export(
        client, token, since="2026-11-22T11:00:00+01:00", until="2026-11-22T13:00:00+01:00"
    ).json()["items"]
    assert [item["message"]["id"] for item in items] == rome_ids[1:3]
    first = items[0]
    assert first["case"] == {
        "status": "new",
        "assignee": None,
        "tags": [],
        "due_at": None,
        "merged_into": None,
        "qualified_path": None,
    }
    received = datetime.datetime.fromisoformat(first["received_at"])
    assert received.utcoffset() is not None


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"since": "2026-11-22T10:00:00"},
        {"limit": "0"},
        {"limit": "many"},
        {"after": "!!"},
        {"colour": "red"},
    ],
)
def test_bad_parameters_are_400(client, two_sites, params):
    rome = two_sites[0]
    token = user_with_token("anna", rome.site)
    response = export(client, token, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_tokens_that_do_not_work(client, two_sites):
    rome, _, _, _ = two_sites
    assert client.get("/api/v1/export/messages").status_code == 401
    token = user_with_token("anna", rome.site)
    ApiToken.objects.update(revoked_at=datetime.datetime.now(datetime.timezone.utc))
    assert export(client, token).status_code == 401
    # A terminal's token is not a user's.
    _, terminal_token = make_terminal("rome-09", "Trattoria Roma")
    assert export(client, terminal_token).status_code == 401
