"""Fault: the broker is unreachable when a record is submitted for review. The submission
succeeds, its e-mail waits as a pending job in the database (cogwg/outbox.py), and once
the broker is back the sweeper (as beat sends it) queues the job and a real worker sends
it once, to the mail server, marking it done; a second sweep finds nothing to do.

The broker is a ``redis-server`` of this test's own on a free port, not yet started when
the record is submitted (a connection is refused at once), started afterwards; the worker
sends to a mail server of the test's own (tests/fakes/smtp_server.py)."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from cogwg.choices import EmailJobState, PublicationState
from cogwg.models import EmailJob
from cogwg.notification_tasks import sweep_pending_emails
from cogwg.permissions import SECRETARIAT, roles_sync
from tests.factories import AccomplishmentFactory, StaffFactory, UserFactory
from tests.fakes.smtp_server import FakeSmtp
from tests.ops.faults import Worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_record_submitted_with_the_broker_down_has_its_e_mail_sent_once_by_a_worker_once_it_is_back(
    broker_down, workers, media_root, tmp_path
):
    roles_sync()
    desk = UserFactory(email="desk@example.org", is_staff=True)
    desk.groups.add(Group.objects.get(name=SECRETARIAT))
    record = AccomplishmentFactory(publication_state=PublicationState.DRAFT)
    client = APIClient()
    client.force_authenticate(StaffFactory())

    response = client.post(f"/api/v1/accomplishments/{record.pk}/submit/")

    assert response.status_code == 200, response.content
    (job,) = EmailJob.objects.all()
    assert (job.state, job.attempts) == (EmailJobState.PENDING, 0)

    broker_down.start()
    with FakeSmtp() as smtp:
        worker = Worker(
            broker_url=broker_down.url,
            media_root=media_root,
            log_path=tmp_path / "worker.log",
            env={
                "DJANGO_SETTINGS_MODULE": "tests.ops.worker_mail_settings",
                "COGWG_TEST_WORKER_SMTP_PORT": str(smtp.port),
            },
        )
        workers.append(worker.start())
        sweep_pending_emails.apply_async(kwargs={"pending_minutes": 0})

        def done():
            job.refresh_from_db()
            return job.state == EmailJobState.DONE

        wait_for(done, message=f"the e-mail job done by the worker\n{worker.log_text()[-4000:]}")
        # Swept again, it is not queued again.
        assert sweep_pending_emails.apply(kwargs={"pending_minutes": 0}).get() == 0

        (message,) = smtp.messages
    assert message.recipients == ("desk@example.org",)
    assert b"submitted for review" in message.data
    assert job.attempts == 1
