"""A dashboard socket lives only as long as the right that opened it: signing out,
deactivation or a new role closes it (4401), and no alert reaches it afterwards."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from core.asgi import application
from core.models import User
from isolation import services
from tests.helpers import api_token_for
from tests.isolation.helpers import new_client_id

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5


def signed_in_browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def open_dashboard(*, cookie: str | None = None, token: str | None = None):
    headers = [(b"origin", b"http://testserver")]
    path = "/ws/dashboard/"
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    if token:
        path += f"?token={token}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    await communicator.send_json_to({"type": "replay", "after": 0})
    while (await communicator.receive_json_from(timeout=TIMEOUT))["type"] != "replayed":
        pass
    return communicator


async def assert_closed_without_events(communicator, patient) -> None:
    frame = await communicator.receive_output(timeout=TIMEOUT)
    assert frame == {"type": "websocket.close", "code": 4401}
    # A danger report afterwards never reaches the closed socket.
    await checkin(patient, spo2=90)
    assert await communicator.receive_nothing(timeout=0.5)


checkin = database_sync_to_async(
    lambda patient, **values: services.checkin_submit(
        patient=patient, client_id=new_client_id(), **values
    )
)


async def test_it_closes_the_dashboard_when_the_nurse_signs_out(
    alice, alice_isolating, nurse
):
    browser = await database_sync_to_async(signed_in_browser)(nurse)
    socket = await open_dashboard(cookie=browser.cookies["sessionid"].value)

    response = await database_sync_to_async(browser.post)("/dashboard/logout/")

    assert response.status_code == 302
    await assert_closed_without_events(socket, alice)


async def test_it_closes_a_token_socket_when_the_token_signs_out(
    alice, alice_isolating, nurse
):
    token = await database_sync_to_async(api_token_for)(nurse)
    socket = await open_dashboard(token=token)

    def sign_out():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/v1/auth/signout")

    assert (await database_sync_to_async(sign_out)()).status_code == 204
    await assert_closed_without_events(socket, alice)


@pytest.mark.parametrize(
    "change",
    [
        {"is_active": False},
        {"role": User.Role.HEALTH_OFFICE},
    ],
    ids=["deactivated", "new-role"],
)
async def test_it_closes_the_dashboard_on_deactivation_or_a_new_role(
    alice, alice_isolating, nurse, change
):
    browser = await database_sync_to_async(signed_in_browser)(nurse)
    socket = await open_dashboard(cookie=browser.cookies["sessionid"].value)

    def save():
        for field, value in change.items():
            setattr(nurse, field, value)
        nurse.save()  # as the admin's change form does

    await database_sync_to_async(save)()

    await assert_closed_without_events(socket, alice)


async def test_it_checks_again_before_forwarding_an_event(
    alice, alice_isolating, nurse
):
    browser = await database_sync_to_async(signed_in_browser)(nurse)
    socket = await open_dashboard(cookie=browser.cookies["sessionid"].value)
    # A bulk update sends no notice; the next event still finds the account gone.
    await database_sync_to_async(User.objects.filter(pk=nurse.pk).update)(
        is_active=False
    )

    await checkin(alice, spo2=91)

    frame = await socket.receive_output(timeout=TIMEOUT)
    assert frame == {"type": "websocket.close", "code": 4401}
    assert await socket.receive_nothing(timeout=0.5)


async def test_a_colleague_signing_out_leaves_the_others_connected(
    alice, alice_isolating, nurse
):
    colleague = await database_sync_to_async(
        lambda: User.objects.create_user(
            "+6281100000099",
            role=User.Role.HEALTH_WORKER,
            facility_id=nurse.facility_id,
            full_name="Ns. Rina",
        )
    )()
    mine = await database_sync_to_async(signed_in_browser)(nurse)
    theirs = await database_sync_to_async(signed_in_browser)(colleague)
    socket = await open_dashboard(cookie=mine.cookies["sessionid"].value)

    await database_sync_to_async(theirs.post)("/dashboard/logout/")
    await checkin(alice, spo2=91)

    frame = await socket.receive_json_from(timeout=TIMEOUT)
    assert frame["type"] == "event"
    await socket.disconnect()
