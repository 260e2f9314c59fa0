"""Groups, their memberships and join requests, discussions and messages (with quotes,
mentions and read markers)."""

import datetime as dt

from .base import (
    BATCH,
    GROUP_BATCH,
    THREAD_WINDOW,
    copy_rows,
    lognormal_weights,
    pick_members,
    reserve_ids,
    spread,
    territory_names,
)

#: Group names by theme ("{of}": "de Beauvais", "de la CA du Beauvaisis", "de l'Oise").
GROUP_NAMES = {
    "citizenship": ["Conseil citoyen {of}", "Comité de quartier {of}", "Vivre ensemble {of}"],
    "environment": ["Jardins partagés {of}", "Zéro déchet {of}", "Nature et biodiversité {of}"],
    "culture": ["Amis du patrimoine {of}", "Club de lecture {of}", "Musiciens amateurs {of}"],
    "sport": ["Randonnée {of}", "Course à pied {of}", "Vélo loisir {of}"],
    "solidarity": ["Voisins solidaires {of}", "Entraide {of}", "Aide aux devoirs {of}"],
    "education": ["Parents d'élèves {of}", "Jeunes {of}", "Soutien scolaire {of}"],
    "health": ["Bien vieillir {of}", "Aidants familiaux {of}", "Santé et prévention {of}"],
    "economy": ["Commerçants {of}", "Emploi et entraide {of}", "Entrepreneurs {of}"],
    "mobility": ["Covoiturage {of}", "Vélo au quotidien {of}", "Transports en commun {of}"],
    "agriculture": ["Circuits courts {of}", "Paniers paysans {of}", "Agriculteurs et voisins {of}"],
    "digital": ["Entraide numérique {of}", "Fibre et réseaux {of}", "Démarches en ligne {of}"],
    "other": ["Bons plans {of}", "Nouveaux habitants {of}", "Animaux {of}"],
}
GROUP_THEME_WEIGHTS = [14, 12, 12, 12, 10, 9, 6, 5, 7, 4, 4, 5]
GROUP_DESCRIPTIONS = [
    "Un espace pour échanger, s'entraider et organiser des projets entre habitants.",
    "Partagez vos idées, vos questions et vos bons plans. Débutants bienvenus !",
    "Ce groupe réunit celles et ceux qui veulent agir près de chez eux. **Respect** et "
    "bienveillance avant tout : les règles du site s'appliquent.",
    "Informations, rendez-vous et coups de main. Présentez-vous dans la discussion épinglée.",
]
JOIN_REQUEST_MESSAGES = [
    "Bonjour, je souhaiterais rejoindre le groupe. Merci !",
    "J'habite le quartier depuis peu et j'aimerais participer.",
    "",
]
THREAD_TITLES = [
    "Bienvenue : présentez-vous",
    "Prochaine réunion : quelle date vous convient ?",
    "Idées pour la fête de fin d'année",
    "Besoin d'un coup de main samedi matin",
    "Compte rendu de la dernière rencontre",
    "Covoiturage pour la sortie du mois",
    "Questions sur les travaux rue principale",
    "Bourse aux échanges : qui participe ?",
    "Horaires d'été du local",
    "Proposition à la mairie : votre avis ?",
    "Photos de la journée, merci à tous !",
    "Recherche bénévoles pour l'accueil",
    "Conseils pour débuter",
    "Les bons plans de la semaine",
    "Sondage : quel créneau pour l'atelier ?",
]
MESSAGE_BODIES = [
    "Merci pour l'information, je transmets autour de moi.",
    "Je serai là samedi, je peux apporter des tables et des chaises.",
    "Bonne idée ! Est-ce qu'on peut en parler à la prochaine réunion ?",
    "Bonjour à tous,\n\nJe me permets de relancer le sujet : nous avons besoin de **trois "
    "bénévoles** de plus pour l'accueil du public. Même une heure, ça aide beaucoup.\n\n"
    "Répondez ici si vous êtes disponibles, je ferai le planning.",
    "Voici ce que nous avons décidé :\n\n- rendez-vous à 9 h devant la salle des fêtes ;\n"
    "- chacun apporte son pique-nique ;\n- retour prévu vers 17 h.\n\nN'hésitez pas si vous "
    "avez des questions.",
    "J'ai appelé la mairie ce matin : le dossier est en cours d'instruction, réponse "
    "attendue d'ici la fin du mois. Je vous tiens au courant dès que j'en sais plus.",
    "Pour ceux qui n'ont pas pu venir, le compte rendu est disponible sur "
    "[le site de la commune](https://www.oise.fr). Merci à tous pour votre participation, "
    "c'était une très belle rencontre.",
    "Je ne suis pas tout à fait d'accord : la solution proposée coûte cher et ne règle pas "
    "le problème de fond. Ne pourrait-on pas commencer par un essai de quelques mois, puis "
    "faire le point tous ensemble ?",
    "> Est-ce que quelqu'un a une remorque ?\n\nOui, je peux la prêter le week-end prochain.",
    "Super, merci !",
    "Petit rappel : la réunion est **reportée à jeudi**, même heure, même lieu.",
    "Quelqu'un connaît un bon réparateur de vélos dans le coin ? Le mien a un souci de "
    "dérailleur depuis la dernière sortie.",
]


def _group_bodies():
    """The distinct message texts, each rendered once by the real renderer:
    ``[(body, body_html)]``."""
    from parvis.core.richtext import render_markdown
    from parvis.demo.groups import IDEAS

    texts = [
        text.replace("{mention}", "Camille")
        for idea in IDEAS
        for discussion in idea.discussions
        for text in discussion.messages
    ]
    return [(text, str(render_markdown(text))) for text in MESSAGE_BODIES + texts]


def seed_groups(ctx):
    """Groups by theme (a quarter private), on a commune, an intercommunality or the whole
    département, some owned by an association; each with an owner, a few moderators and
    members mostly from its territory (some left or were removed; ``member_count`` counts the
    active ones), and pending requests to join the groups that take requests."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.demo.french import of, of_epci
    from parvis.groups.models import (
        Group,
        GroupStatus,
        JoinPolicy,
        JoinRequest,
        Membership,
        MembershipState,
        Role,
        Visibility,
    )

    total = ctx.count("groups")
    rng = ctx.rng("groups")
    by_commune, by_epci = ctx.member_pools()
    epci_names = territory_names("epci")
    member_rank = {pk: rank for rank, pk in enumerate(ctx.members)}
    institutions = set(ctx.institutions)
    associations = [
        org for rank, org in enumerate(ctx.organisations) if org[3] and rank not in institutions
    ]
    sizes = spread(
        rng, max(ctx.count("memberships") - total, 0), lognormal_weights(rng, total, 1.1)
    )
    themes = list(GROUP_NAMES)
    statuses = [GroupStatus.ACTIVE] * 95 + [GroupStatus.CLOSED] * 4 + [GroupStatus.DELETED]
    end = ctx.end
    progress = ctx.progress("groups", total)
    for first in range(0, total, GROUP_BATCH):
        groups, plans = [], []
        for rank in range(first, min(first + GROUP_BATCH, total)):
            theme = rng.choices(themes, weights=GROUP_THEME_WEIGHTS)[0]
            owner, organisation = None, None
            if associations and rng.random() < 0.12:
                organisation, commune, manager, _verified = rng.choice(associations)
                owner, scope = member_rank[manager], "commune"
            else:
                commune = ctx.pick_communes(rng, 1)[0]
                draw = rng.random()
                scope = "commune" if draw < 0.5 else "epci" if draw < 0.75 else "whole"
            commune_pk, commune_name, epci, _arrondissement = ctx.communes[commune]
            if scope == "epci" and not epci:
                scope = "commune"
            if scope == "commune":
                territory, pool, place = commune_pk, by_commune.get(commune, []), of(commune_name)
            elif scope == "epci":
                territory, pool, place = epci, by_epci.get(epci, []), of_epci(epci_names[epci])
            else:
                territory, pool, place = None, [], "de l'Oise"
            name = rng.choice(GROUP_NAMES[theme]).format(of=place)[:120]
            public = rng.random() < 0.75
            if public:
                policy = JoinPolicy.OPEN if rng.random() < 0.8 else JoinPolicy.REQUEST
            else:
                policy = JoinPolicy.REQUEST if rng.random() < 0.55 else JoinPolicy.INVITATION
            status = rng.choice(statuses)
            created = end - dt.timedelta(minutes=rng.randint(14 * 24 * 60, 3 * 365 * 24 * 60))
            taken = {owner} if owner is not None else set()
            wanted = 1 + sizes[rank] - len(taken)
            people = [*taken, *pick_members(rng, wanted, pool, len(ctx.members), taken)]
            moderators = min(len(people) - 1, rng.choice((0, 1, 1, 2)) + len(people) // 40)
            memberships, active = [], [people[0]]
            for position, person in enumerate(people):
                joined = created
                state, left = MembershipState.ACTIVE, None
                if position:
                    joined = created + (end - created) * rng.random()
                    draw = rng.random()
                    if draw < 0.07:
                        state = MembershipState.LEFT if draw < 0.05 else MembershipState.REMOVED
                        left = joined + (end - joined) * rng.random()
                    else:
                        active.append(person)
                role = Role.MEMBER
                if position == 0:
                    role = Role.OWNER
                elif position <= moderators and state == MembershipState.ACTIVE:
                    role = Role.MODERATOR
                memberships.append((person, role, state, joined, left))
            requests = []
            if policy == JoinPolicy.REQUEST and status == GroupStatus.ACTIVE:
                for person in pick_members(
                    rng, rng.randint(0, 3), pool, len(ctx.members), set(people)
                ):
                    asked = end - dt.timedelta(minutes=rng.randint(30, 20 * 24 * 60))
                    requests.append((person, rng.choice(JOIN_REQUEST_MESSAGES), asked))
            changed = status != GroupStatus.ACTIVE
            groups.append(
                Group(
                    name=name,
                    slug=f"{slugify(name)[:125]}-{rank + 1}",
                    description=rng.choice(GROUP_DESCRIPTIONS),
                    theme=theme,
                    territory_id=territory,
                    organisation_id=organisation,
                    visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
                    join_policy=policy,
                    status=status,
                    status_reason="Le groupe ne se réunit plus." if changed else "",
                    status_changed_by_id=ctx.members[people[0]] if changed else None,
                    status_changed_at=end - dt.timedelta(days=rng.randint(1, 10))
                    if changed
                    else None,
                    created_by_id=ctx.members[people[0]],
                    created_at=created,
                    last_activity_at=created,  # then the latest discussion's (seed_discussions)
                    member_count=len(active),
                )
            )
            plans.append((memberships, requests, active))
        with transaction.atomic():
            Group.objects.bulk_create(groups)
            rows, asks = [], []
            for group, (memberships, requests, active) in zip(groups, plans, strict=True):
                rows += [
                    (group.pk, ctx.members[person], role, state, joined, left)
                    for person, role, state, joined, left in memberships
                ]
                asks += [
                    JoinRequest(
                        group_id=group.pk,
                        user_id=ctx.members[person],
                        message=message,
                        created_at=asked,
                    )
                    for person, message, asked in requests
                ]
                ctx.groups.append(
                    (group.pk, group.name, group.visibility == "public", group.created_at)
                )
                ctx.group_members.append(active)
            copy_rows(Membership, ["group", "user", "role", "state", "joined_at", "left_at"], rows)
            JoinRequest.objects.bulk_create(asks, batch_size=BATCH)
        ctx.wrote("groups", len(groups))
        ctx.wrote("group memberships", len(rows))
        ctx.wrote("group join requests", len(asks))
        progress.advance(len(groups))
    progress.finish()


#: Share of the replies that quote an earlier message, and that @mention a member.
QUOTE_SHARE = 0.08
MENTION_SHARE = 0.04


def seed_discussions(ctx):
    """Discussions in the groups (more in the larger ones; some groups have none) and their
    messages (a long tail: most discussions have a few, some hundreds), written by the
    group's members, interleaved in time as they would be. Positions are dense from 1 in each
    discussion; ``message_count``, ``last_message``, ``last_activity_at`` and the groups'
    ``thread_count`` and ``last_activity_at`` are what the services would have kept. Texts
    come from a small set, each rendered once by the real Markdown renderer; the database's
    trigger fills each message's search document. Some replies quote an earlier message of
    their discussion (``QUOTE_SHARE``) or @mention a member of the group (``MENTION_SHARE``,
    with its ``Mention`` row); some of the group's members have read each discussion, up to
    some message (``ThreadRead``: the unread markers)."""
    from django.db import connection, transaction

    from parvis.core.richtext import render_markdown
    from parvis.groups.models import Group, Mention, Message, Thread, ThreadRead

    rng = ctx.rng("discussions")
    total = ctx.count("threads")
    weights = [len(active) ** 0.9 * rng.lognormvariate(0, 0.8) for active in ctx.group_members]
    per_group = spread(rng, total, weights)
    end = ctx.end
    plan = []  # (start, group rank)
    for group_rank, count in enumerate(per_group):
        created = ctx.groups[group_rank][3]
        span = max((end - created).total_seconds() - 3600, 60)
        for _index in range(count):
            plan.append((created + dt.timedelta(seconds=rng.uniform(0, span)), group_rank))
    plan.sort()
    total_messages = max(ctx.count("messages"), len(plan))
    extra = spread(rng, total_messages - len(plan), lognormal_weights(rng, len(plan), 1.2))
    bodies = _group_bodies()
    thread_fields = [
        "id",
        "group",
        "title",
        "author",
        "created_at",
        "pinned",
        "locked",
        "last_activity_at",
        "message_count",
        "deletion_reason",
    ]
    message_fields = [
        "id",
        "thread",
        "position",
        "author",
        "body",
        "body_html",
        "created_at",
        "deleted_at",
        "deleted_by",
        "deletion_reason",
        "quoted",
    ]
    progress = ctx.progress("messages", total_messages)
    for first in range(0, len(plan), THREAD_WINDOW):
        window = plan[first : first + THREAD_WINDOW]
        counts = [1 + extra[first + index] for index in range(len(window))]
        message_ids = iter(reserve_ids(Message, sum(counts)))
        threads, messages, mentions, reads = [], [], [], []
        for pk, (started, group_rank), count in zip(
            reserve_ids(Thread, len(window)), window, counts, strict=True
        ):
            members = ctx.group_members[group_rank]
            author = rng.choice(members)
            span = min((end - started).total_seconds() - 60, rng.uniform(0.5, 90) * 86400)
            offsets = sorted(rng.uniform(1, span) for _reply in range(count - 1))
            times = [started] + [started + dt.timedelta(seconds=offset) for offset in offsets]
            title = rng.choice(THREAD_TITLES)
            pinned, locked = rng.random() < 0.03, rng.random() < 0.02
            threads.append(
                (pk, ctx.groups[group_rank][0], title, ctx.members[author], started, pinned)
                + (locked, times[-1], count, "")
            )
            written = []  # ids of this discussion's messages not deleted
            for position, moment in enumerate(times, start=1):
                message_id = next(message_ids)
                writer_rank = author if position == 1 else rng.choice(members)
                writer = ctx.members[writer_rank]
                body, html = rng.choice(bodies)
                if position > 1 and rng.random() < 0.005:  # deleted by its author
                    gone = moment + dt.timedelta(hours=1)
                    messages.append(
                        (message_id, pk, position, writer, "", "", moment, gone, writer, "", None)
                    )
                    continue
                quoted = None
                if written and rng.random() < QUOTE_SHARE:
                    quoted = rng.choice(written[-10:])
                if len(members) > 1 and rng.random() < MENTION_SHARE:
                    mentioned = rng.choice(members)
                    if mentioned != writer_rank:
                        handle = ctx.member_handles[mentioned]
                        body = f"@{handle} {body}"
                        html = str(render_markdown(body))
                        mentions.append((message_id, ctx.members[mentioned], moment))
                messages.append(
                    (message_id, pk, position, writer, body, html, moment, None, None, "", quoted)
                )
                written.append(message_id)
            # Some members have read the discussion, up to some message (the unread markers).
            readers = rng.sample(members, min(len(members), 1 + int(rng.expovariate(1 / 4))))
            for reader in readers:
                seen = rng.randint(1, count)
                reads.append((pk, ctx.members[reader], times[seen - 1], seen))
            ctx.threads.append((pk, group_rank, title))
        messages.sort(key=lambda message: message[6])  # as written; stable: deterministic
        with transaction.atomic():
            copy_rows(Thread, thread_fields, threads)
            for start in range(0, len(messages), BATCH):
                chunk = messages[start : start + BATCH]
                copy_rows(Message, message_fields, chunk)
                progress.advance(len(chunk))
            copy_rows(Mention, ["message", "user", "created_at"], mentions)
            copy_rows(ThreadRead, ["thread", "user", "read_at", "last_position"], reads)
        ctx.wrote("discussions", len(threads))
        ctx.wrote("group messages", len(messages))
        ctx.wrote("mentions", len(mentions))
        ctx.wrote("read markers", len(reads))
    progress.finish()
    if not ctx.threads:
        return
    # The counters and links the services keep, computed by the database from the rows.
    group_pks = [pk for pk, *_rest in ctx.groups]
    threads = connection.ops.quote_name(Thread._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {threads} AS t SET last_message_id = m.id
            FROM {connection.ops.quote_name(Message._meta.db_table)} AS m
            WHERE m.thread_id = t.id AND m.position = t.message_count
              AND t.id BETWEEN %s AND %s
            """,  # noqa: S608 - table names from the models
            [ctx.threads[0][0], ctx.threads[-1][0]],
        )
        cursor.execute(
            f"""
            UPDATE {connection.ops.quote_name(Group._meta.db_table)} AS g
            SET thread_count = s.threads, last_activity_at = GREATEST(g.created_at, s.latest)
            FROM (
                SELECT group_id, count(*) AS threads, max(last_activity_at) AS latest
                FROM {threads} WHERE deleted_at IS NULL GROUP BY group_id
            ) AS s
            WHERE s.group_id = g.id AND g.id BETWEEN %s AND %s
            """,  # noqa: S608 - table names from the models
            [min(group_pks), max(group_pks)],
        )
