"""The benchmark's dataset (``bench/seed.py``) at a tiny scale, in the test database: the
denormalised counters and positions the pages rely on are right, the consultations' rules
hold, every notification renders, and the same seed writes the same data."""

import datetime as dt
import io

import pytest
from django.db import connection, transaction

from bench import seed as bench_seed
from parvis.consultations.models import Consultation, ConsultationStatus, Response
from parvis.core.richtext import render_markdown
from parvis.groups.mentions import handle_from_names
from parvis.groups.models import Group, Membership, Message, Role, Thread, Visibility
from parvis.news.models import Follow, Post, PostStatus
from parvis.notifications import registry
from parvis.notifications.models import Notification
from parvis.organisations.models import OrganisationMembership, OrganisationRole

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

#: The minimum counts (``bench_seed.MINIMUM``), a few seconds.
SCALE = 0.0005
ANCHOR = dt.date.today()
#: Columns that hold the moment of seeding or a random salt, not the dataset.
NOT_DATA = ("password", "updated_at", "last_login")


def run_seed():
    return bench_seed.seed(
        scale=SCALE, anchor=ANCHOR, reset_first=True, out=io.StringIO(), allow_any_database=True
    )


def query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def make_territory():
    """A small Oise: one département, two arrondissements, two EPCI, four communes."""
    from parvis.territories.models import Territory, TerritoryKind

    def make(kind, code, name, **extra):
        return Territory.objects.create(
            kind=kind, code=code, name=name, slug=f"{name.lower()}-{code}", **extra
        )

    oise = make(TerritoryKind.DEPARTEMENT, "60", "Oise", population=829899)
    for number, (arrondissement, epci, communes) in enumerate(
        (
            (
                "Beauvais",
                "CA du Beauvaisis",
                [("60057", "Beauvais", 56020), ("60639", "Tillé", 1100)],
            ),
            (
                "Compiègne",
                "CA de Compiègne",
                [("60159", "Compiègne", 40028), ("60382", "Margny", 8496)],
            ),
        )
    ):
        arr = make(TerritoryKind.ARRONDISSEMENT, f"60{number}", arrondissement, departement=oise)
        group = make(TerritoryKind.EPCI, f"2000{number}", epci, departement=oise)
        for code, name, population in communes:
            make(
                TerritoryKind.COMMUNE,
                code,
                name,
                population=population,
                departement=oise,
                arrondissement=arr,
                epci=group,
            )


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The dataset, seeded once for the module in a transaction rolled back at its end (each
    test runs in a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_territory()
        yield run_seed()
        transaction.set_rollback(True)


def test_refuses_a_database_not_named_bench_unless_allowed(db, monkeypatch):
    # Whatever the test database is called, the guard reads the name of a production one.
    monkeypatch.setitem(connection.settings_dict, "NAME", "parvis")
    groups = Group.objects.count()
    with pytest.raises(SystemExit, match="Refusing to seed"):
        bench_seed.seed(scale=SCALE, anchor=ANCHOR, reset_first=True, out=io.StringIO())
    assert Group.objects.count() == groups  # nothing emptied, nothing written


def test_every_kind_of_row_is_written(seeded):
    for table in (
        "members",
        "organisations",
        "events",
        "participations",
        "groups",
        "group memberships",
        "discussions",
        "group messages",
        "posts",
        "follows",
        "consultations",
        "consultation responses",
        "consultation answers",
        "questions",
        "question supports",
        "local reports",
        "calls for volunteers",
        "volunteer sign-ups",
        "notifications",
    ):
        assert seeded.counts.get(table, 0) > 0, table
    assert Group.objects.count() == bench_seed.MINIMUM["groups"]
    assert Message.objects.count() == bench_seed.FULL_SCALE["messages"] * SCALE
    assert Group.objects.filter(visibility=Visibility.PRIVATE).exists()
    assert Group.objects.filter(visibility=Visibility.PUBLIC).exists()
    # Every foreign key points to a row (Django's are checked at commit: check them now).
    connection.check_constraints()


def test_discussions_have_dense_positions_and_right_counters(seeded):
    bad = query(
        """
        SELECT t.id FROM groups_thread t
        JOIN groups_message m ON m.thread_id = t.id
        GROUP BY t.id
        HAVING min(m.position) <> 1 OR max(m.position) <> t.message_count
            OR count(*) <> t.message_count
        """
    )
    assert bad == []
    assert Thread.objects.filter(message_count=0).count() == 0
    for thread in Thread.objects.select_related("last_message"):
        messages = list(thread.messages.order_by("position"))
        assert thread.last_message == messages[-1]
        assert thread.last_activity_at == messages[-1].created_at
        assert thread.created_at == messages[0].created_at
        assert messages[0].author_id == thread.author_id
        times = [message.created_at for message in messages]
        assert times == sorted(times)
        assert times[-1] < seeded.end


def test_groups_counters_owners_and_authors(seeded):
    for group in Group.objects.all():
        active = Membership.objects.filter(group=group, state="active")
        assert group.member_count == active.count()
        threads = group.threads.filter(deleted_at__isnull=True)
        assert group.thread_count == threads.count()
        latest = max((t.last_activity_at for t in threads), default=group.created_at)
        assert group.last_activity_at == latest
        assert active.filter(role=Role.OWNER).count() == 1, group
        assert group.created_by_id == active.get(role=Role.OWNER).user_id
        if group.organisation_id:
            assert OrganisationMembership.objects.filter(
                organisation_id=group.organisation_id,
                user_id=group.created_by_id,
                role=OrganisationRole.MANAGER,
            ).exists()
    private = Group.objects.filter(visibility=Visibility.PRIVATE)
    assert not private.exclude(memberships__role=Role.OWNER).exists()
    # Messages are written by active members of their group.
    assert not query(
        """
        SELECT m.id FROM groups_message m
        JOIN groups_thread t ON t.id = m.thread_id
        WHERE NOT EXISTS (
            SELECT 1 FROM groups_membership gm
            WHERE gm.group_id = t.group_id AND gm.user_id = m.author_id AND gm.state = 'active'
        )
        """
    )


def test_messages_are_rendered_and_searchable(seeded):
    written = Message.objects.filter(deleted_at__isnull=True)
    for body, html in written.values_list("body", "body_html").distinct():
        assert html == str(render_markdown(body))
    assert not written.filter(search_vector__isnull=True).exists()
    for message in Message.objects.filter(deleted_at__isnull=False):
        assert (message.body, message.body_html, message.deleted_by_id) == (
            "",
            "",
            message.author_id,
        )


def test_consultation_answers_follow_the_rules(seeded):
    answered, pairs = set(), set()
    for consultation in Consultation.objects.prefetch_related("audience"):
        responses = list(consultation.responses.select_related("member"))
        assert consultation.response_count == len(responses)
        if responses:
            assert consultation.status == ConsultationStatus.PUBLISHED
            assert consultation.opens_at < seeded.end
            answered.add(consultation.pk)
        opened = consultation.is_published and consultation.opens_at < seeded.end
        assert consultation.announced_at == (consultation.opens_at if opened else None)
        audience = {territory.pk for territory in consultation.audience.all()}
        for response in responses:
            assert (consultation.pk, response.member_id) not in pairs
            pairs.add((consultation.pk, response.member_id))
            assert response.commune_id == response.member.commune_id
            assert consultation.opens_at <= response.created_at <= consultation.closes_at
            if audience:
                commune = response.member.commune
                assert {commune.pk, commune.epci_id, commune.arrondissement_id} & audience
    assert answered
    assert Response.objects.count() == len(pairs)
    # Each answer is to a question of its consultation, with options of that question.
    assert not query(
        """
        SELECT a.id FROM consultations_answer a
        JOIN consultations_response r ON r.id = a.response_id
        JOIN consultations_question q ON q.id = a.question_id
        WHERE q.consultation_id <> r.consultation_id
        UNION
        SELECT ao.answer_id FROM consultations_answer_options ao
        JOIN consultations_answer a ON a.id = ao.answer_id
        JOIN consultations_option o ON o.id = ao.option_id
        WHERE o.question_id <> a.question_id
        """
    )


def test_questions_to_officials_are_as_the_services_would_write_them(seeded):
    from parvis.questions.models import Question, QuestionStatus

    questions = Question.objects.all()
    assert questions.filter(status=QuestionStatus.ANSWERED).exists()
    for question in questions:
        assert (question.official_id is None) != (question.institution_id is None)
        assert question.support_count == question.supports.count()
        assert question.author.commune_id == question.commune_id
        if question.status == QuestionStatus.ANSWERED:
            assert question.answer and question.answered_at >= question.published_at
        if question.status == QuestionStatus.PENDING:
            assert question.published_at is None and question.support_count == 0


def test_posts_and_follows(seeded):
    for post in Post.objects.select_related("organisation"):
        assert post.organisation.status == "verified"
        assert OrganisationMembership.objects.filter(
            organisation=post.organisation, user_id=post.author_id, role=OrganisationRole.MANAGER
        ).exists()
        if post.status == PostStatus.PUBLISHED:
            assert post.publish_at is not None
        # Live before the dataset's end: already announced (a worker would not notify again).
        if post.publish_at is not None and post.publish_at <= seeded.end:
            assert post.announced_at == post.publish_at
        else:
            assert post.announced_at is None
        assert "{" not in post.title and "{" not in post.body
    assert Post.objects.filter(status=PostStatus.PUBLISHED, publish_at__lt=seeded.end).exists()
    follows = Follow.objects.values_list("user_id", "territory_id", "organisation_id")
    assert len(set(follows)) == follows.count()


def test_notifications_render(seeded):
    notifications = list(Notification.objects.select_related("actor"))
    assert any(n.read_at is None for n in notifications)
    assert any(n.read_at is not None for n in notifications)
    for notification in notifications:
        ntype = registry.get(notification.type_key)
        ntype.render_text({**notification.params, "actor": "Camille Martin"})
        assert notification.url.startswith("/")
        assert notification.created_at < seeded.end


def fingerprint():
    """A digest of every table the dataset writes, row by row in primary key order."""
    tables = [model._meta.db_table for model in bench_seed._reset_models()]
    digest = {}
    for table in tables:
        quoted = connection.ops.quote_name(table)
        removed = " ".join(f"- '{column}'" for column in NOT_DATA)
        ((value,),) = query(
            f"SELECT md5(string_agg((to_jsonb(t) {removed})::text, '|' ORDER BY t.id)) "  # noqa: S608
            f"FROM {quoted} AS t"
        )
        digest[table] = value
    return digest


def test_the_same_seed_writes_the_same_data(seeded):
    first = fingerprint()
    assert first["groups_message"] is not None
    connection.check_constraints()  # and no check left pending before TRUNCATE
    run_seed()
    assert fingerprint() == first


def test_quotes_mentions_and_read_markers_are_as_the_services_would_write_them(seeded):
    assert Message.objects.filter(quoted__isnull=False).exists()
    # A reply quotes an earlier message of its own discussion.
    assert not query(
        """
        SELECT m.id FROM groups_message m JOIN groups_message q ON q.id = m.quoted_id
        WHERE q.thread_id <> m.thread_id OR q.position >= m.position
        """
    )
    # A mention names an active member of the group, written in the message.
    mentions = query(
        """
        SELECT m.body, u.first_name, u.last_name, u.id,
               EXISTS (SELECT 1 FROM groups_membership gm WHERE gm.group_id = t.group_id
                       AND gm.user_id = u.id AND gm.state = 'active')
        FROM groups_mention x JOIN groups_message m ON m.id = x.message_id
        JOIN groups_thread t ON t.id = m.thread_id JOIN accounts_user u ON u.id = x.user_id
        """
    )
    assert mentions
    for body, first_name, last_name, pk, member in mentions:
        assert member
        assert f"@{handle_from_names(first_name, last_name)}-{pk}" in body
    # Read markers stop at a message of the discussion.
    assert query("SELECT count(*) FROM groups_threadread")[0][0] > 0
    assert not query(
        """
        SELECT r.id FROM groups_threadread r JOIN groups_thread t ON t.id = r.thread_id
        WHERE r.last_position < 1 OR r.last_position > t.message_count
        """
    )
